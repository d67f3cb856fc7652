/**
 * How a release's index.html becomes the shell the edge serves: the release meta tag and a JSON
 * data block inserted where the head ends (contracts/head-end.ts). Pure; used by the handler
 * (which renders once per release) and by the CLI (which refuses, before uploading anything, a release whose shell the
 * edge could not serve).
 */
import { headEndIndex } from './head-end.ts';
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

/**
 * The release's index.html with the release meta tag and the data block inserted where the head
 * really ends (`headEndIndex`: not at a `</head>` inside a comment, an attribute or a script's
 * string; after the doctype, so a head-less document stays in standards mode).
 */
export function renderShell(release: ReleaseRecord): string {
  const data = scriptSafeJson({ release: release.id, config: release.config ?? {} });
  const inject =
    `<meta name="${RELEASE_META_NAME}" content="${escapeAttribute(release.id)}">` +
    `<script type="application/json" id="${SHELL_DATA_ELEMENT_ID}">${data}</script>`;
  const indexHtml = release.shell; // the build's index.html as the record stores it
  const at = headEndIndex(indexHtml);
  return indexHtml.slice(0, at) + inject + indexHtml.slice(at);
}

/** Why the edge could not serve this release's shell, or undefined when it can. */
export function shellSizeProblem(release: ReleaseRecord): string | undefined {
  return renderedShellSizeProblem(new TextEncoder().encode(renderShell(release)).byteLength);
}

/** Why a rendered shell of `bytes` bytes cannot be served (the one limit, for CLI and edge), or undefined. */
export function renderedShellSizeProblem(bytes: number): string | undefined {
  if (bytes <= MAX_SHELL_BYTES) return undefined;
  return (
    `the rendered shell (index.html + release config) is ${bytes} bytes; the limit is ${MAX_SHELL_BYTES} ` +
    '(Lambda@Edge generated responses must stay under 1 MB). Move inline data out of index.html or the release config.'
  );
}
