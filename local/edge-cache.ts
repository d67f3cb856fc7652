/**
 * The local edge's CloudFront cache: keyed and expired exactly as the behavior table's cache
 * policies say (contracts/cache-policies.ts cachePolicySpecs, cacheLifetimeSeconds), so a response
 * cached under the wrong key (a preview's shell served to production) fails a local test before
 * it fails on CloudFront. https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-the-cache-key.html
 *
 * - Key: the behavior, the URL path, the query string when the policy keys on it (`all`), and
 *   the values of the policy's key headers as the viewer function left them. GET and HEAD share
 *   entries (OPTIONS would not; no cached behavior allows it).
 * - Lifetime: cacheLifetimeSeconds(policy, status, Cache-Control, ERROR_CACHING_SECONDS);
 *   0 is not stored. CachingDisabled never stores.
 * - Bounded: at most `maxEntries` entries and `maxBytes` of bodies, least recently used out
 *   first; a body over `maxEntryBytes` is not stored. An expired entry is a miss and is dropped.
 * The clock is injected. No I/O.
 */
import { type CachePolicySpec, cacheLifetimeSeconds } from '../contracts/cache-policies.ts';
import { type Behavior, ERROR_CACHING_SECONDS } from '../contracts/edge-config.ts';
import { headerValue, type HeaderList } from './edge-response.ts';

/** What CloudFront says in `x-cache`. */
export const CACHE_HIT = 'Hit from cloudfront';
export const CACHE_MISS = 'Miss from cloudfront';

export const DEFAULT_MAX_ENTRIES = 1000;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_ENTRY_BYTES = 8 * 1024 * 1024;

