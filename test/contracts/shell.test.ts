import { describe, expect, it } from 'vitest';
import { SHELL_DATA_ELEMENT_ID, validateReleaseRecord } from '../../contracts/release.ts';
import { headEndIndex } from '../../contracts/head-end.ts';
import { MAX_SHELL_BYTES, renderShell, scriptSafeJson, shellSizeProblem } from '../../contracts/shell.ts';
import { makeRelease } from '../lambda/helpers.ts';

function dataOf(html: string): unknown {
  const match = new RegExp(`<script type="application/json" id="${SHELL_DATA_ELEMENT_ID}">(.*?)</script>`, 's').exec(html);
  return match ? JSON.parse(match[1]!) : undefined;
}

const release = (shell: string, config?: Record<string, unknown>) =>
  validateReleaseRecord({
    schema: 1,
    id: 'r1',
    createdAt: '2026-11-23T10:00:00.000Z',
    shell,
    assetPrefixes: ['assets/'],
    assets: [],
    files: [],
    ...(config ? { config } : {}),
  });

describe('shellSizeProblem', () => {
  it('accepts a normal shell', () => {
    expect(shellSizeProblem(release('<html><head></head><body></body></html>'))).toBeUndefined();
  });

  it('counts the rendered shell in UTF-8 bytes, config included', () => {
    const room = MAX_SHELL_BYTES - new TextEncoder().encode(renderShell(release('<head></head>', { s: '' }))).byteLength;
    expect(shellSizeProblem(release('<head></head>', { s: 'x'.repeat(room) }))).toBeUndefined();
    expect(shellSizeProblem(release('<head></head>', { s: 'x'.repeat(room + 1) }))).toMatch(/is 983041 bytes; the limit is 983040/);
    // Three bytes a character in UTF-8: a third of the room in characters fits, a bit more does not.
    expect(shellSizeProblem(release('<head></head>', { s: '€'.repeat(Math.floor(room / 3) + 1) }))).toMatch(/the limit is 983040/);
  });
});

