import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../contracts/release.ts';
import { backoffMs, ManifestCache, type ManifestFetcher } from '../../lambda/core/manifest-cache.ts';
import { prepareRelease, type PreparedRelease } from '../../lambda/core/shell.ts';
import { S3ObjectReader } from '../../lambda/s3-fetch.ts';
import { capturingLogger, fakeS3, makeManifest, makeRelease, manualClock } from './helpers.ts';

const SETTINGS = { ttlMs: 60_000, timeoutMs: 1000 };
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

function setup(fetcher?: ManifestFetcher) {
  const s3 = fakeS3();
  const clock = manualClock();
  const logger = capturingLogger();
  const reader = new S3ObjectReader({ bucket: 'site', region: 'eu-west-1' }, CREDENTIALS, s3.get);
  const cache = new ManifestCache<PreparedRelease>({
    fetch: fetcher ?? reader.manifestFetcher('manifest.json'),
    accept: (text) => prepareRelease(parseManifest(text)),
    idOf: (release) => release.id,
    now: clock.now,
    log: logger.log,
    labels: { bucket: 'site', key: 'manifest.json' },
  });
  const idNow = async () => {
    const lookup = await cache.get(SETTINGS);
    return lookup.kind === 'ready' ? lookup.value.id : lookup.kind;
  };
  return { s3, clock, logger, cache, idNow };
}

