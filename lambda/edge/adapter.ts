/**
 * Pure converters between Lambda@Edge's origin-request shapes and the core's plain ones.
 */
import type { CoreResult, PlainRequest, PlainResponse } from '../core/types.ts';
import { headerAllowed } from './response-rules.ts';
import type { CloudFrontHeaders, CloudFrontRequest, CloudFrontRequestResult, CloudFrontResultResponse } from './types.ts';

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const SPECIAL_CASE: Readonly<Record<string, string>> = { etag: 'ETag' };

/** Display names already worked out: the core's own headers and a release's `_headers` names (a bounded set). */
const displayNames = new Map<string, string>();

/** `content-type` ⇒ `Content-Type` (the `key` CloudFront sends to the viewer). */
export function displayName(name: string): string {
  const known = displayNames.get(name);
  if (known !== undefined) return known;
  const display = SPECIAL_CASE[name] ?? name.replace(/(^|-)([a-z])/g, (_, dash: string, char: string) => dash + char.toUpperCase());
  if (displayNames.size < 512) displayNames.set(name, display);
  return display;
}

export function toPlainRequest(request: CloudFrontRequest): PlainRequest {
  return { method: request.method, path: request.uri, query: request.querystring ?? '' };
}

/** A generated response in Lambda@Edge's shape, with every forbidden header left out. */
export function toCloudFrontResponse(response: PlainResponse): CloudFrontResultResponse {
  const headers: CloudFrontHeaders = {};
  for (const name in response.headers) {
    const lower = name.toLowerCase();
    if (!headerAllowed(lower)) continue;
    headers[lower] = [{ key: displayName(lower), value: response.headers[name] as string }];
  }
  const extra = response.extraHeaders;
  for (const name in extra) {
    const lower = name.toLowerCase();
    if (headers[lower] !== undefined || !headerAllowed(lower)) continue;
    headers[lower] = [{ key: displayName(lower), value: extra[name] as string }];
  }
  return {
    status: String(response.status),
    statusDescription: STATUS_TEXT[response.status] ?? '',
    headers,
    bodyEncoding: 'text',
    body: response.body,
  };
}

/**
 * The request itself, its URI rewritten when the core says so. The query string is dropped: S3
 * needs none to serve a file, and the origin request is signed (OAC), so S3 would honour
 * `response-content-type=…` and the like from any viewer.
 */
export function passThrough(request: CloudFrontRequest, path: string): CloudFrontRequest {
  if (request.uri !== path) request.uri = path;
  if (request.querystring) request.querystring = '';
  return request;
}

export function toCloudFrontResult(request: CloudFrontRequest, result: CoreResult): CloudFrontRequestResult {
  return result.kind === 'pass' ? passThrough(request, result.path) : toCloudFrontResponse(result.response);
}
