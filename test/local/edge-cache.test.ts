// The local CloudFront cache on its own: keys from the behavior table's cache policies, lifetimes
// from cacheLifetimeSeconds, expiry on an injected clock, the bounds, and conditional answers.
import { describe, expect, it } from 'vitest';
import { behaviorTable, CHANNEL_HEADERS, type Behavior } from '../../contracts/edge-config.ts';
import { cachePolicySpecs } from '../../contracts/cache-policies.ts';
import { ASSET_CACHE_CONTROL } from '../../contracts/release.ts';
import { cacheKey, EdgeCache, notModified, notModifiedHeaders, policyCaches, type CachedResponse } from '../../local/edge-cache.ts';

const table = behaviorTable();
const behavior = (name: Behavior['name']) => table.find((candidate) => candidate.name === name) as Behavior;
const previews = cachePolicySpecs({ previews: true });
const plain = cachePolicySpecs();

function response(status: number, cacheControl: string | undefined, body = 'x', extra: [string, string][] = []): CachedResponse {
  const headers: [string, string][] = [['Content-Type', 'text/html'], ...extra];
  if (cacheControl !== undefined) headers.push(['Cache-Control', cacheControl]);
  return { status, headers, body: Buffer.from(body) };
}

function clock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (seconds: number) => (now += seconds * 1000) };
}

const headers =
  (values: Record<string, string>) =>
  (name: string): string | undefined =>
    values[name];

describe('cacheKey', () => {
  it('keys the shell on the viewer host only when previews are on', () => {
    const production = { path: '/', querystring: '', header: headers({ [CHANNEL_HEADERS.viewerHost]: 'www.example.com' }) };
    const preview = { ...production, header: headers({ [CHANNEL_HEADERS.viewerHost]: 'pr-7.preview.example.com' }) };
    expect(cacheKey(behavior('default'), previews.shell, production)).not.toBe(cacheKey(behavior('default'), previews.shell, preview));
    expect(cacheKey(behavior('default'), plain.shell, production)).toBe(cacheKey(behavior('default'), plain.shell, preview));
    // A missing key header is its own value, not the same as any host.
    const none = { ...production, header: headers({}) };
    expect(cacheKey(behavior('default'), previews.shell, none)).not.toBe(cacheKey(behavior('default'), previews.shell, production));
  });

  it('keys on the query string where the policy says all, never on the assets', () => {
    const a = { path: '/runs', querystring: 'tab=log', header: headers({}) };
    const b = { ...a, querystring: 'tab=steps' };
    expect(cacheKey(behavior('default'), plain.shell, a)).not.toBe(cacheKey(behavior('default'), plain.shell, b));
    const asset = { path: '/assets/index-abc.js', querystring: 'v=1', header: headers({}) };
    expect(cacheKey(behavior('assets'), plain['immutable-assets'], asset)).toBe(
      cacheKey(behavior('assets'), plain['immutable-assets'], { ...asset, querystring: 'v=2' }),
    );
  });

  it('keys on the path, and never on a header the policy does not name', () => {
    const base = { path: '/a', querystring: '', header: headers({ accept: 'text/html' }) };
    expect(cacheKey(behavior('default'), plain.shell, base)).not.toBe(cacheKey(behavior('default'), plain.shell, { ...base, path: '/b' }));
    expect(cacheKey(behavior('default'), plain.shell, base)).toBe(
      cacheKey(behavior('default'), plain.shell, { ...base, header: headers({ accept: 'application/json' }) }),
    );
  });
});

