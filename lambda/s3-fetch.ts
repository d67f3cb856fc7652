/**
 * The handler's one S3 call: a SigV4-signed (conditional) GET of the manifest, with aws4fetch's
 * signer over Node's fetch. No SDK: the whole of @aws-sdk/client-s3 would add ~590 KB to the
 * bundle and ~160-200 ms to a cold start for this single request (see docs/handler.md).
 */
import { AwsV4Signer } from 'aws4fetch';
import { MAX_RECORD_BYTES } from '../contracts/release.ts';
import type { ManifestFetcher, ManifestFetchResult } from './core/manifest-cache.ts';

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface S3Location {
  readonly bucket: string;
  readonly region: string;
  /** `AWS_ENDPOINT_URL_S3`: a local S3 server, addressed path-style. */
  readonly endpoint?: string;
}

export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

export class S3RequestError extends Error {
  override readonly name = 'S3RequestError';
  /** S3's error code (AccessDenied, SlowDown, …) or Timeout / NetworkError / NoCredentials / TooLarge. */
  readonly code: string;
  readonly status?: number;
  constructor(message: string, code: string, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    if (status !== undefined) this.status = status;
  }
}

/** The standard credential variables (Lambda sets them; locally S3RVER/S3RVER). */
export function credentialsFromEnv(env: Readonly<Record<string, string | undefined>>): S3Credentials | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** Path-style on a custom endpoint or for dotted bucket names (TLS), virtual-hosted otherwise. */
export function objectUrl(location: S3Location, key: string): string {
  const { bucket, region, endpoint } = location;
  if (endpoint) return `${endpoint.replace(/\/+$/, '')}/${bucket}/${encodeKey(key)}`;
  const host = region === 'cn-north-1' || region === 'cn-northwest-1' ? 'amazonaws.com.cn' : 'amazonaws.com';
  if (bucket.includes('.')) return `https://s3.${region}.${host}/${bucket}/${encodeKey(key)}`;
  return `https://${bucket}.s3.${region}.${host}/${encodeKey(key)}`;
}

function errorCode(body: string): string | undefined {
  return /<Code>([^<]{1,100})<\/Code>/.exec(body)?.[1];
}

/** One signer per bucket+region (it caches its derived signing keys). */
export class S3ObjectReader {
  private readonly signingCache = new Map<string, ArrayBuffer>();

  constructor(
    private readonly location: S3Location,
    private readonly credentials: S3Credentials | undefined,
    private readonly fetchImpl: FetchFunction = (url, init) => fetch(url, init),
  ) {}

  /** A ManifestFetcher for `key` in this bucket. */
  manifestFetcher(key: string): ManifestFetcher {
    const url = objectUrl(this.location, key);
    return (request) => this.get(url, request.etag, request.timeoutMs);
  }

  private async get(url: string, etag: string | undefined, timeoutMs: number): Promise<ManifestFetchResult> {
    if (!this.credentials) {
      throw new S3RequestError('no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set', 'NoCredentials');
    }
    const signer = new AwsV4Signer({
      method: 'GET',
      url,
      headers: etag ? { 'if-none-match': etag } : {},
      ...this.credentials,
      service: 's3',
      region: this.location.region,
      cache: this.signingCache,
    });
    const signed = await signer.sign();
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await this.fetchImpl(signed.url.toString(), { method: 'GET', headers: signed.headers, signal });
      return await this.read(response);
    } catch (error) {
      if (error instanceof S3RequestError) throw error;
      if (signal.aborted) throw new S3RequestError(`GET ${url} timed out after ${timeoutMs} ms`, 'Timeout', undefined, { cause: error });
      throw new S3RequestError(`GET ${url} failed: ${(error as Error).message}`, 'NetworkError', undefined, { cause: error });
    }
  }

  private async read(response: Response): Promise<ManifestFetchResult> {
    const { status } = response;
    if (status === 304) {
      await response.body?.cancel();
      return { kind: 'not-modified' };
    }
    if (status === 200) {
      const length = Number(response.headers.get('content-length') ?? Number.NaN);
      if (length > MAX_RECORD_BYTES) {
        await response.body?.cancel();
        throw new S3RequestError(`the manifest is ${length} bytes; the limit is ${MAX_RECORD_BYTES}`, 'TooLarge', status);
      }
      const etag = response.headers.get('etag');
      const text = await response.text();
      return { kind: 'body', text, ...(etag ? { etag } : {}) };
    }
    const body = await response.text().catch(() => '');
    const code = errorCode(body) ?? `Http${status}`;
    if (status === 404 && (code === 'NoSuchKey' || code === 'Http404')) return { kind: 'missing' };
    throw new S3RequestError(`S3 answered ${status} ${code}`, code, status);
  }
}
