/**
 * The handler's one S3 call: a SigV4-signed (conditional) GET of the manifest over node:https.
 * No SDK and no fetch: @aws-sdk/client-s3 would add ~550 KB to the bundle and ~100 ms to a cold
 * start for this single request, and fetch/WebCrypto (aws4fetch) ~20-40 ms (docs/handler.md).
 */
import { MAX_RECORD_BYTES } from '../contracts/release.ts';
import { encodeKeyPath, parseS3Error } from '../contracts/s3-protocol.ts';
import type { ManifestFetcher, ManifestFetchResult } from './core/manifest-cache.ts';
import { nodeHttpGet, type HttpAnswer, type HttpGet } from './http-get.ts';
import { signRequest, type SigningCredentials } from './sigv4.ts';

export type S3Credentials = SigningCredentials;

export interface S3Location {
  readonly bucket: string;
  readonly region: string;
  /** `AWS_ENDPOINT_URL_S3`: a local S3 server, addressed path-style. */
  readonly endpoint?: string;
}

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

/** Path-style on a custom endpoint or for dotted bucket names (TLS), virtual-hosted otherwise. */
export function objectUrl(location: S3Location, key: string): string {
  const { bucket, region, endpoint } = location;
  if (endpoint) return `${endpoint.replace(/\/+$/, '')}/${bucket}/${encodeKeyPath(key)}`;
  const host = region === 'cn-north-1' || region === 'cn-northwest-1' ? 'amazonaws.com.cn' : 'amazonaws.com';
  if (bucket.includes('.')) return `https://s3.${region}.${host}/${bucket}/${encodeKeyPath(key)}`;
  return `https://${bucket}.s3.${region}.${host}/${encodeKeyPath(key)}`;
}

/** One reader per container per bucket+region; `get` and `now` are injectable for tests. */
export class S3ObjectReader {
  constructor(
    private readonly location: S3Location,
    private readonly credentials: S3Credentials | undefined,
    private readonly get: HttpGet = nodeHttpGet,
    private readonly now: () => number = Date.now,
  ) {}

  /** A ManifestFetcher for `key` in this bucket. */
  manifestFetcher(key: string): ManifestFetcher {
    const url = new URL(objectUrl(this.location, key));
    return (request) => this.fetch(url, request.etag, request.timeoutMs);
  }

  private async fetch(url: URL, etag: string | undefined, timeoutMs: number): Promise<ManifestFetchResult> {
    if (!this.credentials) {
      throw new S3RequestError('no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set', 'NoCredentials');
    }
    const headers = signRequest({
      method: 'GET',
      url,
      headers: etag ? { 'if-none-match': etag } : {},
      region: this.location.region,
      service: 's3',
      credentials: this.credentials,
      date: new Date(this.now()),
    });
    const signal = AbortSignal.timeout(timeoutMs);
    let answer: HttpAnswer;
    try {
      answer = await this.get(url, { headers, signal, maxBytes: MAX_RECORD_BYTES });
    } catch (error) {
      const what = `GET ${url.origin}${url.pathname}`;
      if ((error as { code?: unknown }).code === 'TooLarge') {
        throw new S3RequestError((error as Error).message, 'TooLarge', undefined, { cause: error });
      }
      if (signal.aborted) throw new S3RequestError(`${what} timed out after ${timeoutMs} ms`, 'Timeout', undefined, { cause: error });
      throw new S3RequestError(`${what} failed: ${(error as Error).message}`, 'NetworkError', undefined, { cause: error });
    }
    return this.interpret(answer);
  }

  private interpret({ status, headers, body }: HttpAnswer): ManifestFetchResult {
    if (status === 304) return { kind: 'not-modified' };
    if (status === 200) return { kind: 'body', text: body, ...(headers.etag ? { etag: headers.etag } : {}) };
    const code = parseS3Error(body).code || `Http${status}`;
    if (status === 404 && (code === 'NoSuchKey' || code === 'Http404')) return { kind: 'missing' };
    if (status === 403) {
      // A misconfiguration, not an outage: name what the function's role is missing.
      throw new S3RequestError(
        `S3 answered 403 ${code}: the function's role needs s3:GetObject on this key and s3:ListBucket on the bucket ` +
          '(without ListBucket S3 answers 403, not 404, for a key that does not exist yet); the stack grants both',
        code,
        status,
      );
    }
    throw new S3RequestError(`S3 answered ${status} ${code}`, code, status);
  }
}