describe('renderShell', () => {
  it('inserts the release meta tag and the data block right before </head>', () => {
    const html = renderShell(makeRelease({ id: 'r7', config: { apiBase: '/api' } }));
    expect(html).toContain(
      `<meta name="shellfront-release" content="r7"><script type="application/json" id="shellfront-data">{"release":"r7","config":{"apiBase":"/api"}}</script></head>`,
    );
    expect(dataOf(html)).toEqual({ release: 'r7', config: { apiBase: '/api' } });
  });

  it('injects an empty config when the release has none', () => {
    const { config: _omit, ...rest } = makeRelease();
    expect(dataOf(renderShell(rest))).toEqual({ release: 'r1', config: {} });
  });

  it('keeps config that tries to break out of the script tag inside it', () => {
    const config = { evil: '</script><script>alert(1)</script>', amp: '&lt;', seps: '\u2028\u2029', comment: '<!--' };
    const html = renderShell(makeRelease({ config }));
    expect(html.match(/<\/script>/g)).toHaveLength(2); // the app's module script and the data block
    expect(html).not.toContain('\u2028');
    expect(dataOf(html)).toEqual({ release: 'r1', config });
  });

  it('escapes <, >, &, U+2028 and U+2029 in JSON', () => {
    expect(scriptSafeJson({ a: '<>&\u2028\u2029' })).toBe('{"a":"\\u003c\\u003e\\u0026\\u2028\\u2029"}');
  });

  it('handles </HEAD> in any case, and shells without a head', () => {
    expect(renderShell(makeRelease({ shell: '<HTML><HEAD></HEAD ><BODY></BODY></HTML>' }))).toMatch(/<\/script><\/HEAD >/);
    expect(renderShell(makeRelease({ shell: '<html><body class="x">hi</body></html>' }))).toMatch(/<\/script><body class="x">/);
    expect(renderShell(makeRelease({ shell: 'hello' }))).toMatch(/<\/script>hello$/);
  });

  it('inserts at the real end of the head, not at a </head> inside a comment, a script string, a title or a style', () => {
    const shells = [
      '<html><head><!-- old layout: </head><body> --><title>x</title></head><body></body></html>',
      '<html><head><script>document.write("</head>")</script></head><body></body></html>',
      '<html><head><SCRIPT type="module">const s = `</HEAD>`;</SCRIPT></head><body></body></html>',
      '<html><head><title>Why </head> matters</title></head><body></body></html>',
      '<html><head><style>/* </head> */ body{}</style></head><body></body></html>',
      '<html><head><noscript><p>enable JS</p></noscript></head><body></body></html>',
    ];
    for (const shell of shells) {
      const html = renderShell(makeRelease({ id: 'r9', shell }));
      const at = html.indexOf('<meta name="shellfront-release"');
      expect(html.slice(0, at), shell).toBe(shell.slice(0, shell.lastIndexOf('</head>')));
      expect(dataOf(html), shell).toMatchObject({ release: 'r9' });
    }
  });

  it('inserts at the real end of the head past nasty markup: attributes, odd comments, bogus comments, near-miss end tags', () => {
    const shells = [
      '<html><head><meta name="x" content="</head>"><title>t</title></head><body></body></html>',
      "<html><head><meta content='a > </head>'></head><body>",
      '<html><head><link rel=x href=a</head><title>t</title></head><body>',
      '<html><head><!--><title>t</title></head><body>',
      '<html><head><!---><title>t</title></head><body>',
      '<html><head><!-- a --!> <title>t</title></head><body>',
      '<html><head><script>var a="</scripts></head>"</script></head><body>',
      '<html><head><script>var a="</script"</script></head><body>'.replace('"</script"', '"<\\/script"'),
      '<html><head><! bogus </head><meta name=a></head><body>',
      '<html><head><?php </head><meta name=a></head><body>',
      '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html><head></head><body>',
      '<html><head><template><p></head><body></p></template></head><body>',
      '<html><head><noscript><style>p{}</style></noscript><style>/*</head>*/</style></head><body>',
      '<html><head></>< /head><meta name=a></head><body>'.replace('< /head>', ''),
      '<html><head><meta a="1"b=\'</head>\'></head><body>',
      '<html><head><meta a = "</head>" ></head><body>',
    ];
    for (const shell of shells) {
      const html = renderShell(makeRelease({ id: 'r9', shell }));
      const at = html.indexOf('<meta name="shellfront-release"');
      expect(html.slice(0, at), shell).toBe(shell.slice(0, shell.lastIndexOf('</head>')));
      expect(dataOf(html), shell).toMatchObject({ release: 'r9' });
    }
  });

  it('headEndIndex: where a browser ends the head when there is no </head>', () => {
    expect(headEndIndex('<head><meta charset="utf-8"><body>')).toBe(28);
    // An element that cannot be in a head starts the body: the head ends before it.
    expect(headEndIndex('<head><scripts></head>')).toBe(6);
    expect(headEndIndex('<!doctype html><title>x</title><div id="app"></div>')).toBe(31);
    // So does the first text that is not whitespace; a head-only document ends at its end.
    expect(headEndIndex('<!doctype html>\n<html>\n<head>\n<title>x</title>\nHello')).toBe(47);
    expect(headEndIndex('<!doctype html><head><meta charset="utf-8">\n')).toBe(44);
    expect(headEndIndex('hello')).toBe(0);
    // "</body>" and "</html>" close the head too; other end tags in a head are ignored.
    expect(headEndIndex('<head><meta a=b></p></html>')).toBe(20);
  });

  it('headEndIndex: before whatever is left unterminated, never inside it', () => {
    expect(headEndIndex('<head><!-- never closed </head>')).toBe(6);
    expect(headEndIndex('<head><script>"</head>')).toBe(6);
    expect(headEndIndex('<head><meta content="</head>')).toBe(6);
    expect(headEndIndex('<head><title>x</title')).toBe(6);
  });

  it('keeps a head-less document in standards mode: the data goes after the doctype, never before it', () => {
    const html = renderShell(makeRelease({ shell: '<!doctype html><div id="app"></div>' }));
    expect(html.startsWith('<!doctype html><meta name="shellfront-release"')).toBe(true);
  });

  it('scans a large shell in linear time', () => {
    const shell = `<html><head>${'<script>var a = "</head>";</script><!-- </head> --><meta content="</head>">'.repeat(10_000)}</head><body></body></html>`;
    const started = performance.now();
    expect(headEndIndex(shell)).toBe(shell.lastIndexOf('</head>'));
    expect(performance.now() - started).toBeLessThan(500);
  });
});
