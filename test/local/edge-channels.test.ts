// Preview channels through the local edge with its CloudFront cache: the stack's viewer function,
// the real handler (lambda/edge/handler.ts) reading pointers from a real s3rver, and one injected
// clock for the handler's manifest cache and the edge cache, so TTLs are exact, never waited for.
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { channelPointerKey, PRODUCTION_CHANNEL } from '../../contracts/channels.ts';
import { behaviorTable, CHANNEL_HEADERS, configHeaders, DEFAULT_EDGE_CONFIG, securityHeaders } from '../../contracts/edge-config.ts';
import { ASSET_CACHE_CONTROL, RELEASE_HEADER, type Manifest } from '../../contracts/release.ts';
import { createEdgeHandler } from '../../lambda/edge/handler.ts';
import { silentLogger } from '../../lambda/log.ts';
import { makeManifest, makeRelease } from '../../scripts/fixtures/releases.ts';
import { startApiServer, type RunningApiServer } from '../../local/api-server.ts';
import type { EdgeHandler, OriginRequestEvent } from '../../local/cloudfront-event.ts';
import { CACHE_HIT, CACHE_MISS, EdgeCache } from '../../local/edge-cache.ts';
import { startLocalEdge, type RunningEdge } from '../../local/edge-listen.ts';
import { S3Origin } from '../../local/s3-origin.ts';
import { LOCAL_REGION, S3RVER_CREDENTIALS, startS3Server, type RunningS3Server } from '../../local/s3-server.ts';

const TTL = DEFAULT_EDGE_CONFIG.manifestTtlSeconds; // 60, as in the stack
const CDN = DEFAULT_EDGE_CONFIG.shellCdnSeconds; // 10, as in the stack
const BUCKETS = { channels: 'channels-main', switching: 'channels-switch', empty: 'channels-empty' } as const;

let dir: string;
let s3: RunningS3Server;
let api: RunningApiServer;
let client: S3Client;
const running: RunningEdge[] = [];

const manifestOf = (id: string): Manifest => makeManifest(makeRelease({ id }));
async function put(bucket: string, key: string, body: string, contentType = 'application/json', cacheControl = 'no-cache') {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, CacheControl: cacheControl }));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shellfront-channels-'));
  s3 = await startS3Server({ directory: dir, buckets: Object.values(BUCKETS) });
  api = await startApiServer();
  client = new S3Client({
    endpoint: s3.endpoint,
    region: LOCAL_REGION,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await put(BUCKETS.channels, channelPointerKey(PRODUCTION_CHANNEL), JSON.stringify(manifestOf('prod-1')));
  await put(BUCKETS.channels, channelPointerKey('pr-7'), JSON.stringify(manifestOf('preview-7')));
  await put(BUCKETS.channels, 'assets/index-abc123.js', 'console.log(1)', 'text/javascript', ASSET_CACHE_CONTROL);
  await put(BUCKETS.switching, channelPointerKey(PRODUCTION_CHANNEL), JSON.stringify(manifestOf('before')));
});

afterEach(async () => {
  for (const edge of running.splice(0)) await edge.stop();
});

