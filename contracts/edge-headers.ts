/**
 * Lambda@Edge's rules for the headers of a response generated in an origin-request trigger,
 * kept as data. A disallowed or read-only header fails CloudFront's validation (502 to the
 * viewer), so the edge adapter drops them, the local edge rejects them like CloudFront, and
 * `shellfront deploy` refuses a `_headers` rule that sets one (contracts/rules.ts).
 * Source: "Restrictions on edge functions", HTTP headers:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-function-restrictions-all.html#function-restrictions-headers
 */

/** Not exposed to edge functions; a function may not add them. */
export const DISALLOWED_HEADERS: readonly string[] = [
  'connection',
  'expect',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'trailer',
  'upgrade',
  'x-accel-buffering',
  'x-accel-charset',
  'x-accel-limit-rate',
  'x-accel-redirect',
  'x-amzn-auth',
  'x-amzn-cf-billing',
  'x-amzn-cf-id',
  'x-amzn-cf-xff',
  'x-amzn-errortype',
  'x-amzn-fle-profile',
  'x-amzn-header-count',
  'x-amzn-header-order',
  'x-amzn-lambda-integration-tag',
  'x-amzn-requestid',
  'x-cache',
  'x-forwarded-proto',
  'x-real-ip',
];

/** Disallowed name prefixes (`X-Amz-Cf-*`, `X-Edge-*`). */
export const DISALLOWED_HEADER_PREFIXES: readonly string[] = ['x-amz-cf-', 'x-edge-'];

/** Read-only in origin-request events: a generated response may not set them either. */
export const READ_ONLY_ORIGIN_REQUEST_HEADERS: readonly string[] = [
  'accept-encoding',
  'content-length',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'transfer-encoding',
  'via',
];

/** Origin-request (and origin-response) generated responses: headers and body at most 1 MB. */
export const MAX_GENERATED_RESPONSE_BYTES = 1024 * 1024;

const FORBIDDEN = new Set([...DISALLOWED_HEADERS, ...READ_ONLY_ORIGIN_REQUEST_HEADERS]);

/** Whether a generated origin-request response may carry header `name` (any case). */
export function headerAllowed(name: string): boolean {
  const lower = name.toLowerCase();
  if (FORBIDDEN.has(lower)) return false;
  return !DISALLOWED_HEADER_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/**
 * Security headers (securityHeaders() in contracts/edge-config.ts) that the response headers policy
 * sets only when the origin sent none (override off), so a release's `_headers` can give a path a
 * stricter Content-Security-Policy. S3 cannot send one (it stores no such header), so every
 * other response still gets the stack's. The rest are set with override on every response.
 */
export const ORIGIN_MAY_SET_SECURITY_HEADERS: readonly string[] = ['content-security-policy'];
