/**
 * Deploying to the local S3 with the real CLI, run as a subprocess exactly as CI runs it. Whether
 * the live release already is the build is the CLI's own decision (an identical build is a no-op,
 * `"unchanged": true`), so a second start redeploys nothing by the same rule CI meets.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { channelReadKeys, PRODUCTION_CHANNEL } from '../contracts/channels.ts';
import { parseManifest, type Manifest } from '../contracts/release.ts';
import { PROJECT_ROOT } from '../scripts/paths.ts';
import { LOCAL_REGION, S3RVER_CREDENTIALS } from './s3-server.ts';
import type { S3Origin } from './s3-origin.ts';

export const CLI_PATH = join(PROJECT_ROOT, 'bin', 'shellfront.mjs');

/** The environment that points the CLI (and any AWS SDK tool) at the local S3. */
export function cliEnvironment(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    AWS_REGION: LOCAL_REGION,
  };
}

/** The command a user runs to deploy another build to the local S3, env included. */
export function deployCommandLine(endpoint: string, bucket: string, dist = '<dist>'): string {
  const env = Object.entries(cliEnvironment(endpoint))
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  return `${env} npx --no-install shellfront deploy ${dist} --bucket ${bucket}`;
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The last stdout line parsed as JSON (with `--json`), when it is one. */
  readonly json?: Record<string, unknown>;
}

/** The CLI subprocess exited non-zero (its own error, CliError in cli/shared/errors.ts, is in `result.stderr`). */
export class CliProcessError extends Error {
  override readonly name = 'CliProcessError';
  constructor(
    readonly args: readonly string[],
    readonly result: CliResult,
  ) {
    super(`shellfront ${args.join(' ')} exited with code ${result.code}:\n${(result.stderr || result.stdout).trim()}`);
  }
}

/** Runs `node bin/shellfront.mjs <args>` against the local S3; rejects with a CliProcessError on a non-zero exit. */
export function runCli(args: readonly string[], endpoint: string, options: { onStdout?: (line: string) => void } = {}): Promise<CliResult> {
  if (!existsSync(CLI_PATH)) return Promise.reject(new Error(`${CLI_PATH} does not exist yet: the deploy CLI is needed to deploy`));
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...cliEnvironment(endpoint), AWS_SESSION_TOKEN: '', AWS_PROFILE: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) options.onStdout?.(line);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (pending) options.onStdout?.(pending);
      const last = stdout.trim().split('\n').pop() ?? '';
      let json: Record<string, unknown> | undefined;
      try {
        const parsed: unknown = JSON.parse(last);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      const result: CliResult = { code: code ?? 1, stdout, stderr, ...(json ? { json } : {}) };
      if (result.code === 0) resolve(result);
      else reject(new CliProcessError(args, result));
    });
  });
}

/**
 * The pointer `channel` serves in the local bucket, or undefined when nothing was deployed to it.
 * Read in the edge's order (contracts/channels.ts channelReadKeys): the channel's pointer, then
 * for production the legacy `manifest.json`.
 */
export async function liveManifest(s3: S3Origin, channel: string = PRODUCTION_CHANNEL): Promise<Manifest | undefined> {
  for (const key of channelReadKeys(channel)) {
    const response = await s3.get(`/${key}`);
    const chunks: Buffer[] = [];
    for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(chunk);
    if (response.status === 404) continue;
    if (response.status !== 200) throw new Error(`reading ${key} from the local S3 answered ${response.status}`);
    return parseManifest(Buffer.concat(chunks).toString('utf8'));
  }
  return undefined;
}
