import { describe, expect, it } from 'vitest';
import { checkPath, MAX_URI_LENGTH } from '../../lambda/core/path.ts';

describe('checkPath', () => {
  it.each([
    ['/', '/'],
    ['/about', '/about'],
    ['/users/42/', '/users/42/'],
    ['/assets/index-abc.js', '/assets/index-abc.js'],
    ['/caf%C3%A9', '/café'],
    ['/a%20b.txt', '/a b.txt'],
    ['/.well-known/security.txt', '/.well-known/security.txt'],
  ])('accepts %s as %s', (raw, decoded) => {
    expect(checkPath(raw)).toEqual({ ok: true, path: decoded });
  });

  it.each([
    ['/../etc/passwd', '"." or ".." segment'],
    ['/assets/../manifest.json', '"." or ".." segment'],
    ['/assets/%2e%2e/manifest.json', '"." or ".." segment'],
    ['/assets/%2E%2E%2Fmanifest.json', '"." or ".." segment'],
    ['/./x', '"." or ".." segment'],
    ['/..', '"." or ".." segment'],
    ['/a%00b', 'NUL or control character'],
    ['/a%0ab', 'NUL or control character'],
    ['/a%', 'invalid percent-encoding'],
    ['/a%zz', 'invalid percent-encoding'],
    ['/%E0%A4%A', 'invalid percent-encoding'],
    ['/a%252e%252e/x', 'double percent-encoding'],
    ['/a%5C..%5Cb', 'backslash'],
    ['/a\\b', 'backslash'],
    ['//evil.example/x', 'empty segment ("//")'],
    ['/a//b', 'empty segment ("//")'],
    ['relative', 'does not start with "/"'],
    ['', 'does not start with "/"'],
  ])('refuses %s (%s)', (raw, problem) => {
    expect(checkPath(raw)).toEqual({ ok: false, problem });
  });

  it('refuses paths longer than 2 KB and accepts exactly the limit', () => {
    expect(checkPath(`/${'a'.repeat(MAX_URI_LENGTH)}`)).toEqual({ ok: false, problem: `longer than ${MAX_URI_LENGTH} characters` });
    expect(checkPath(`/${'a'.repeat(MAX_URI_LENGTH - 1)}`).ok).toBe(true);
  });
});
