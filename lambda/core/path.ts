/**
 * Validation of the request path before anything is routed. Whatever passes here is a decoded,
 * absolute path with no traversal, no control characters and no double-encoded tricks; no S3
 * key is ever built from a path that failed.
 */

/** Longer URIs are refused (CloudFront allows 8 KB; no real SPA route needs more than 2). */
export const MAX_URI_LENGTH = 2048;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Encoded dot, slash, backslash or NUL still present after one decoding: double encoding. */
const DOUBLE_ENCODED = /%(?:2e|2f|5c|00)/i;

export type PathCheck =
  | { readonly ok: true /** Decoded, starts with `/`. */; readonly path: string }
  | { readonly ok: false; readonly problem: string };

export function checkPath(raw: string): PathCheck {
  if (raw.length > MAX_URI_LENGTH) return refuse(`longer than ${MAX_URI_LENGTH} characters`);
  if (!raw.startsWith('/')) return refuse('does not start with "/"');
  let path = raw;
  if (raw.includes('%')) {
    try {
      path = decodeURIComponent(raw);
    } catch {
      return refuse('invalid percent-encoding');
    }
    if (DOUBLE_ENCODED.test(path)) return refuse('double percent-encoding');
  }
  if (CONTROL.test(path)) return refuse('NUL or control character');
  if (path.includes('\\')) return refuse('backslash');
  const segments = path.split('/');
  // segments[0] is the empty string before the leading "/"; the last may be empty (trailing "/").
  for (let index = 1; index < segments.length; index++) {
    const segment = segments[index];
    if (segment === '.' || segment === '..') return refuse('"." or ".." segment');
    if (segment === '' && index < segments.length - 1) return refuse('empty segment ("//")');
  }
  return { ok: true, path };
}

function refuse(problem: string): PathCheck {
  return { ok: false, problem };
}
