/**
 * What CloudFront does with the handler's result and with origin responses before the viewer
 * sees them: validate a generated response (a bad one is a 502, as CloudFront's
 * LambdaValidationError), flatten its header map, and apply the response headers policy.
 * Pure functions, no I/O.
 */
// The same rules the handler's adapter follows, as one list of data: what CloudFront rejects.
import { headerAllowed, MAX_GENERATED_RESPONSE_BYTES } from '../lambda/edge/response-rules.ts';
import { ORIGIN_MAY_SET_SECURITY_HEADERS } from '../contracts/edge-headers.ts';
import type { CfResponse } from './cloudfront-event.ts';

/** One response header, name as it will be sent. Repeated names (set-cookie) stay separate. */
export type HeaderList = [name: string, value: string][];

export interface ViewerResponse {
  readonly status: number;
  readonly headers: HeaderList;
  readonly body: Buffer;
}

/** Hop-by-hop headers Node's HTTP server manages itself; never copied from an origin. */
export const HOP_BY_HOP_HEADERS: readonly string[] = [
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'trailer',
];

export class LambdaValidationError extends Error {
  override readonly name = 'LambdaValidationError';
}

/** Turns a generated Lambda@Edge response into what the viewer receives, or throws LambdaValidationError. */
export function viewerResponseFromLambda(result: CfResponse): ViewerResponse {
  const status = Number(result.status);
  if (!Number.isInteger(status) || status < 200 || status > 599 || !/^\d{3}$/.test(String(result.status))) {
    throw new LambdaValidationError(`status must be a 3-digit HTTP status from 200 to 599, got ${JSON.stringify(result.status)}`);
  }
  const headers: HeaderList = [];
  for (const [name, entries] of Object.entries(result.headers ?? {})) {
    if (name !== name.toLowerCase()) throw new LambdaValidationError(`header map keys must be lowercase, got ${JSON.stringify(name)}`);
    if (!headerAllowed(name)) throw new LambdaValidationError(`header ${JSON.stringify(name)} may not be set by a function`);
    if (!Array.isArray(entries)) throw new LambdaValidationError(`header ${JSON.stringify(name)} must be an array of {key, value}`);
    for (const entry of entries) {
      if (typeof entry?.value !== 'string') throw new LambdaValidationError(`header ${JSON.stringify(name)} has a non-string value`);
      if (entry.key !== undefined && entry.key.toLowerCase() !== name) {
        throw new LambdaValidationError(`header key ${JSON.stringify(entry.key)} does not match its map name ${JSON.stringify(name)}`);
      }
      headers.push([entry.key ?? name, entry.value]);
    }
  }
  if (result.body !== undefined && typeof result.body !== 'string') throw new LambdaValidationError('body must be a string');
  const encoding = result.bodyEncoding ?? 'text';
  if (encoding !== 'text' && encoding !== 'base64') {
    throw new LambdaValidationError(`bodyEncoding must be "text" or "base64", got ${JSON.stringify(encoding)}`);
  }
  const body = Buffer.from(result.body ?? '', encoding === 'base64' ? 'base64' : 'utf8');
  const size = body.byteLength + headers.reduce((sum, [name, value]) => sum + name.length + value.length + 4, 0);
  if (size > MAX_GENERATED_RESPONSE_BYTES) {
    throw new LambdaValidationError(
      `generated response is ${size} bytes; origin-request functions may return ${MAX_GENERATED_RESPONSE_BYTES}`,
    );
  }
  return { status, headers, body };
}

/** Node's `rawHeaders` ([name, value, name, value, …]) as a list, minus hop-by-hop headers. */
export function headerListFromRaw(raw: readonly string[]): HeaderList {
  const list: HeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (!HOP_BY_HOP_HEADERS.includes(name.toLowerCase())) list.push([name, raw[i + 1] as string]);
  }
  return list;
}

/** The response headers policy: every security header set, overriding what the origin sent (except a CSP, ORIGIN_MAY_SET_SECURITY_HEADERS). */
export function withSecurityHeaders(headers: HeaderList, security: Readonly<Record<string, string>>): HeaderList {
  const sent = new Set(headers.map(([name]) => name.toLowerCase()));
  const kept = (name: string) => ORIGIN_MAY_SET_SECURITY_HEADERS.includes(name) && sent.has(name);
  const names = new Set(
    Object.keys(security)
      .map((name) => name.toLowerCase())
      .filter((name) => !kept(name)),
  );
  return [...headers.filter(([name]) => !names.has(name.toLowerCase())), ...Object.entries(security).filter(([name]) => names.has(name))];
}

/** The value of the first header named `name` (case-insensitive). */
export function headerValue(headers: HeaderList, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return headers.find(([candidate]) => candidate.toLowerCase() === wanted)?.[1];
}
