import { describe, expect, it } from 'vitest';
import { SHELL_DATA_ELEMENT_ID } from '../../contracts/release.ts';
import { MAX_SHELL_BYTES, prepareRelease, renderShell, scriptSafeJson, ShellTooLargeError } from '../../lambda/core/shell.ts';
import { makeManifest, makeRelease } from './helpers.ts';

function dataOf(html: string): unknown {
  const match = new RegExp(`<script type="application/json" id="${SHELL_DATA_ELEMENT_ID}">(.*?)</script>`, 's').exec(html);
  return match ? JSON.parse(match[1]!) : undefined;
}

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
});

describe('prepareRelease', () => {
  it('renders once, with a strong ETag that changes with the shell', () => {
    const one = prepareRelease(makeManifest(makeRelease()));
    const same = prepareRelease(makeManifest(makeRelease()));
    const other = prepareRelease(makeManifest(makeRelease({ config: { apiBase: '/v2' } })));
    expect(one.etag).toMatch(/^"r1-[A-Za-z0-9_-]{16}"$/);
    expect(same.etag).toBe(one.etag);
    expect(other.etag).not.toBe(one.etag);
    expect(one.shellBytes).toBe(Buffer.byteLength(one.shell));
    expect(one.fileUris.get('favicon.svg')).toBe('/releases/r1/favicon.svg');
  });

  it('refuses a shell that would push the generated response toward the 1 MB limit', () => {
    const shell = `<html><head></head><body>${'x'.repeat(MAX_SHELL_BYTES)}</body></html>`;
    expect(() => prepareRelease(makeManifest(makeRelease({ shell })))).toThrow(ShellTooLargeError);
    expect(() => prepareRelease(makeManifest(makeRelease({ shell })))).toThrow(/limit is 983040/);
  });
});
