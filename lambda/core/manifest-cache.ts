/**
 * The in-memory manifest cache of one container. Fresh within the TTL; when stale, ONE
 * conditional GET shared by every concurrent caller; 304 renews freshness; a new body is
 * accepted (parsed, validated, prepared) before it replaces the old one. Any failure keeps the
 * last good value, logs one line and backs off before the next attempt. The clock is injected.
 */
import type { ErrorFields, Logger } from '../log.ts';
import { errorFields } from '../log.ts';

export type ManifestFetchResult =
  | { readonly kind: 'body'; readonly text: string; readonly etag?: string }
  | { readonly kind: 'not-modified' }
  | { readonly kind: 'missing' };

/** One (conditional) GET of the manifest, bounded by `timeoutMs`; throws on any failure. */
export type ManifestFetcher = (request: { readonly etag?: string; readonly timeoutMs: number }) => Promise<ManifestFetchResult>;

export interface CacheSettings {
  readonly ttlMs: number;
  readonly timeoutMs: number;
}

export type CacheLookup<T> =
  | { readonly kind: 'ready'; readonly value: T }
  | { readonly kind: 'missing' }
  | { readonly kind: 'unavailable'; readonly retryAfterMs: number };

export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 30_000;

/**
 * Delay before the next attempt after `failures` consecutive failures: 1 s, 2 s, 4 s … 30 s, and
 * never longer than the TTL, so after an outage a container is back within one TTL, as promised.
 */
export function backoffMs(failures: number, ttlMs: number = Number.POSITIVE_INFINITY): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1), BACKOFF_MAX_MS, Math.max(ttlMs, BACKOFF_BASE_MS));
}

export class ManifestGoneError extends Error {
  override readonly name = 'ManifestGoneError';
  readonly code = 'NoSuchKey';
  constructor(release: string) {
    super(`the manifest was deleted from the bucket; still serving release ${release}`);
  }
}

export interface ManifestCacheOptions<T> {
  readonly fetch: ManifestFetcher;
  /** Turns a manifest body into the cached value; throws when it must be rejected. */
  readonly accept: (text: string) => T;
  /** The release id of a cached value (for logs). */
  readonly idOf: (value: T) => string;
  readonly now: () => number;
  readonly log: Logger;
  /** Extra fields on every log line (bucket, key). */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * What a deleted manifest means once one was loaded. true (production): an accident; keep
   * serving the last good one and log an error. false (a preview channel): the channel was
   * deleted; forget the release, so the channel answers "missing".
   * @default true
   */
  readonly keepWhenDeleted?: boolean;
}

export class ManifestCache<T> {
  private entry: { readonly value: T; readonly etag?: string } | undefined;
  /** S3 said there is no manifest (and nothing was ever loaded). */
  private absent = false;
  private freshUntil = Number.NEGATIVE_INFINITY;
  private retryAt = Number.NEGATIVE_INFINITY;
  private failures = 0;
  private inflight: Promise<void> | undefined;

  constructor(private readonly options: ManifestCacheOptions<T>) {}

  async get(settings: CacheSettings): Promise<CacheLookup<T>> {
    const now = this.options.now();
    if (now < this.freshUntil) return this.answer(now);
    if (this.inflight === undefined) {
      if (now < this.retryAt) return this.answer(now);
      this.inflight = this.refresh(settings).finally(() => {
        this.inflight = undefined;
      });
    }
    await this.inflight;
    return this.answer(this.options.now());
  }

  private answer(now: number): CacheLookup<T> {
    if (this.entry) return { kind: 'ready', value: this.entry.value };
    if (this.absent) return { kind: 'missing' };
    return { kind: 'unavailable', retryAfterMs: Math.max(0, this.retryAt - now) };
  }

  private async refresh(settings: CacheSettings): Promise<void> {
    const { now, idOf } = this.options;
    const started = now();
    const cache = this.entry ? 'stale' : this.absent ? 'absent' : 'cold';
    const previous = this.entry ? idOf(this.entry.value) : undefined;
    try {
      const result = await this.options.fetch({ etag: this.entry?.etag, timeoutMs: settings.timeoutMs });
      if (result.kind === 'not-modified') {
        if (!this.entry) throw new Error('S3 answered 304 Not Modified to an unconditional GET');
        this.renew(settings);
        this.log('info', 'not-modified', started, cache, { release: previous });
      } else if (result.kind === 'missing') {
        if (this.entry && this.options.keepWhenDeleted !== false) throw new ManifestGoneError(idOf(this.entry.value));
        this.entry = undefined;
        this.absent = true;
        this.renew(settings);
        this.log('warn', 'missing', started, cache, {});
      } else {
        const value = this.options.accept(result.text);
        this.entry = { value, ...(result.etag !== undefined ? { etag: result.etag } : {}) };
        this.absent = false;
        this.renew(settings);
        const release = idOf(value);
        const outcome = previous === undefined ? 'loaded' : previous === release ? 'unchanged' : 'updated';
        this.log('info', outcome, started, cache, { release, ...(previous !== undefined ? { previous } : {}) });
      }
    } catch (error) {
      this.failures += 1;
      const delay = backoffMs(this.failures, settings.ttlMs);
      this.retryAt = now() + delay;
      const serving = this.entry ? 'stale' : this.absent ? 'absent' : 'none';
      this.log('error', 'error', started, cache, {
        ...(previous !== undefined ? { release: previous } : {}),
        serving,
        failures: this.failures,
        retryInMs: delay,
        error: errorFields(error) satisfies ErrorFields,
      });
    }
  }

  private renew(settings: CacheSettings): void {
    this.freshUntil = this.options.now() + settings.ttlMs;
    this.failures = 0;
    this.retryAt = Number.NEGATIVE_INFINITY;
  }

  private log(level: 'info' | 'warn' | 'error', outcome: string, started: number, cache: string, fields: object): void {
    this.options.log({
      level,
      msg: 'manifest-refresh',
      outcome,
      cache,
      durationMs: Math.round(this.options.now() - started),
      ...this.options.labels,
      ...fields,
    });
  }
}
