import { describe, expect, it } from 'vitest';
import { MAX_SHELL_BYTES } from '../../contracts/shell.ts';
import { prepareRelease, ShellTooLargeError } from '../../lambda/core/shell.ts';
import { makeManifest, makeRelease } from './helpers.ts';

describe('prepareRelease', () => {
  it('renders once, with a strong ETag that changes with the shell', () => {
    const one = prepareRelease(makeManifest(makeRelease()));
    const same = prepareRelease(makeManifest(makeRelease()));
    const other = prepareRelease(makeManifest(makeRelease({ config: { apiBase: '/v2' } })));
    expect(one.etag).toMatch(/^"r1-[A-Za-z0-9_-]{16}"$/);
    expect(same.etag).toBe(one.etag);
    expect(other.etag).not.toBe(one.etag);
    expect(one.pageBytes).toBe(Buffer.byteLength(one.page));
    expect(one.fileUris.get('favicon.svg')).toBe('/releases/r1/favicon.svg');
  });

  it('refuses a shell that would push the generated response toward the 1 MB limit', () => {
    const shell = `<html><head></head><body>${'x'.repeat(MAX_SHELL_BYTES)}</body></html>`;
    expect(() => prepareRelease(makeManifest(makeRelease({ shell })))).toThrow(ShellTooLargeError);
    expect(() => prepareRelease(makeManifest(makeRelease({ shell })))).toThrow(/limit is 983040/);
  });
});