describe('EdgeCache lifetimes (cachePolicySpecs + cacheLifetimeSeconds)', () => {
  it('keeps the shell for its s-maxage and not a moment longer', () => {
    const time = clock();
    const cache = new EdgeCache({ now: time.now });
    expect(cache.store('k', plain.shell, response(200, 'public, max-age=0, must-revalidate, s-maxage=10'))).toBe(10);
    time.advance(9.999);
    expect(cache.lookup('k')).toMatchObject({ status: 200, ageSeconds: 9 });
    time.advance(0.001);
    expect(cache.lookup('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not keep a shell without Cache-Control (the shell policy default TTL is 0) or with s-maxage=0', () => {
    const cache = new EdgeCache();
    expect(cache.store('a', plain.shell, response(200, undefined))).toBe(0);
    expect(cache.store('b', plain.shell, response(200, 'public, max-age=0, must-revalidate, s-maxage=0'))).toBe(0);
    expect(cache.size).toBe(0);
  });

  it('keeps hashed assets a year', () => {
    const time = clock();
    const cache = new EdgeCache({ now: time.now });
    expect(cache.store('asset', plain['immutable-assets'], response(200, ASSET_CACHE_CONTROL))).toBe(31_536_000);
    time.advance(31_536_000 - 1);
    expect(cache.lookup('asset')?.ageSeconds).toBe(31_536_000 - 1);
    time.advance(1);
    expect(cache.lookup('asset')).toBeUndefined();
  });

  it('keeps errors by the error caching rules: a 404 its s-maxage, a no-store 404 and a 503 not at all, a 400 five minutes', () => {
    const cache = new EdgeCache();
    expect(cache.store('404', plain.shell, response(404, 'public, max-age=0, s-maxage=10'))).toBe(10);
    expect(cache.store('404-no-store', plain.shell, response(404, 'no-store'))).toBe(0);
    expect(cache.store('503', plain.shell, response(503, 'no-store'))).toBe(0);
    expect(cache.store('503-bare', plain.shell, response(503, undefined))).toBe(0);
    // CloudFront honours no-store only for 404, 410, 414 and 501: a 400 is kept its error caching TTL.
    expect(cache.store('400', plain.shell, response(400, 'no-store'))).toBe(300);
  });

  it('never stores under CachingDisabled (the API)', () => {
    const cache = new EdgeCache();
    expect(policyCaches(plain.disabled)).toBe(false);
    expect(cache.store('api', plain.disabled, response(200, 'public, max-age=600'))).toBe(0);
    expect(cache.size).toBe(0);
  });

  it('never replays its own or per-answer headers', () => {
    const cache = new EdgeCache();
    const stored = response(200, 's-maxage=5', 'x', [
      ['Age', '7'],
      ['X-Cache', 'Miss from cloudfront'],
      ['Content-Length', '1'],
      ['ETag', '"e"'],
    ]);
    cache.store('k', plain.shell, stored);
    expect(cache.lookup('k')?.headers.map(([name]) => name)).toEqual(['Content-Type', 'ETag', 'Cache-Control']);
  });
});

describe('EdgeCache bounds', () => {
  it('drops the least recently used entry past maxEntries', () => {
    const cache = new EdgeCache({ maxEntries: 2 });
    cache.store('a', plain.shell, response(200, 's-maxage=60'));
    cache.store('b', plain.shell, response(200, 's-maxage=60'));
    cache.lookup('a');
    cache.store('c', plain.shell, response(200, 's-maxage=60'));
    expect(cache.lookup('b')).toBeUndefined();
    expect(cache.lookup('a')).toBeDefined();
    expect(cache.lookup('c')).toBeDefined();
  });

  it('holds at most maxBytes of bodies, and no body over maxEntryBytes', () => {
    const cache = new EdgeCache({ maxBytes: 10, maxEntryBytes: 6 });
    expect(cache.store('big', plain.shell, response(200, 's-maxage=60', '1234567'))).toBe(0);
    cache.store('a', plain.shell, response(200, 's-maxage=60', '123456'));
    cache.store('b', plain.shell, response(200, 's-maxage=60', '12345'));
    expect(cache.bytes).toBe(5);
    expect(cache.lookup('a')).toBeUndefined();
    // Replacing an entry counts its bytes once.
    cache.store('b', plain.shell, response(200, 's-maxage=60', '1234'));
    expect(cache.bytes).toBe(4);
  });

  it('refuses bounds below 1, saying which', () => {
    expect(() => new EdgeCache({ maxEntries: 0 })).toThrow(/maxEntries 0/);
  });
});

describe('notModified', () => {
  const ok = response(200, 's-maxage=5', 'x', [
    ['ETag', '"abc"'],
    ['Last-Modified', 'Wed, 01 Jan 2025 00:00:00 GMT'],
  ]);
  it('matches If-None-Match (weakly, lists, *) and otherwise If-Modified-Since', () => {
    expect(notModified(headers({ 'if-none-match': '"abc"' }), ok)).toBe(true);
    expect(notModified(headers({ 'if-none-match': 'W/"abc"' }), ok)).toBe(true);
    expect(notModified(headers({ 'if-none-match': '"x", "abc"' }), ok)).toBe(true);
    expect(notModified(headers({ 'if-none-match': '*' }), ok)).toBe(true);
    expect(notModified(headers({ 'if-none-match': '"other"' }), ok)).toBe(false);
    // If-None-Match wins over If-Modified-Since.
    expect(notModified(headers({ 'if-none-match': '"other"', 'if-modified-since': 'Thu, 02 Jan 2025 00:00:00 GMT' }), ok)).toBe(false);
    expect(notModified(headers({ 'if-modified-since': 'Thu, 02 Jan 2025 00:00:00 GMT' }), ok)).toBe(true);
    expect(notModified(headers({ 'if-modified-since': 'Tue, 31 Dec 2024 00:00:00 GMT' }), ok)).toBe(false);
    expect(notModified(headers({}), ok)).toBe(false);
  });

  it('never turns an error into a 304, and a 304 keeps only validators and caching headers', () => {
    expect(notModified(headers({ 'if-none-match': '*' }), { ...ok, status: 404 })).toBe(false);
    expect(notModifiedHeaders(ok.headers).map(([name]) => name)).toEqual(['ETag', 'Last-Modified', 'Cache-Control']);
  });
});
