/** Shared builders for the handler tests: events from the documented fixtures, releases, a fake S3. */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { nextManifest, RELEASE_SCHEMA_VERSION, type FileEntry, type Manifest, type ReleaseRecord } from '../../contracts/release.ts';
import type { CloudFrontHeaders, CloudFrontRequestEvent } from '../../lambda/edge/types.ts';
import { BodyTooLargeError, type HttpAnswer, type HttpGet, type HttpGetOptions } from '../../lambda/http-get.ts';

const FIXTURES = new URL('../fixtures/cloudfront/', import.meta.url);
const S3_EVENT = JSON.parse(readFileSync(new URL('origin-request-s3.json', FIXTURES), 'utf8')) as CloudFrontRequestEvent;
const CUSTOM_EVENT = JSON.parse(readFileSync(new URL('origin-request-custom.json', FIXTURES), 'utf8')) as CloudFrontRequestEvent;

/** The fixture's bucket and region (from its origin domain name). */
export const FIXTURE_BUCKET = 'shellfront-site';
export const FIXTURE_REGION = 'eu-west-1';

export interface EventOverrides {
  readonly uri?: string;
  readonly method?: string;
  readonly querystring?: string;
  readonly headers?: CloudFrontHeaders;
  /** Replaces origin custom headers by lowercase name ⇒ value (undefined removes). */
  readonly config?: Readonly<Record<string, string | undefined>>;
  readonly domainName?: string;
}

function applyOverrides(base: CloudFrontRequestEvent, overrides: EventOverrides, kind: 's3' | 'custom'): CloudFrontRequestEvent {
  const event = structuredClone(base);
  const request = event.Records[0]!.cf.request;
  Object.assign(request, {
    ...(overrides.uri !== undefined ? { uri: overrides.uri } : {}),
    ...(overrides.method !== undefined ? { method: overrides.method } : {}),
    ...(overrides.querystring !== undefined ? { querystring: overrides.querystring } : {}),
  });
  if (overrides.headers) request.headers = { ...request.headers, ...overrides.headers };
  const origin = request.origin![kind]!;
  if (overrides.domainName !== undefined) origin.domainName = overrides.domainName;
  for (const [name, value] of Object.entries(overrides.config ?? {})) {
    origin.customHeaders ??= {};
    if (value === undefined) delete origin.customHeaders[name];
    else origin.customHeaders[name] = [{ key: name, value }];
  }
  return event;
}

/** The documented origin-request event with an S3 origin, with overrides spread in. */
export function s3Event(overrides: EventOverrides = {}): CloudFrontRequestEvent {
  return applyOverrides(S3_EVENT, overrides, 's3');
}

/** The documented origin-request event with a custom origin, with overrides spread in. */
export function customEvent(overrides: EventOverrides = {}): CloudFrontRequestEvent {
  return applyOverrides(CUSTOM_EVENT, overrides, 'custom');
}

export { fileEntry, makeManifest, makeRelease, SHELL_HTML } from '../../scripts/fixtures/releases.ts';

export interface FakeS3Call {
  readonly url: string;
  readonly headers: Headers;
}

/** Turns a fetch-style Response into what the handler's HttpGet returns, enforcing `maxBytes`. */
export async function toHttpAnswer(response: Response, url: URL, maxBytes: number): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const length = Number(headers['content-length'] ?? Number.NaN);
  if (length > maxBytes) throw new BodyTooLargeError(url, maxBytes, length);
  const body = await response.text();
  if (Buffer.byteLength(body) > maxBytes) throw new BodyTooLargeError(url, maxBytes);
  return { status: response.status, headers, body };
}

type Responder = (call: FakeS3Call, options: HttpGetOptions) => Promise<Response> | Response;

/** An HttpGet that records each call and answers with `respond` (fetch-style Responses). */
export function recordingGet(respond: Responder) {
  const calls: FakeS3Call[] = [];
  const get: HttpGet = async (url, options) => {
    const call = { url: url.href, headers: new Headers(options.headers) };
    calls.push(call);
    return toHttpAnswer(await respond(call, options), url, options.maxBytes);
  };
  return { calls, get };
}

/**
 * An in-memory S3 behind an injected HttpGet: GET by path-style or virtual-hosted URL, ETags,
 * If-None-Match ⇒ 304, NoSuchKey ⇒ 404. `respond` overrides the answers (errors, delays).
 */
export function fakeS3() {
  const objects = new Map<string, { text: string; etag: string }>();
  let version = 0;
  let override: Responder | undefined;
  const serve: Responder = (call, options) => {
    if (override) return override(call, options);
    const { hostname, pathname } = new URL(call.url);
    // Virtual-hosted (<bucket>.s3.…): the path is the key; path-style: /<bucket>/<key>.
    const path = hostname.includes('.s3.') ? pathname.slice(1) : pathname.replace(/^\/[^/]+\//, '');
    const object = objects.get(decodeURIComponent(path));
    if (!object) return new Response('<Error><Code>NoSuchKey</Code></Error>', { status: 404 });
    if (call.headers.get('if-none-match') === object.etag) return new Response(null, { status: 304 });
    const headers = { etag: object.etag, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(object.text)) };
    return new Response(object.text, { status: 200, headers });
  };
  const { calls, get } = recordingGet(serve);
  return {
    get,
    calls,
    objects,
    put(key: string, value: unknown): string {
      version += 1;
      const etag = `"etag-${version}"`;
      objects.set(key, { text: typeof value === 'string' ? value : JSON.stringify(value), etag });
      return etag;
    },
    respond(handler: Responder | undefined): void {
      override = handler;
    },
  };
}

/** A clock the test moves by hand. */
export function manualClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number): void {
      now += ms;
    },
  };
}

export function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, log: (record: Record<string, unknown>) => void lines.push(record) };
}
