/**
 * The core's own request/response shapes: no AWS event types. The Lambda@Edge adapter and the
 * local edge translate to and from these.
 */
import type { PreparedRelease } from './shell.ts';

export interface PlainRequest {
  readonly method: string;
  /**
   * The URI path exactly as received (still percent-encoded), starting with `/`. Routing reads
   * the path only (it is all CloudFront keys the shell on); a pass-through keeps the rest of the
   * request (query, headers) as CloudFront sent it.
   */
  readonly path: string;
  /**
   * The query string as received (no `?`), or empty. Only a `_redirects` redirect reads it (it
   * carries it to the target); routing never does.
   */
  readonly query?: string;
}

export interface PlainResponse {
  readonly status: number;
  /** Lowercase header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The release's `_headers` values for this path; a name `headers` already has is left out. */
  readonly extraHeaders?: Readonly<Record<string, string>>;
  /** UTF-8 text; empty for HEAD. */
  readonly body: string;
}

/** What the core decided: answer here, or let the request go on to S3 at `path`. */
export type CoreResult = { readonly kind: 'respond'; readonly response: PlainResponse } | { readonly kind: 'pass'; readonly path: string };

/** What the manifest source answers. */
export type ManifestLookup =
  | { readonly kind: 'ready'; readonly release: PreparedRelease }
  /** S3 says there is no manifest: nothing has been deployed yet. */
  | { readonly kind: 'missing' }
  /** Never loaded and S3 failing: retry after this many milliseconds. */
  | { readonly kind: 'unavailable'; readonly retryAfterMs: number };

export type ManifestSource = () => Promise<ManifestLookup>;