afterAll(async () => {
  client?.destroy();
  await api?.stop();
  await s3?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh edge (its own cache and handler "container") on `bucket`, previews at localhost, one clock for both. */
async function startEdge(bucket: string, options: { cache?: false } = {}) {
  // From the real time: the handler signs its S3 GETs with this clock, and s3rver refuses a
  // signature more than 15 minutes off (RequestTimeTooSkewed), so no test moves it further.
  let now = Date.now();
  const clock = { now: () => now, advance: (seconds: number) => (now += seconds * 1000) };
  const real = createEdgeHandler({
    env: {
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    },
    now: clock.now,
    log: silentLogger,
  });
  const events: OriginRequestEvent[] = [];
  const handler: EdgeHandler = (event) => {
    events.push(structuredClone(event));
    return real(event) as ReturnType<EdgeHandler>;
  };
  const edge = await startLocalEdge({
    port: 0,
    table: behaviorTable(),
    s3: new S3Origin({ endpoint: s3.endpoint, bucket, region: LOCAL_REGION, credentials: S3RVER_CREDENTIALS }),
    region: LOCAL_REGION,
    apiOrigin: api.url,
    handler,
    customHeaders: configHeaders(),
    securityHeaders: securityHeaders(),
    previewDomain: 'localhost',
    cache: options.cache === false ? false : new EdgeCache({ now: clock.now }),
  });
  running.push(edge);
  /** A request as a browser at http://<host>/ sends it (Node cannot resolve *.localhost itself: the Host header says it). */
  const get = (path: string, host: string, headers: Record<string, string> = {}, method = 'GET', address = '127.0.0.1') =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: address, port: edge.port, path, method, headers: { host: `${host}:${edge.port}`, ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.once('error', reject);
      req.end();
    });
  return { edge, clock, events, get };
}

describe('the viewer function in the local edge', () => {
  it('sets the viewer host for the handler (overwriting one the viewer sent) and the origin carries the preview domain', async () => {
    const { get, events, edge } = await startEdge(BUCKETS.channels);
    const response = await get('/runs/7', 'localhost', { [CHANNEL_HEADERS.viewerHost]: `pr-7.localhost:${edge.port}` });
    expect(response.status).toBe(200);
    expect(response.headers[RELEASE_HEADER]).toBe('prod-1');
    expect(response.headers[CHANNEL_HEADERS.servedChannel]).toBeUndefined();
    const request = events[0]?.Records[0]?.cf.request;
    expect(request?.headers[CHANNEL_HEADERS.viewerHost]).toEqual([{ key: CHANNEL_HEADERS.viewerHost, value: `localhost:${edge.port}` }]);
    expect(request?.origin?.s3?.customHeaders?.[CHANNEL_HEADERS.previewDomain]?.[0]?.value).toBe('localhost');
  });

  it('does not run on the asset behavior (no function, no host in the key)', async () => {
    const { get } = await startEdge(BUCKETS.channels);
    expect((await get('/assets/index-abc123.js', 'localhost')).headers['x-cache']).toBe(CACHE_MISS);
    // Another host, same object: the asset policy keys on the path only.
    expect((await get('/assets/index-abc123.js', 'pr-7.localhost')).headers['x-cache']).toBe(CACHE_HIT);
  });
});

describe('production and a preview through the cache', () => {
  it('never share a cached shell, on any path', async () => {
    const { get } = await startEdge(BUCKETS.channels);
    for (const path of ['/', '/runs/7', '/runs/7?tab=log']) {
      const production = await get(path, 'localhost');
      const preview = await get(path, 'pr-7.localhost');
      expect([production.headers[RELEASE_HEADER], production.headers['x-cache']], path).toEqual(['prod-1', CACHE_MISS]);
      expect([preview.headers[RELEASE_HEADER], preview.headers['x-cache']], path).toEqual(['preview-7', CACHE_MISS]);
      expect(preview.headers['x-robots-tag']).toBe('noindex');
      expect(preview.headers[CHANNEL_HEADERS.servedChannel]).toBe('pr-7');
      // Now both are cached, each under its own key.
      const productionAgain = await get(path, 'localhost');
      const previewAgain = await get(path, 'pr-7.localhost');
      expect([productionAgain.headers[RELEASE_HEADER], productionAgain.headers['x-cache']], path).toEqual(['prod-1', CACHE_HIT]);
      expect([previewAgain.headers[RELEASE_HEADER], previewAgain.headers['x-cache']], path).toEqual(['preview-7', CACHE_HIT]);
      expect(productionAgain.headers[CHANNEL_HEADERS.servedChannel]).toBeUndefined();
    }
  });

  it('answers a preview that does not exist with its own 404, never a cached production shell', async () => {
    const { get } = await startEdge(BUCKETS.channels);
    expect((await get('/', 'localhost')).headers[RELEASE_HEADER]).toBe('prod-1');
    const missing = await get('/', 'pr-8.localhost');
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('No Such Preview');
    expect(missing.headers['x-cache']).toBe(CACHE_MISS);
    // A host CloudFront would key apart (case) still maps to the same channel, never to production.
    expect((await get('/', 'PR-7.localhost')).headers[RELEASE_HEADER]).toBe('preview-7');
  });

  it('reaches the edge over the IPv6 loopback too, where browsers may send *.localhost first', async (context) => {
    const ipv6 = Object.values(networkInterfaces())
      .flat()
      .some((address) => address?.address === '::1');
    if (!ipv6) context.skip();
    const { get, edge } = await startEdge(BUCKETS.channels);
    expect(edge.hosts).toEqual(['127.0.0.1', '::1']);
    expect((await get('/', 'pr-7.localhost', {}, 'GET', '::1')).headers[RELEASE_HEADER]).toBe('preview-7');
  });
});

describe('a release switch through the cache', () => {
  it(`shows within manifest TTL + shell CDN time (${TTL} + ${CDN} s), and nothing stale after`, async () => {
    const { get, clock } = await startEdge(BUCKETS.switching);
    const release = async () => {
      const response = await get('/', 'localhost');
      return [response.headers[RELEASE_HEADER], response.headers['x-cache'], response.headers.age];
    };
    expect(await release()).toEqual(['before', CACHE_MISS, undefined]);
    // The switch, right after the handler loaded its manifest: the worst case.
    await put(BUCKETS.switching, channelPointerKey(PRODUCTION_CHANNEL), JSON.stringify(manifestOf('after')));
    clock.advance(5);
    expect(await release()).toEqual(['before', CACHE_HIT, '5']);
    // Just inside the manifest TTL, with the shell expired: the handler renders the old release once more...
    clock.advance(TTL - 5 - 0.1);
    expect(await release()).toEqual(['before', CACHE_MISS, undefined]);
    // ...which CloudFront keeps for the shell's s-maxage.
    clock.advance(CDN - 1);
    expect(await release()).toEqual(['before', CACHE_HIT, String(CDN - 1)]);
    // TTL + CDN after the switch: the new release, and never the old one again.
    clock.advance(1.1);
    expect(await release()).toEqual(['after', CACHE_MISS, undefined]);
    for (const seconds of [1, CDN, TTL, 600]) {
      clock.advance(seconds);
      expect((await release())[0], `${seconds} s later`).toBe('after');
    }
  });

  it('with the cache off, every request reaches the handler', async () => {
    const { get, events } = await startEdge(BUCKETS.channels, { cache: false });
    await get('/', 'localhost');
    const second = await get('/', 'localhost');
    expect(second.headers['x-cache']).toBe(CACHE_MISS);
    expect(events).toHaveLength(2);
  });
});

describe('what the cache keeps, as the behavior table says', () => {
  it('keeps a 404 for its s-maxage (the shell CDN time)', async () => {
    const { get, clock, events } = await startEdge(BUCKETS.channels);
    const first = await get('/reports/summary.pdf', 'localhost');
    expect([first.status, first.headers['x-cache'], first.headers['cache-control']]).toEqual([
      404,
      CACHE_MISS,
      `public, max-age=0, s-maxage=${CDN}`,
    ]);
    clock.advance(CDN - 0.5);
    expect([(await get('/reports/summary.pdf', 'localhost')).headers['x-cache']]).toEqual([CACHE_HIT]);
    clock.advance(0.5);
    expect((await get('/reports/summary.pdf', 'localhost')).headers['x-cache']).toBe(CACHE_MISS);
    expect(events).toHaveLength(2);
  });

  it('never keeps a 503 (no release yet): the first deploy shows at once', async () => {
    const { get, clock } = await startEdge(BUCKETS.empty);
    const first = await get('/runs', 'localhost');
    expect([first.status, first.headers['x-cache']]).toEqual([503, CACHE_MISS]);
    expect((await get('/runs', 'localhost')).headers['x-cache']).toBe(CACHE_MISS);
    await put(BUCKETS.empty, channelPointerKey(PRODUCTION_CHANNEL), JSON.stringify(manifestOf('first')));
    // The handler backs off after a missing manifest (at most a TTL); no CloudFront copy of the 503 adds to it.
    clock.advance(TTL);
    const live = await get('/runs', 'localhost');
    expect([live.status, live.headers[RELEASE_HEADER]]).toEqual([200, 'first']);
  });

  it('keeps hashed assets a year', async () => {
    const { get, clock } = await startEdge(BUCKETS.channels);
    expect((await get('/assets/index-abc123.js', 'localhost')).headers['x-cache']).toBe(CACHE_MISS);
    clock.advance(364 * 86_400);
    const hit = await get('/assets/index-abc123.js', 'localhost');
    expect([hit.headers['x-cache'], hit.headers.age, hit.body]).toEqual([CACHE_HIT, String(364 * 86_400), 'console.log(1)']);
    clock.advance(86_400);
    expect((await get('/assets/index-abc123.js', 'localhost')).headers['x-cache']).toBe(CACHE_MISS);
  });

  it('never keeps the API (CachingDisabled)', async () => {
    const { get } = await startEdge(BUCKETS.channels);
    for (let i = 0; i < 2; i++) {
      const response = await get('/api/runs', 'localhost');
      expect([response.status, response.headers['x-cache'], response.headers.age]).toEqual([200, CACHE_MISS, undefined]);
    }
  });

  it('answers HEAD from a GET entry without a body, and never stores a HEAD', async () => {
    const { get } = await startEdge(BUCKETS.channels);
    const full = await get('/runs', 'localhost');
    const head = await get('/runs', 'localhost', {}, 'HEAD');
    expect([head.status, head.headers['x-cache'], head.body]).toEqual([200, CACHE_HIT, '']);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(full.body)));
    expect((await get('/about', 'localhost', {}, 'HEAD')).headers['x-cache']).toBe(CACHE_MISS);
    const afterHead = await get('/about', 'localhost');
    expect([afterHead.headers['x-cache'], afterHead.body.length > 0]).toEqual([CACHE_MISS, true]);
  });

  it("answers a browser's revalidation from the cache with 304", async () => {
    const { get, events } = await startEdge(BUCKETS.channels);
    const etag = (await get('/', 'localhost')).headers.etag as string;
    expect(etag).toBeTruthy();
    const revalidated = await get('/', 'localhost', { 'if-none-match': etag });
    expect([revalidated.status, revalidated.headers['x-cache'], revalidated.body]).toEqual([304, CACHE_HIT, '']);
    // The preview's shell has another ETag: the production one does not revalidate it.
    expect((await get('/', 'pr-7.localhost', { 'if-none-match': etag })).status).toBe(200);
    expect(events).toHaveLength(2);
  });
});
