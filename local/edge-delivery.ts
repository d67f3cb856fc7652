/**
 * How the local edge answers the viewer, as CloudFront does: complete responses (from the cache
 * or read whole to be stored) with 304s for matching validators and no body for HEAD, streamed
 * origin responses, the edge's own errors, and the response headers policy on all of them.
 * Delivering a cache miss decides whether the response is stored (local/edge-cache.ts).
 */
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { CachePolicySpec } from '../contracts/cache-policies.ts';
import { CACHE_MISS, type CachedResponse, type EdgeCache, notModified, notModifiedHeaders } from './edge-cache.ts';
import { headerValue, type HeaderList, withSecurityHeaders } from './edge-response.ts';
import type { OriginResponse } from './s3-origin.ts';
import type { FunctionResponse } from './viewer-function.ts';

type Security = Readonly<Record<string, string>>;

/** What CloudFront adds itself to a response it answers with an error of its own. */
const EDGE_ERROR: HeaderList = [['X-Cache', 'Error from cloudfront']];

/** A request that missed the cache: where its answer may be stored and how it is answered. */
export interface MissContext {
  readonly method: string;
  /** Undefined when the behavior's policy never stores (or there is no cache). */
  readonly key: string | undefined;
  readonly spec: CachePolicySpec;
  readonly cache: EdgeCache | undefined;
  /** A request header after the viewer function (lowercase name). */
  readonly requestHeader: (name: string) => string | undefined;
  readonly security: Security;
}

export function send(res: ServerResponse, status: number, headers: HeaderList, body: Buffer | string, security: Security): void {
  const length: HeaderList = [['Content-Length', String(Buffer.byteLength(body))]];
  const withoutLength = headers.filter(([name]) => name.toLowerCase() !== 'content-length');
  res.writeHead(status, withSecurityHeaders([...withoutLength, ...length], security).flat());
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, text: string, security: Security): void {
  const headers: HeaderList = [['Content-Type', 'text/plain; charset=utf-8'], ['Cache-Control', 'no-store'], ...EDGE_ERROR];
  send(res, status, headers, `${text}\n`, security);
}

/**
 * A complete response to the viewer: a 304 when the viewer's validator matches (CloudFront answers
 * conditional requests from its cache; without one, `answersConditionals` is false), no body for
 * HEAD (the length of the GET's), the cache headers.
 */
export function sendComplete(
  res: ServerResponse,
  method: string,
  requestHeader: (name: string) => string | undefined,
  response: CachedResponse,
  cacheHeaders: HeaderList,
  security: Security,
  answersConditionals = true,
): number {
  const headers = response.headers.filter(([name]) => !['content-length', 'x-cache', 'age'].includes(name.toLowerCase()));
  if (answersConditionals && notModified(requestHeader, response)) {
    res.writeHead(304, withSecurityHeaders([...notModifiedHeaders(headers), ...cacheHeaders], security).flat());
    res.end();
    return 304;
  }
  const length: HeaderList = [['Content-Length', String(response.body.byteLength)]];
  res.writeHead(response.status, withSecurityHeaders([...headers, ...length, ...cacheHeaders], security).flat());
  res.end(method === 'HEAD' ? undefined : response.body);
  return response.status;
}

function streamOrigin(res: ServerResponse, origin: OriginResponse, extra: HeaderList, security: Security): void {
  res.writeHead(origin.status, withSecurityHeaders([...origin.headers, ...extra], security).flat());
  // pipeline, not pipe: a viewer that goes away also releases the S3 response.
  pipeline(origin.body, res, () => {});
}

async function readBody(origin: OriginResponse): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of origin.body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A viewer function's own response, sent without reaching the cache or an origin. */
export function sendFunctionResponse(res: ServerResponse, response: FunctionResponse, security: Security): number {
  const headers: HeaderList = [];
  for (const [name, entry] of Object.entries(response.headers ?? {})) {
    for (const { value } of entry.multiValue ?? [{ value: entry.value }]) headers.push([name, value]);
  }
  const body = response.body;
  const bytes =
    body === undefined
      ? Buffer.alloc(0)
      : typeof body === 'string'
        ? Buffer.from(body)
        : Buffer.from(body.data, body.encoding === 'base64' ? 'base64' : 'utf8');
  send(res, response.statusCode, [...headers, ['X-Cache', 'FunctionGeneratedResponse from cloudfront']], bytes, security);
  return response.statusCode;
}

/**
 * Delivers what the origin answered on a cache miss: stores a complete GET response the policy
 * keeps (reading S3's body whole first), answers conditionals as CloudFront would, and streams
 * what is not kept.
 */
export async function deliverMiss(
  res: ServerResponse,
  miss: MissContext,
  answer: { kind: 'complete'; response: CachedResponse } | { kind: 'stream'; origin: OriginResponse },
): Promise<number> {
  const { cache, key, security } = miss;
  const cacheHeaders: HeaderList = [['X-Cache', CACHE_MISS]];
  const keep = cache !== undefined && key !== undefined && miss.method === 'GET' ? { cache, key } : undefined;
  if (answer.kind === 'complete') {
    keep?.cache.store(keep.key, miss.spec, answer.response);
    return sendComplete(res, miss.method, miss.requestHeader, answer.response, cacheHeaders, security, cache !== undefined);
  }
  const { origin } = answer;
  // A body the cache would not hold anyway is streamed, not read whole first.
  const fits = keep !== undefined && Number(headerValue(origin.headers, 'content-length') ?? 0) <= keep.cache.maxEntryBytes;
  const lifetime = keep && fits ? keep.cache.lifetimeSeconds(miss.spec, origin.status, headerValue(origin.headers, 'cache-control')) : 0;
  if (cache !== undefined && (lifetime > 0 || notModified(miss.requestHeader, origin))) {
    const response = { status: origin.status, headers: origin.headers, body: await readBody(origin) };
    if (lifetime > 0) keep?.cache.store(keep.key, miss.spec, response);
    return sendComplete(res, miss.method, miss.requestHeader, response, cacheHeaders, security);
  }
  streamOrigin(res, origin, cacheHeaders, security);
  return origin.status;
}
