/** bin/shellfront.mjs runs with no build step: through its cached bundle, and through tsx. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/shellfront.mjs', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf-8')) as { version: string };

describe('bin/shellfront.mjs', () => {
  it.each([
    ['the cached bundle', {}],
    ['tsx', { SHELLFRONT_NO_BUNDLE: '1' }],
  ])('runs through %s', (_label, extra) => {
    const env = { ...process.env, ...extra };
    const versionRun = spawnSync(process.execPath, [BIN, '--version'], { env, encoding: 'utf-8' });
    expect(versionRun.status).toBe(0);
    expect(versionRun.stdout.trim()).toBe(version);
    const usage = spawnSync(process.execPath, [BIN, 'deploy', '--json'], { env, encoding: 'utf-8' });
    expect(usage.status).toBe(2);
    expect(JSON.parse(usage.stdout.trim().split('\n').at(-1) ?? '')).toMatchObject({ error: { name: 'UsageError', exitCode: 2 } });
  });
});
