/**
 * The S3 and CloudFormation clients the CLI builds for itself (tests inject their own).
 * Region is always explicit; AWS_ENDPOINT_URL_S3 (a local S3 server) implies path-style.
 * Checksums only when an operation requires them: docs/local.md (s3rver stores
 * aws-chunked framing inside objects otherwise; harmless on real S3).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { DirectPut } from './direct-put.ts';

export const DEFAULT_REGION = 'us-east-1';
/** Sockets per client when no larger upload concurrency asks for more. */
export const DEFAULT_MAX_SOCKETS = 64;

export function resolveRegion(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? DEFAULT_REGION;
}

export interface ClientOptions {
  readonly region: string;
  /** Sockets kept open; at least the upload concurrency. */
  readonly maxSockets?: number;
  readonly env?: NodeJS.ProcessEnv;
  /** @default the SDK's credential chain (env vars, profile, web identity, …) */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

export function createS3Client(options: ClientOptions): S3Client {
  const endpoint = (options.env ?? process.env).AWS_ENDPOINT_URL_S3;
  const maxSockets = Math.max(DEFAULT_MAX_SOCKETS, options.maxSockets ?? 0);
  const client = new S3Client({
    region: options.region,
    ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    followRegionRedirects: true,
    // cli/bucket/retry.ts is the one retry policy (testable with a mocked client).
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: 10_000,
      requestTimeout: 120_000,
      httpsAgent: { keepAlive: true, maxSockets },
      httpAgent: { keepAlive: true, maxSockets },
    },
  });
  return client;
}

/**
 * The writer that sends a deploy's plain PUTs as signed HTTP requests instead of through the SDK
 * (cli/bucket/direct-put.ts), with the client's credentials, region and endpoint. Handed to Bucket.
 */
export function createObjectWriter(client: S3Client, options: Pick<ClientOptions, 'env' | 'maxSockets'> = {}): DirectPut {
  const endpoint = (options.env ?? process.env).AWS_ENDPOINT_URL_S3;
  return new DirectPut(client, { ...(endpoint ? { endpoint } : {}), maxSockets: Math.max(DEFAULT_MAX_SOCKETS, options.maxSockets ?? 0) });
}