/** Headers a stored response never replays: the cache's own and those recomputed per answer. */
const NOT_STORED = new Set(['age', 'x-cache', 'content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

export interface CachedResponse {
  readonly status: number;
  readonly headers: HeaderList;
  readonly body: Buffer;
}

export interface CacheHit extends CachedResponse {
  /** Whole seconds since the entry was stored (the `age` header). */
  readonly ageSeconds: number;
}

interface Entry extends CachedResponse {
  readonly storedAt: number;
  readonly expiresAt: number;
}

export interface KeyRequest {
  /** The path as the viewer sent it (still percent-encoded), without the query. */
  readonly path: string;
  readonly querystring: string;
  /** A request header's value after the viewer function ran (lowercase name). */
  readonly header: (name: string) => string | undefined;
}

export interface EdgeCacheOptions {
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
  /** @default DEFAULT_MAX_ENTRIES */
  readonly maxEntries?: number;
  /** Sum of stored bodies. @default DEFAULT_MAX_BYTES */
  readonly maxBytes?: number;
  /** Largest body stored. @default DEFAULT_MAX_ENTRY_BYTES */
  readonly maxEntryBytes?: number;
  /** Error Caching Minimum TTL per status. @default ERROR_CACHING_SECONDS (what the stack configures) */
  readonly errorCaching?: Readonly<Partial<Record<number, number>>>;
}

/** The cache key of a request under `behavior` and its `policy`. */
export function cacheKey(behavior: Behavior, policy: CachePolicySpec, request: KeyRequest): string {
  const headers = policy.headers.map((name) => [name, request.header(name) ?? null]);
  const query = policy.queryStrings === 'all' ? request.querystring : '';
  return JSON.stringify([behavior.name, behavior.pathPattern, request.path, query, headers]);
}

/** Whether `policy` may store anything at all (the managed CachingDisabled policy may not). */
export function policyCaches(policy: CachePolicySpec): boolean {
  return policy.managed !== 'CachingDisabled' && policy.maxTtl > 0;
}

export class EdgeCache {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #maxEntryBytes: number;
  readonly #errorCaching: Readonly<Partial<Record<number, number>>>;
  #bytes = 0;

  constructor(options: EdgeCacheOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.#maxEntryBytes = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
    this.#errorCaching = options.errorCaching ?? ERROR_CACHING_SECONDS;
    if (!(this.#maxEntries >= 1) || !(this.#maxBytes >= 1) || !(this.#maxEntryBytes >= 1)) {
      throw new RangeError(
        `the edge cache bounds must be at least 1, got maxEntries ${this.#maxEntries}, maxBytes ${this.#maxBytes}, maxEntryBytes ${this.#maxEntryBytes}`,
      );
    }
  }

  /** Entries held now (expired ones included until looked up or evicted). */
  get size(): number {
    return this.#entries.size;
  }

  /** The largest body stored. */
  get maxEntryBytes(): number {
    return this.#maxEntryBytes;
  }

  /** Bytes of bodies held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** How long `policy` keeps a response with `status` and `cacheControl`, in seconds (0: not kept). */
  lifetimeSeconds(policy: CachePolicySpec, status: number, cacheControl: string | undefined): number {
    return cacheLifetimeSeconds(policy, status, cacheControl, this.#errorCaching);
  }

  /** The fresh entry under `key`, or undefined (an expired one is dropped). */
  lookup(key: string): CacheHit | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const now = this.#now();
    if (now >= entry.expiresAt) {
      this.#delete(key, entry);
      return undefined;
    }
    // Most recently used goes last.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return {
      status: entry.status,
      headers: entry.headers,
      body: entry.body,
      ageSeconds: Math.max(0, Math.floor((now - entry.storedAt) / 1000)),
    };
  }

  /**
   * Stores a complete GET response under `key` for as long as `policy` says; returns the lifetime
   * in seconds (0 when nothing was stored: not cacheable, or a body over the per-entry bound).
   */
  store(key: string, policy: CachePolicySpec, response: CachedResponse): number {
    if (!policyCaches(policy)) return 0;
    const lifetime = this.lifetimeSeconds(policy, response.status, headerValue(response.headers, 'cache-control'));
    if (lifetime <= 0 || response.body.byteLength > this.#maxEntryBytes || response.body.byteLength > this.#maxBytes) return 0;
    const previous = this.#entries.get(key);
    if (previous) this.#delete(key, previous);
    const now = this.#now();
    const headers = response.headers.filter(([name]) => !NOT_STORED.has(name.toLowerCase()));
    this.#entries.set(key, { status: response.status, headers, body: response.body, storedAt: now, expiresAt: now + lifetime * 1000 });
    this.#bytes += response.body.byteLength;
    this.#evict();
    return lifetime;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #delete(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#bytes -= entry.body.byteLength;
  }

  #evict(): void {
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) return;
      this.#delete(key, entry);
    }
  }
}

/**
 * Whether a viewer's conditional GET is answered 304 from `response` (a 200 with a validator):
 * If-None-Match against the ETag (weak comparison, `*` matches), else If-Modified-Since
 * against Last-Modified, as CloudFront answers from its cache.
 */
export function notModified(
  requestHeader: (name: string) => string | undefined,
  response: CachedResponse | { status: number; headers: HeaderList },
): boolean {
  if (response.status !== 200) return false;
  const ifNoneMatch = requestHeader('if-none-match');
  if (ifNoneMatch !== undefined) {
    const etag = headerValue(response.headers, 'etag');
    if (etag === undefined) return false;
    const bare = (tag: string) => tag.trim().replace(/^W\//, '');
    return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
  }
  const ifModifiedSince = requestHeader('if-modified-since');
  const lastModified = headerValue(response.headers, 'last-modified');
  if (ifModifiedSince === undefined || lastModified === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  const modified = Date.parse(lastModified);
  return Number.isFinite(since) && Number.isFinite(modified) && modified <= since;
}

/** The headers of a 304 for `response`: its validators and caching headers only (RFC 9110 §15.4.5). */
export function notModifiedHeaders(headers: HeaderList): HeaderList {
  const kept = new Set(['etag', 'cache-control', 'expires', 'last-modified', 'vary', 'content-location']);
  return headers.filter(([name]) => kept.has(name.toLowerCase()));
}
