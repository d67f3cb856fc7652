import { describe, expect, it } from 'vitest';
import { validateReleaseRecord } from '../../contracts/release.ts';
import { MAX_SHELL_BYTES, renderShell, shellSizeProblem } from '../../contracts/shell.ts';

const release = (shell: string, config?: Record<string, unknown>) =>
  validateReleaseRecord({
    schema: 1, id: 'r1', createdAt: '2026-11-23T10:00:00.000Z', shell, assetPrefixes: ['assets/'], assets: [], files: [],
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
