/** bin/shellfront.mjs runs the built CLI bundle (dist/cli, `npm run build`): no TypeScript loader at run time. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/shellfront.mjs', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf-8')) as { version: string };

describe('bin/shellfront.mjs', () => {
  it('runs the built bundle: --version, and a usage error as JSON with its exit code', () => {
    const versionRun = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf-8' });
    expect(versionRun.status).toBe(0);
    expect(versionRun.stdout.trim()).toBe(version);
    const usage = spawnSync(process.execPath, [BIN, 'deploy', '--json'], { encoding: 'utf-8' });
    expect(usage.status).toBe(2);
    expect(JSON.parse(usage.stdout.trim().split('\n').at(-1) ?? '')).toMatchObject({ error: { name: 'UsageError', exitCode: 2 } });
  });

  it('without a build, says what to run instead of a stack trace', () => {
    const copy = mkdtempSync(join(tmpdir(), 'shellfront-unbuilt-'));
    try {
      cpSync(BIN, join(copy, 'bin', 'shellfront.mjs'));
      cpSync(fileURLToPath(new URL('../../package.json', import.meta.url)), join(copy, 'package.json'));
      const run = spawnSync(process.execPath, [join(copy, 'bin', 'shellfront.mjs'), '--help'], { encoding: 'utf-8' });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/dist\/cli\/main\.mjs is missing: this installation of the package is incomplete/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
