/**
 * Where an HTML document's head really ends, found by a small scanner that follows the HTML
 * tokenizer where it matters (https://html.spec.whatwg.org/multipage/parsing.html): comments
 * (`<!-->` and `--!>` included), bogus comments (`<!…>`, `<?…>`), doctype, quoted and unquoted
 * attribute values, the raw text of script/style/title/textarea/noscript/…, and templates, so a
 * `</head>` inside any of them is not taken for the real one. The head ends where a browser ends
 * it: at `</head>` (or `</body>`, `</html>`, `</br>`), at the first start tag that cannot be in a
 * head (`<body>`, `<div>`, an unknown element), or at the first text that is not whitespace.
 * A scanner, not a parser: no tree, no dependency, a few hundred bytes in the edge bundle.
 * Not followed: script data's escaped states (`<!-- <script>` inside a script), which bundlers
 * never emit.
 */

/** Elements whose content is text, not markup (with scripting enabled, as in browsers). */
const RAW_TEXT = new Set(['script', 'style', 'title', 'textarea', 'noscript', 'noframes', 'xmp', 'iframe', 'noembed', 'plaintext']);
/** Start tags the "in head" insertion mode keeps in the head; any other one starts the body. */
const HEAD_CONTENT = new Set([
  'html',
  'head',
  'base',
  'basefont',
  'bgsound',
  'link',
  'meta',
  'title',
  'noscript',
  'noframes',
  'style',
  'script',
  'template',
]);
/** End tags that close the head in the "in head" mode; every other one is ignored there. */
const HEAD_CLOSING_END_TAGS = new Set(['head', 'body', 'html', 'br']);
const WHITESPACE = /[\t\n\f\r \uFEFF]/;
const NOT_WHITESPACE = /[^\t\n\f\r \uFEFF]/;
const LETTER = /[A-Za-z]/;

/**
 * The index where the head ends: insert there and the content lands at the end of the head. The
 * document's length when it never ends (a head-only document); the start of a comment, tag or raw
 * text element that the document leaves unterminated, so nothing is inserted inside one.
 */
export function headEndIndex(html: string): number {
  let templates = 0;
  let at = 0;
  while (at < html.length) {
    const open = html.indexOf('<', at);
    const textEnd = open < 0 ? html.length : open;
    if (templates === 0) {
      const text = html.slice(at, textEnd).search(NOT_WHITESPACE);
      if (text >= 0) return at + text;
    }
    if (open < 0) return html.length;
    const token = scanToken(html, open);
    if (token.kind === 'text') {
      if (templates === 0) return open; // a "<" that starts no tag is text
      at = open + 1;
      continue;
    }
    if (token.end < 0) return open;
    if (token.kind === 'start') {
      if (templates === 0 && !HEAD_CONTENT.has(token.name)) return open;
      if (token.name === 'template') templates++;
      if (RAW_TEXT.has(token.name)) {
        const close = rawTextEnd(html, token.name, token.end);
        if (close < 0) return open;
        at = close; // the end tag itself is scanned next
        continue;
      }
    } else if (token.kind === 'end') {
      if (token.name === 'template' && templates > 0) templates--;
      else if (templates === 0 && HEAD_CLOSING_END_TAGS.has(token.name)) return open;
    }
    at = token.end;
  }
  return html.length;
}

type Token =
  | { readonly kind: 'start' | 'end'; readonly name: string; readonly end: number }
  | { readonly kind: 'comment'; readonly end: number }
  | { readonly kind: 'text' };

/** The markup token starting at `html[at] === '<'`; `end` is the index after it, -1 when unterminated. */
function scanToken(html: string, at: number): Token {
  const next = html[at + 1] ?? '';
  if (html.startsWith('<!--', at)) return { kind: 'comment', end: commentEnd(html, at + 4) };
  if (next === '!' || next === '?') return { kind: 'comment', end: after(html.indexOf('>', at + 2)) };
  if (next === '/') {
    const first = html[at + 2] ?? '';
    if (first === '>') return { kind: 'comment', end: at + 3 }; // "</>" is dropped
    if (!LETTER.test(first)) return { kind: 'comment', end: after(html.indexOf('>', at + 2)) };
    const { name, nameEnd } = tagName(html, at + 2);
    return { kind: 'end', name, end: attributesEnd(html, nameEnd) };
  }
  if (!LETTER.test(next)) return { kind: 'text' };
  const { name, nameEnd } = tagName(html, at + 1);
  return { kind: 'start', name, end: attributesEnd(html, nameEnd) };
}

function after(index: number): number {
  return index < 0 ? -1 : index + 1;
}

/** After `<!--`: `>` and `->` close at once; otherwise the first `-->` or `--!>`. */
function commentEnd(html: string, from: number): number {
  if (html[from] === '>') return from + 1;
  if (html.startsWith('->', from)) return from + 2;
  for (let dashes = html.indexOf('--', from); dashes >= 0; dashes = html.indexOf('--', dashes + 1)) {
    if (html[dashes + 2] === '>') return dashes + 3;
    if (html.startsWith('!>', dashes + 2)) return dashes + 4;
  }
  return -1;
}

function tagName(html: string, from: number): { name: string; nameEnd: number } {
  let end = from;
  while (end < html.length && !WHITESPACE.test(html[end] as string) && html[end] !== '/' && html[end] !== '>') end++;
  return { name: html.slice(from, end).toLowerCase(), nameEnd: end };
}

/** The index after the `>` that ends a tag whose attributes start at `from` (quotes respected), or -1. */
function attributesEnd(html: string, from: number): number {
  let state: 'between' | 'name' | 'after-name' | 'before-value' | 'unquoted' = 'between';
  for (let index = from; index < html.length; index++) {
    const char = html[index] as string;
    const space = WHITESPACE.test(char);
    if (char === '>' && state !== 'before-value') return index + 1;
    switch (state) {
      case 'between':
        if (!space && char !== '/') state = 'name'; // "=" here starts a name (a parse error)
        break;
      case 'name':
        if (space) state = 'after-name';
        else if (char === '/') state = 'between';
        else if (char === '=') state = 'before-value';
        break;
      case 'after-name':
        if (char === '=') state = 'before-value';
        else if (char === '/') state = 'between';
        else if (!space) state = 'name';
        break;
      case 'before-value':
        if (char === '>') return index + 1; // a missing value
        if (char === '"' || char === "'") {
          const close = html.indexOf(char, index + 1);
          if (close < 0) return -1;
          index = close;
          state = 'between';
        } else if (!space) state = 'unquoted';
        break;
      case 'unquoted':
        if (space) state = 'between';
        break;
    }
  }
  return -1;
}

/** The index of the end tag that closes raw text element `name` opened before `from`, or -1. */
function rawTextEnd(html: string, name: string, from: number): number {
  if (name === 'plaintext') return -1; // nothing ends it
  const end = new RegExp(`</${name}[\\t\\n\\f\\r />]`, 'gi');
  end.lastIndex = from;
  return end.exec(html)?.index ?? -1;
}
