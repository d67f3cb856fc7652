/**
 * AWS Signature Version 4 for one S3 request (header auth), with node:crypto only. Used by the
 * direct upload path (cli/direct-put.ts); everything else goes through the SDK's own signer.
 * The payload hash is the body's SHA-256, so S3 refuses bytes other than the ones that were hashed.
 */
import { createHash, createHmac } from 'node:crypto';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignInput {
  readonly method: string;
  /** Host header value (host, or host:port when not the scheme's default). */
  readonly host: string;
  /** Already URI-encoded path, e.g. `/bucket/assets/app-1a2b3c4d.js`. */
  readonly path: string;
  /** Header names in lower case; all but the ones proxies may rewrite are signed. */
  readonly headers: Readonly<Record<string, string>>;
  /** Hex SHA-256 of the body. */
  readonly payloadSha256: string;
  readonly region: string;
  readonly service?: string;
  readonly credentials: Credentials;
  readonly now?: Date;
}

/** Encodes an S3 key for the request path: RFC 3986 unreserved characters and "/" stay. */
export function encodeKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/** Sent but not signed (the SDK's list): proxies and agents may change them on the way. */
const UNSIGNED = new Set(['authorization', 'cache-control', 'connection', 'expect', 'from', 'keep-alive', 'max-forwards', 'pragma', 'referer', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'x-amzn-trace-id']);

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

// The signing key changes once a day per secret and region: derive it once.
let cachedKey: { id: string; key: Buffer } | undefined;

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${secret}\n${date}\n${region}\n${service}`;
  if (cachedKey?.id !== id) {
    cachedKey = { id, key: hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request') };
  }
  return cachedKey.key;
}

/** The request's headers plus host, x-amz-date, x-amz-content-sha256, the session token and Authorization. */
export function signRequest(input: SignInput): Record<string, string> {
  const service = input.service ?? 's3';
  const amzDate = (input.now ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...input.headers,
    host: input.host,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': input.payloadSha256,
    ...(input.credentials.sessionToken ? { 'x-amz-security-token': input.credentials.sessionToken } : {}),
  };
  const names = Object.keys(headers)
    .filter((name) => !UNSIGNED.has(name))
    .sort();
  const canonicalHeaders = names.map((name) => `${name}:${String(headers[name]).trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [input.method, input.path, '', canonicalHeaders, signedHeaders, input.payloadSha256].join('\n');
  const scope = `${date}/${input.region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const signature = createHmac('sha256', signingKey(input.credentials.secretAccessKey, date, input.region, service))
    .update(stringToSign)
    .digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
