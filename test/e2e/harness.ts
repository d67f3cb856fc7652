/**
 * The browser tests' harness: builds variants of the example app, runs `npm start`
 * (local/start.ts) as its own process on free ports with data in a temp folder, and launches
 * Debian's chromium through playwright-core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { runCli } from '../../local/deploy.ts';
import { PROJECT_ROOT } from '../../scripts/paths.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

function run(command: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}

/** Builds the example app into `outDir`; a different `edition` changes a visible string and so the hashes. */
export function buildExample(outDir: string, edition: string): Promise<void> {
  return run(
    process.execPath,
    [
      join(PROJECT_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'examples/pipeline-ui/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    { SHELLFRONT_EXAMPLE_EDITION: edition, SHELLFRONT_EXAMPLE_OUT: outDir },
  );
}

export interface LocalState {
  readonly pid: number;
  readonly edge: string;
  readonly api: string;
  readonly s3: string;
  readonly bucket: string;
  /** The live release when the system was ready (asked of the CLI: local.json does not keep it). */
  readonly release: string;
}

export interface StartedLocal {
  readonly state: LocalState;
  readonly process: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** Sends SIGINT (Ctrl-C) and resolves with the exit code. */
  interrupt(): Promise<number | null>;
}

/** Runs `npm start` (local/start.ts) with `args` and waits until it has written its state file. */
export async function startLocal(dataDir: string, args: readonly string[], timeoutMs = 90_000): Promise<StartedLocal> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'local/start.ts', '--data', dataDir, '--port', '0', '--api-port', '0', '--s3-port', '0', ...args],
    { cwd: PROJECT_ROOT, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stateFile = join(dataDir, 'local.json');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode} before it was ready:\n${output}`);
    if (existsSync(stateFile)) {
      const written = JSON.parse(readFileSync(stateFile, 'utf8')) as Omit<LocalState, 'release'>;
      if (written.pid === child.pid) {
        const releases = await runCli(['releases', '--bucket', written.bucket, '--json'], written.s3);
        const state: LocalState = { ...written, release: String(releases.json?.live) };
        return {
          state,
          process: child,
          output: () => output,
          interrupt: async () => {
            if (child.exitCode === null) child.kill('SIGINT');
            return exited;
          },
        };
      }
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`npm start was not ready within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls `check` until it returns a value, or throws after `timeoutMs`. Resolves with the value and the time it took. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return { value, ms: Date.now() - started };
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
