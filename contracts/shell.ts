/**
 * How a release's index.html becomes the shell the edge serves: the release meta tag and a JSON
 * data block inserted before `</head>`. Pure; used by the handler (which renders once per
 * release) and by the CLI (which refuses, before uploading anything, a release whose shell the
 * edge could not serve).
 */
import { SHELL_DATA_ELEMENT_ID, type ReleaseRecord } from './release.ts';

/**
 * Lambda@Edge refuses generated responses over 1 MB (headers and body); the shell must stay
 * well under it.
 */
export const MAX_SHELL_BYTES = 960 * 1024;
/** `<meta name="shellfront-release" content="<id>">` in the shell's head. */
export const RELEASE_META_NAME = 'shellfront-release';

/** JSON that cannot end its `<script>` element or break out of it: `<`, `>`, `&`, U+2028/2029 escaped. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => {
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

function escapeAttribute(text: string): string {
  return text.replace(/[&"<>]/g, (char) => `&#${char.charCodeAt(0)};`);
}

const HEAD_END = /<\/head\s*>/i;
const BODY_START = /<body[\s>]/i;

/** The release's index.html with the release meta tag and the data block inserted before `</head>`. */
export function renderShell(release: ReleaseRecord): string {
  const data = scriptSafeJson({ release: release.id, config: release.config ?? {} });
  const inject =
    `<meta name="${RELEASE_META_NAME}" content="${escapeAttribute(release.id)}">` +
    `<script type="application/json" id="${SHELL_DATA_ELEMENT_ID}">${data}</script>`;
  const html = release.shell;
  const at = html.search(HEAD_END);
  if (at >= 0) return html.slice(0, at) + inject + html.slice(at);
  // No </head>: put it before <body> (the browser opens the head implicitly), else in front.
  const body = html.search(BODY_START);
  return body >= 0 ? html.slice(0, body) + inject + html.slice(body) : inject + html;
}

/** Why the edge could not serve this release's shell, or undefined when it can. */
export function shellSizeProblem(release: ReleaseRecord): string | undefined {
  const bytes = new TextEncoder().encode(renderShell(release)).byteLength;
  if (bytes <= MAX_SHELL_BYTES) return undefined;
  return (
    `the rendered shell (index.html + release config) is ${bytes} bytes; the limit is ${MAX_SHELL_BYTES} ` +
    '(Lambda@Edge generated responses must stay under 1 MB). Move inline data out of index.html or the release config.'
  );
}
