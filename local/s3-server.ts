/**
 * Starts s3rver (a real S3-protocol server) on loopback in a child process. Used by `npm start`,
 * the integration tests and the benchmarks.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { configHeaders, DEFAULT_EDGE_CONFIG } from '../contracts/edge-config.ts';
import { originRequestEvent } from './cloudfront-event.ts';
import { fileURLToPath } from 'node:url';

/** s3rver accepts this access key (any secret). */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const LOCAL_REGION = 'us-east-1';

export interface S3ServerOptions {
  /** Folder that keeps the buckets' data across restarts. */
  readonly directory: string;
  readonly buckets: readonly string[];
  /** 0 picks a free port. */
  readonly port?: number;
  readonly address?: string;
  readonly verbose?: boolean;
}

export interface RunningS3Server {
  readonly endpoint: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Settles when the server's process exits, for whatever reason (a crash included). */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  /** Stops the server and waits for its process to exit. */
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./s3rver-child.cjs', import.meta.url));

export async function startS3Server(options: S3ServerOptions): Promise<RunningS3Server> {
  mkdirSync(options.directory, { recursive: true });
  const address = options.address ?? '127.0.0.1';
  const args = JSON.stringify({
    address,
    port: options.port ?? 0,
    directory: options.directory,
    buckets: options.buckets,
    verbose: options.verbose ?? false,
  });
  const child = fork(CHILD, [args], {
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --openssl-legacy-provider`.trim() },
    stdio: ['ignore', options.verbose ? 'inherit' : 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port?: number; error?: string }) => {
      if (message.port) resolve(message.port);
      else reject(new Error(`s3rver could not start on ${address}:${options.port ?? 0}: ${message.error}`));
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited with code ${code} before it was listening`)));
  });
  const endpoint = `http://${address}:${port}`;
  return {
    endpoint,
    port,
    process: child,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * An SDK client for a local S3 server (tests, benchmarks): path-style, s3rver's key, and checksums
 * only when required (s3rver would store aws-chunked framing inside objects otherwise).
 */
export function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    region: LOCAL_REGION,
    endpoint,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** The origin-request event CloudFront would send for `path` to a bucket of the local S3, with a manifest TTL. */
export function localOriginEvent(bucket: string, path: string, manifestTtlSeconds: number) {
  return originRequestEvent(
    { method: 'GET', url: path, clientIp: '127.0.0.1', requestId: 'local-test' },
    {
      bucket,
      region: LOCAL_REGION,
      customHeaders: configHeaders({ ...DEFAULT_EDGE_CONFIG, manifestTtlSeconds }),
      distributionDomainName: 'local.cloudfront.net',
    },
  );
}
