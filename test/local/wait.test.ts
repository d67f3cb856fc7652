/**
 * `deploy --wait`, `rollback --wait` and `status --url` against the local edge (the same handler,
 * behind the stack's behaviors), plus the polling rules with a fake clock.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/shared/errors.ts';
import { run } from '../../cli/main.ts';
import { NotLiveInTimeError, waitUntilLive } from '../../cli/commands/wait.ts';
import { cliEnvironment } from '../../local/deploy.ts';
import { LOCAL_BUCKET, startLocalSystem, type LocalSystem } from '../../local/system.ts';
import { writeBuild } from './helpers.ts';

let dir: string;
let system: LocalSystem;

const build = (name: string, text: string) => writeBuild(dir, name, text);

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const summary = join(dir, `summary-${Math.random().toString(36).slice(2)}.md`);
  const code = await run({
    argv,
    env: { ...process.env, ...cliEnvironment(system.s3.endpoint), GITHUB_STEP_SUMMARY: summary },
    stdout: { write: (chunk: string) => out.push(chunk) } as unknown as NodeJS.WritableStream,
    stderr: { write: (chunk: string) => err.push(chunk), isTTY: false } as unknown as NodeJS.WriteStream,
  });
  let markdown = '';
  try {
    markdown = readFileSync(summary, 'utf8');
  } catch {
    markdown = '';
  }
  return {
    code,
    stdout: out.join(''),
    stderr: err.join(''),
    json: () => JSON.parse(out.join('').trim().split('\n').at(-1) ?? '{}'),
    markdown,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shellfront-wait-'));
  system = await startLocalSystem({
    dataDir: join(dir, 'data'),
    dist: build('a', 'first'),
    edgePort: 0,
    apiPort: 0,
    s3Port: 0,
    manifestTtlSeconds: 1,
    // The edge cache keeps the shell this long: a switch shows within TTL + this, as on CloudFront.
    shellCdnSeconds: 1,
  });
}, 60_000);

afterAll(async () => {
  await system?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('--wait and status against the local edge', () => {
  it('deploy --wait returns once the URL serves the new release, and says how long it took', async () => {
    const result = await cli(
      'deploy',
      build('b', 'second'),
      '--bucket',
      LOCAL_BUCKET,
      '--release',
      'wait-b',
      '--wait',
      system.edge.url,
      '--json',
    );
    expect(result.code, result.stderr).toBe(EXIT.ok);
    const json = result.json();
    expect(json.wait).toMatchObject({ release: json.release, checks: expect.any(Number) });
    expect(json.wait.liveAfterMs).toBeLessThan(10_000);
    expect(result.markdown).toMatch(/### shellfront deploy: live[\s\S]*\| live at \| http:\/\/127\.0\.0\.1:\d+\/ after/);
  }, 30_000);

  it('status --url says what is live, since when, whether complete, and what the URL serves', async () => {
    const result = await cli('status', '--bucket', LOCAL_BUCKET, '--url', system.edge.url, '--json');
    expect(result.code, result.stderr).toBe(EXIT.ok);
    const json = result.json();
    expect(json).toMatchObject({ complete: true, problems: [], url: { matches: true } });
    expect(json.url.serves).toBe(json.live);
    expect(json.previous).toBe(system.release.id);
    expect(result.markdown).toMatch(/### shellfront status[\s\S]*\| complete \| yes \|/);
  });

  it('rollback --wait too', async () => {
    const result = await cli('rollback', '--bucket', LOCAL_BUCKET, '--wait', system.edge.url, '--json');
    expect(result.code, result.stderr).toBe(EXIT.ok);
    expect(result.json().wait.release).toBe(system.release.id);
  }, 30_000);

  it('a URL that is not this site, or not reachable, gets a clear message (the release was still switched)', async () => {
    const notShellfront = await cli('status', '--bucket', LOCAL_BUCKET, '--url', system.api.url);
    expect(notShellfront.stdout).toMatch(/serves no release header \(HTTP 404\)/);
    const wrong = await cli('deploy', build('c', 'third'), '--bucket', LOCAL_BUCKET, '--release', 'wait-c', '--wait', system.api.url);
    expect(wrong.code).toBe(EXIT.input);
    expect(wrong.stderr).toMatch(/without an x-shellfront-release header: is it this shellfront site/);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await cli('status', '--bucket', LOCAL_BUCKET, '--url', `http://127.0.0.1:${port}`);
    expect(unreachable.code).toBe(EXIT.transient);
    expect(unreachable.stderr).toContain(`Cannot reach http://127.0.0.1:${port}/ (ECONNREFUSED)`);
    const bad = await cli('status', '--bucket', LOCAL_BUCKET, '--url', 'ftp://x');
    expect(bad.code).toBe(EXIT.usage);
  }, 30_000);
});

describe('waitUntilLive', () => {
  const reporter = { info() {}, warn() {}, progress() {}, endProgress() {} };
  it('gives up past the bound with exit 8, politely (one check per interval)', async () => {
    let clock = 0;
    const checks: number[] = [];
    const error = await waitUntilLive({
      url: new URL('https://www.example.com/'),
      release: 'r2',
      timeoutMs: 20_000,
      reporter,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
      check: async () => {
        checks.push(clock);
        return { release: 'r1', status: 200 };
      },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotLiveInTimeError);
    expect((error as NotLiveInTimeError).exitCode).toBe(EXIT.notLive);
    expect((error as Error).message).toMatch(/still served r1 after 20 s, not r2/);
    expect(checks).toHaveLength(11);
    expect(checks[1]! - checks[0]!).toBe(2000);
  });

  it('needs three checks in a row, and measures from the first of them', async () => {
    let clock = 0;
    const answers = ['r1', 'r2', 'r1', 'r2', 'r2', 'r2'];
    const result = await waitUntilLive({
      url: new URL('https://www.example.com/'),
      release: 'r2',
      timeoutMs: 60_000,
      reporter,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
      check: async () => ({ release: answers.shift(), status: 200 }),
    });
    expect(result).toMatchObject({ checks: 6, liveAfterMs: 6000 });
  });
});
