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

/** Elements whose content is text, not markup: a `</head>` inside them is not the head's end. */
const TEXT_ELEMENT = /^<(script|style|title|textarea|noscript|template)[\s>/]/i;
const HEAD_END = /^<\/head\s*>/i;
const BODY_START = /^<body[\s>/]/i;

/**
 * Where the document's head really ends: the first `</head>` (or, without one, the `<body>` that
 * opens the body implicitly) that is markup, skipping comments and the text of script, style,
 * title, textarea, noscript and template elements (a `</head>` in an inline script's string or in
 * a comment is not the end). -1 when neither is found. A scanner, not a parser: the edge bundle
 * stays small, and an index.html is a bundler's output, not arbitrary input.
 */
export function headEndIndex(html: string): number {
  let at = html.indexOf('<');
  while (at >= 0) {
    const rest = html.slice(at, at + 64);
    if (rest.startsWith('<!--')) {
      const end = html.indexOf('-->', at + 4);
      if (end < 0) return -1;
      at = html.indexOf('<', end + 3);
      continue;
    }
    if (HEAD_END.test(rest) || BODY_START.test(rest)) return at;
    const text = TEXT_ELEMENT.exec(rest);
    if (text) {
      const close = html.toLowerCase().indexOf(`</${(text[1] as string).toLowerCase()}`, at + text[0].length);
      if (close < 0) return -1;
      at = html.indexOf('<', close + 2);
      continue;
    }
    at = html.indexOf('<', at + 1);
  }
  return -1;
}

/**
 * The release's index.html with the release meta tag and the data block inserted where the head
 * really ends (`headEndIndex`), or in front when the document has neither `</head>` nor `<body>`.
 */
export function renderShell(release: ReleaseRecord): string {
  const data = scriptSafeJson({ release: release.id, config: release.config ?? {} });
  const inject =
    `<meta name="${RELEASE_META_NAME}" content="${escapeAttribute(release.id)}">` +
    `<script type="application/json" id="${SHELL_DATA_ELEMENT_ID}">${data}</script>`;
  const html = release.shell;
  const at = headEndIndex(html);
  return at >= 0 ? html.slice(0, at) + inject + html.slice(at) : inject + html;
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
