/** `npm start` as a newcomer meets it: help, wrong flags, a port already taken, a bad --csp. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function start(
  args: string[],
  env: Record<string, string> = {},
  onStdout?: (text: string, data: string) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const data = mkdtempSync(join(tmpdir(), 'shellfront-start-'));
  const child = spawn(TSX, [join(ROOT, 'local', 'start.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, SHELLFRONT_DATA: data, PORT: '0', API_PORT: '0', S3_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    onStdout?.(stdout, data);
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('npm start', () => {
  it('--help prints the options and exits 0', async () => {
    const result = await start(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--port <n>[\s\S]*--csp <policy>[\s\S]*--help/);
    expect(result.stderr).not.toMatch(/ERR_PARSE_ARGS/);
  });

  it('--help names the preview domain and the cache switch; a bad switch value names the variable and the values', async () => {
    const help = await start(['--help']);
    expect(help.stdout).toMatch(/--no-previews[\s\S]*http:\/\/<channel>\.localhost:<port>[\s\S]*--no-edge-cache/);
    const bad = await start([], { SHELLFRONT_EDGE_CACHE: 'maybe' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('SHELLFRONT_EDGE_CACHE must be "on" or "off" (or --no-edge-cache), got "maybe"');
  });

  it('an unknown flag says so, with the fix, and no stack trace', async () => {
    const result = await start(['--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/npm start: Unknown option '--bogus'\.\nRun `npm start -- --help`/);
    const typo = await start(['--dst', 'build']);
    expect(typo.stderr).toMatch(/Unknown option '--dst'\. Did you mean --dist\?/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a --csp the stack would refuse', async () => {
    const result = await start(['--csp', ' ']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--csp must be one non-empty line of CSP directives/);
  });

  it('refuses stack settings the stack would refuse, naming the flag, the value and the fix', async () => {
    const cdn = await start(['--shell-cdn-seconds', '-1']);
    expect(cdn.code).toBe(2);
    expect(cdn.stderr).toContain(
      '--shell-cdn-seconds / SHELLFRONT_SHELL_CDN_SECONDS: shellCdnSeconds must be a whole number from 0 to 3600, got "-1"',
    );
    const assets = await start(['--asset-path-patterns', '/assets/*,/static']);
    expect(assets.code).toBe(2);
    expect(assets.stderr).toContain('"/static" is not a folder pattern: write it as "/<folder>/*", e.g. "/static/*"');
    const both = await start(['--ttl', '5', '--manifest-ttl-seconds', '6']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--ttl is another name for --manifest-ttl-seconds/);
  });

  it('a second start on the same data folder names the running one and --data, and starts nothing', async () => {
    const data = mkdtempSync(join(tmpdir(), 'shellfront-start-'));
    // This test's own process stands for the first `npm start`: alive, and not the new one.
    writeFileSync(join(data, 'local.json'), JSON.stringify({ pid: process.pid }));
    const result = await start(['--quiet'], { SHELLFRONT_DATA: data });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`another \`npm start\` (pid ${process.pid}) is running with its data in ${data}`);
    expect(result.stderr).toMatch(/--data <dir> \/ SHELLFRONT_DATA/);
    expect(existsSync(join(data, 's3'))).toBe(false);
  });

  it('a port already taken names the port and the flag that moves it', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await start(['--quiet'], { PORT: String(port) });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`port ${port} (the edge) is already taken, probably by another \`npm start\``);
      expect(result.stderr).toMatch(/--port \/ PORT \(0 picks a free one\)/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      // s3rver's port too (it starts first): named the same way, never the child's EADDRINUSE stack.
      const s3 = await start(['--quiet'], { S3_PORT: String(port) });
      expect(s3.code).toBe(2);
      expect(s3.stderr).toContain(`port ${port} (s3rver) is already taken`);
      expect(s3.stderr).toMatch(/--s3-port \/ S3_PORT/);
      expect(s3.stderr).not.toMatch(/EADDRINUSE|\n\s+at /);
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('a port taken on [::1] only is refused too: browsers send *.localhost there first', async (context) => {
    const blocker: Server = createServer();
    const listening = await new Promise<boolean>((resolve) => {
      blocker.once('error', () => resolve(false));
      blocker.listen(0, '::1', () => resolve(true));
    });
    if (!listening) context.skip();
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await start(['--quiet'], { PORT: String(port) });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`port ${port} (the edge, on [::1] where localhost names also go) is already taken`);
      expect(result.stderr).toMatch(/--port \/ PORT \(0 picks a free one\)/);
    } finally {
      blocker.close();
    }
  }, 30_000);

  it('reports s3rver dying and stops, instead of answering 502 in silence', async () => {
    let killed = false;
    const result = await start(['--quiet'], {}, (text, data) => {
      if (killed || !text.includes('Ctrl-C stops everything')) return;
      killed = true;
      // s3rver is the child whose arguments name this start's data folder.
      spawn('pkill', ['-KILL', '-f', `s3rver-child.cjs.*${data}`]);
    });
    expect(killed).toBe(true);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /s3rver \(the local S3 at http:\/\/127\.0\.0\.1:\d+\) exited unexpectedly \(SIGKILL\)[\s\S]*Run `npm start` again/,
    );
  }, 60_000);
});