describe('ManifestCache', () => {
  it('loads once, then serves from memory within the TTL', async () => {
    const { s3, clock, logger, idNow } = setup();
    s3.put('manifest.json', makeManifest());
    expect(await idNow()).toBe('r1');
    clock.advance(59_999);
    expect(await idNow()).toBe('r1');
    expect(s3.calls).toHaveLength(1);
    expect(s3.calls[0]!.headers.get('if-none-match')).toBeNull();
    expect(logger.lines).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'manifest-refresh',
        outcome: 'loaded',
        cache: 'cold',
        release: 'r1',
        bucket: 'site',
        durationMs: 0,
      }),
    ]);
  });

  it('when stale, sends one conditional GET with the last ETag; 304 renews freshness', async () => {
    const { s3, clock, logger, idNow } = setup();
    const etag = s3.put('manifest.json', makeManifest());
    await idNow();
    clock.advance(60_000);
    expect(await idNow()).toBe('r1');
    expect(s3.calls).toHaveLength(2);
    expect(s3.calls[1]!.headers.get('if-none-match')).toBe(etag);
    expect(logger.lines[1]).toMatchObject({ outcome: 'not-modified', cache: 'stale', release: 'r1' });
    clock.advance(59_000);
    await idNow();
    expect(s3.calls).toHaveLength(2);
  });

  it('replaces the release when the manifest changed', async () => {
    const { s3, clock, logger, idNow } = setup();
    s3.put('manifest.json', makeManifest());
    await idNow();
    s3.put('manifest.json', makeManifest(makeRelease({ id: 'r2' })));
    clock.advance(60_000);
    expect(await idNow()).toBe('r2');
    expect(logger.lines[1]).toMatchObject({ level: 'info', outcome: 'updated', release: 'r2', previous: 'r1' });
  });

  it('shares one GET among 1,000 concurrent callers on a cold container', async () => {
    const { s3, idNow } = setup();
    s3.put('manifest.json', makeManifest());
    const ids = await Promise.all(Array.from({ length: 1000 }, () => idNow()));
    expect(new Set(ids)).toEqual(new Set(['r1']));
    expect(s3.calls).toHaveLength(1);
  });

  it('shares one conditional GET among concurrent callers when stale', async () => {
    const { s3, clock, idNow } = setup();
    s3.put('manifest.json', makeManifest());
    await idNow();
    clock.advance(61_000);
    await Promise.all(Array.from({ length: 500 }, () => idNow()));
    expect(s3.calls).toHaveLength(2);
  });

  const failures: Array<[string, (s3: ReturnType<typeof fakeS3>) => void, Record<string, unknown>]> = [
    [
      '500',
      (s3) => s3.respond(() => new Response('<Error><Code>InternalError</Code></Error>', { status: 500 })),
      { code: 'InternalError', status: 500 },
    ],
    [
      '503 SlowDown',
      (s3) => s3.respond(() => new Response('<Error><Code>SlowDown</Code></Error>', { status: 503 })),
      { code: 'SlowDown', status: 503 },
    ],
    [
      'AccessDenied',
      (s3) => s3.respond(() => new Response('<Error><Code>AccessDenied</Code></Error>', { status: 403 })),
      { code: 'AccessDenied', status: 403 },
    ],
    ['bad JSON', (s3) => void s3.put('manifest.json', '{"schema": 1,'), { name: 'ReleaseFormatError' }],
    ['bad schema', (s3) => void s3.put('manifest.json', { ...makeManifest(), schema: 2 }), { name: 'ReleaseFormatError' }],
    [
      'an empty shell',
      (s3) => void s3.put('manifest.json', makeManifest(makeRelease({ id: 'r2', shell: ' ' }))),
      { name: 'ReleaseFormatError' },
    ],
    [
      'a 6 MB manifest',
      (s3) => void s3.put('manifest.json', makeManifest(makeRelease({ id: 'r2', config: { blob: 'x'.repeat(6 * 1024 * 1024) } }))),
      { code: 'TooLarge' },
    ],
    [
      'a shell over the response limit',
      (s3) => void s3.put('manifest.json', makeManifest(makeRelease({ id: 'r2', shell: `<head></head>${'x'.repeat(1024 * 1024)}` }))),
      { name: 'ShellTooLargeError' },
    ],
    ['a deleted manifest', (s3) => void s3.objects.delete('manifest.json'), { name: 'ManifestGoneError', code: 'NoSuchKey' }],
    ['a network error', (s3) => s3.respond(() => Promise.reject(new TypeError('fetch failed'))), { code: 'NetworkError' }],
  ];

  it.each(failures)('keeps the last good manifest on %s, logs one line and backs off', async (_name, breakIt, error) => {
    const { s3, clock, logger, idNow } = setup();
    s3.put('manifest.json', makeManifest());
    await idNow();
    breakIt(s3);
    clock.advance(60_000);
    expect(await idNow()).toBe('r1');
    expect(logger.lines).toHaveLength(2);
    expect(logger.lines[1]).toMatchObject({
      level: 'error',
      msg: 'manifest-refresh',
      outcome: 'error',
      cache: 'stale',
      serving: 'stale',
      release: 'r1',
      failures: 1,
      retryInMs: 1000,
      error: expect.objectContaining(error),
    });
    // Within the back-off nobody asks S3 again, and the stale release keeps serving.
    const calls = s3.calls.length;
    clock.advance(999);
    expect(await idNow()).toBe('r1');
    expect(s3.calls).toHaveLength(calls);
    clock.advance(1);
    await idNow();
    expect(s3.calls).toHaveLength(calls + 1);
  });

  it('bounds a hanging GET by the timeout and keeps serving', async () => {
    const { s3, clock, logger, cache } = setup();
    s3.put('manifest.json', makeManifest());
    await cache.get(SETTINGS);
    s3.respond(
      (_call, init) =>
        new Promise((_resolve, reject) => {
          init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
    );
    clock.advance(60_000);
    const lookup = await cache.get({ ttlMs: 60_000, timeoutMs: 100 });
    expect(lookup).toMatchObject({ kind: 'ready', value: { id: 'r1' } });
    expect(logger.lines[1]).toMatchObject({ outcome: 'error', error: { name: 'S3RequestError', code: 'Timeout' } });
  });

  it('reports unavailable with the back-off as retry time when never loaded, then recovers', async () => {
    const { s3, clock, logger, idNow, cache } = setup();
    s3.respond(() => new Response('<Error><Code>InternalError</Code></Error>', { status: 500 }));
    expect(await cache.get(SETTINGS)).toEqual({ kind: 'unavailable', retryAfterMs: 1000 });
    expect(logger.lines[0]).toMatchObject({ outcome: 'error', cache: 'cold', serving: 'none' });
    clock.advance(1000);
    expect(await cache.get(SETTINGS)).toEqual({ kind: 'unavailable', retryAfterMs: 2000 });
    clock.advance(500);
    expect(await cache.get(SETTINGS)).toEqual({ kind: 'unavailable', retryAfterMs: 1500 });
    expect(s3.calls).toHaveLength(2);
    s3.respond(undefined);
    s3.put('manifest.json', makeManifest());
    clock.advance(1500);
    expect(await idNow()).toBe('r1');
  });

  it('reports missing when the bucket has no manifest, for one TTL', async () => {
    const { s3, clock, logger, idNow } = setup();
    expect(await idNow()).toBe('missing');
    expect(logger.lines[0]).toMatchObject({ level: 'warn', outcome: 'missing', cache: 'cold' });
    s3.put('manifest.json', makeManifest());
    clock.advance(59_000);
    expect(await idNow()).toBe('missing');
    clock.advance(1000);
    expect(await idNow()).toBe('r1');
    expect(s3.calls).toHaveLength(2);
  });

  it('rejects a 304 to an unconditional GET', async () => {
    const { logger, cache } = setup(async () => ({ kind: 'not-modified' }));
    expect(await cache.get(SETTINGS)).toMatchObject({ kind: 'unavailable' });
    expect(logger.lines[0]).toMatchObject({ outcome: 'error', error: { message: expect.stringContaining('304') } });
  });
});

describe('backoffMs', () => {
  it('doubles from 1 s up to 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((failures) => backoffMs(failures))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('never waits longer than the TTL (at least 1 s), so a short TTL recovers within one TTL', () => {
    expect([1, 2, 3, 6].map((failures) => backoffMs(failures, 2000))).toEqual([1000, 2000, 2000, 2000]);
    expect(backoffMs(1, 500)).toBe(1000);
  });

  it('after a long S3 outage, a cache with a 2 s TTL serves the new release within one TTL of S3 coming back', async () => {
    let up = false;
    let release = 'r1';
    const clock = manualClock();
    const cache = new ManifestCache<string>({
      fetch: async () => {
        if (!up) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        return { kind: 'body', text: release };
      },
      accept: (text) => text,
      idOf: (id) => id,
      now: clock.now,
      log: () => {},
    });
    const settings = { ttlMs: 2000, timeoutMs: 1000 };
    for (let second = 0; second < 120; second++) {
      await cache.get(settings);
      clock.advance(1000);
    }
    up = true;
    release = 'r2';
    const cameBack = clock.now();
    while ((await cache.get(settings)).kind !== 'ready') clock.advance(100);
    expect(clock.now() - cameBack).toBeLessThanOrEqual(2000);
  });
});
