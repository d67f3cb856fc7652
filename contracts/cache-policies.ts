/**
 * The behavior table's cache policies as data, and CloudFront's documented rules for how long it
 * keeps a response under one: the stack builds its cache policies from `cachePolicySpecs`
 * (infra/distribution.ts) and the local edge keys and expires its cache by both
 * (local/edge-cache.ts). Pure data; no I/O, no dependencies.
 */
import { CACHE_SECONDS, CHANNEL_HEADERS, ERROR_CACHING_SECONDS, type CachePolicyName } from './edge-config.ts';

/**
 * A named cache policy as data: the stack builds its CloudFront cache policies from it
 * (infra/distribution.ts) and the local edge's cache keys and expires by it (local/edge-cache.ts),
 * so a shell cached under the wrong key fails a local test before it fails on CloudFront.
 */
export interface CachePolicySpec {
  /** CloudFront's TTLs in seconds (how they combine with Cache-Control: `cacheLifetimeSeconds`). */
  readonly minTtl: number;
  readonly defaultTtl: number;
  readonly maxTtl: number;
  /** Request headers in the cache key (lowercase); CloudFront forwards them to the origin too. */
  readonly headers: readonly string[];
  readonly queryStrings: 'all' | 'none';
  /** No behavior keys on cookies. */
  readonly cookies: 'none';
  /** CloudFront's managed policy to use instead of a policy of our own (`disabled`). */
  readonly managed?: 'CachingDisabled';
}

export interface CachePolicyOptions {
  /**
   * Preview channels are on (a preview domain is set): the viewer-request function copies the
   * viewer's Host into CHANNEL_HEADERS.viewerHost, and the shell's cache key includes it, so a
   * preview never shares a cached shell with production or with another preview.
   */
  readonly previews?: boolean;
}

/** Every named cache policy of the behavior table. */
export function cachePolicySpecs(options: CachePolicyOptions = {}): Readonly<Record<CachePolicyName, CachePolicySpec>> {
  return {
    // The function sets Cache-Control (s-maxage = shellCdnSeconds); min TTL 0 lets it say "don't".
    // The query reaches the function only to be carried to a _redirects target (routing ignores it).
    shell: {
      minTtl: 0,
      defaultTtl: 0,
      maxTtl: CACHE_SECONDS.shellMax,
      headers: options.previews ? [CHANNEL_HEADERS.viewerHost] : [],
      queryStrings: 'all',
      cookies: 'none',
    },
    'immutable-assets': {
      minTtl: 0,
      defaultTtl: CACHE_SECONDS.immutableAssets,
      maxTtl: CACHE_SECONDS.immutableAssets,
      headers: [],
      queryStrings: 'none',
      cookies: 'none',
    },
    disabled: { minTtl: 0, defaultTtl: 0, maxTtl: 0, headers: [], queryStrings: 'none', cookies: 'none', managed: 'CachingDisabled' },
  };
}

/** Error statuses CloudFront caches (for their Error Caching Minimum TTL, 10 s unless configured). */
const CACHED_ERRORS = new Set([400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504]);
/** Errors for which CloudFront honours the origin's no-store/no-cache/private. */
const ERRORS_HONOURING_NO_STORE = new Set([404, 410, 414, 501]);
/** Other statuses CloudFront caches by the policy's TTLs. */
const CACHED_SUCCESS = new Set([200, 203, 300, 301, 302, 307, 308, 410]);
const DEFAULT_ERROR_CACHING_SECONDS = 10;

/**
 * How long CloudFront keeps a response under `policy`, in seconds (0: not kept), as AWS documents
 * it (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/Expiration.html and
 * .../custom-error-pages-expiration.html):
 * - `s-maxage`, else `max-age`, clamped to [minTtl, maxTtl];
 * - no-store, no-cache or private: not kept when minTtl is 0, else minTtl;
 * - no Cache-Control: defaultTtl;
 * - a cached error: the larger of its max-age/s-maxage and the error caching TTL
 *   (`errorCaching`, ERROR_CACHING_SECONDS), except that 404, 410, 414 and 501 honour no-store.
 */
export function cacheLifetimeSeconds(
  policy: CachePolicySpec,
  status: number,
  cacheControl: string | undefined,
  errorCaching: Readonly<Partial<Record<number, number>>> = ERROR_CACHING_SECONDS,
): number {
  if (policy.managed === 'CachingDisabled' || policy.maxTtl === 0) return 0;
  const directives = parseCacheControl(cacheControl);
  const refuses = directives.has('no-store') || directives.has('no-cache') || directives.has('private');
  const age = directives.get('s-maxage') ?? directives.get('max-age');
  if (CACHED_ERRORS.has(status)) {
    if (refuses && ERRORS_HONOURING_NO_STORE.has(status)) return 0;
    const minimum = errorCaching[status] ?? DEFAULT_ERROR_CACHING_SECONDS;
    return age === undefined ? minimum : Math.max(age, minimum);
  }
  if (!CACHED_SUCCESS.has(status)) return 0;
  if (refuses) return policy.minTtl;
  if (age === undefined) return policy.defaultTtl;
  return Math.min(Math.max(age, policy.minTtl), policy.maxTtl);
}

function parseCacheControl(value: string | undefined): Map<string, number | undefined> {
  const directives = new Map<string, number | undefined>();
  for (const part of (value ?? '').split(',')) {
    const [name, arg] = part.trim().toLowerCase().split('=', 2) as [string, string | undefined];
    if (!name) continue;
    const seconds = arg !== undefined && /^\d+$/.test(arg.trim()) ? Number(arg.trim()) : undefined;
    directives.set(name, seconds);
  }
  return directives;
}
