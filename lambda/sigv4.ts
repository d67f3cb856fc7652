/**
 * AWS Signature Version 4 for the handler's one GET, on node:crypto. Written out (about 60
 * lines) instead of aws4fetch because aws4fetch needs WebCrypto and the WHATWG Headers class,
 * and loading those (Node's bundled undici) costs a Lambda@Edge cold start ~20-40 ms more
 * (figures in docs/handler.md). Checked against AWS's published S3 example and against aws4fetch.
 */
import { encodeRfc3986 } from '../contracts/s3-protocol.ts';
import { createHash, createHmac } from 'node:crypto';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignInput {
  readonly method: string;
  readonly url: URL;
  /** Headers to send and sign (any case; values are trimmed). `host` is added from the URL. */
  readonly headers: Readonly<Record<string, string>>;
  readonly region: string;
  readonly service: string;
  readonly credentials: SigningCredentials;
  readonly date: Date;
  /** Hex SHA-256 of the body; the empty body's by default. */
  readonly payloadHash?: string;
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();

/** Signing keys change once a day; keep the last one per (secret, day, region, service). */
const keyCache = new Map<string, Buffer>();

function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  const cacheKey = `${secret}\u0000${day}\u0000${region}\u0000${service}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
    if (keyCache.size > 16) keyCache.clear();
    keyCache.set(cacheKey, key);
  }
  return key;
}

/** The query string in SigV4's canonical form (sorted, RFC 3986 encoded). */
function canonicalQuery(url: URL): string {
  const encode = encodeRfc3986;
  return [...url.searchParams]
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** The headers to send: the given ones plus host, x-amz-date, x-amz-content-sha256, token and authorization. */
export function signRequest(input: SignInput): Record<string, string> {
  const { url, credentials, region, service } = input;
  const amzDate = input.date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = input.payloadHash ?? EMPTY_SHA256;
  const headers: Record<string, string> = { host: url.host };
  for (const [name, value] of Object.entries(input.headers)) headers[name.toLowerCase()] = value.trim().replace(/\s+/g, ' ');
  headers['x-amz-date'] = amzDate;
  headers['x-amz-content-sha256'] ??= payloadHash;
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    input.method,
    url.pathname || '/',
    canonicalQuery(url),
    ...names.map((name) => `${name}:${headers[name]}`),
    '',
    signedHeaders,
    headers['x-amz-content-sha256'],
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, day, region, service))
    .update(stringToSign, 'utf8')
    .digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
