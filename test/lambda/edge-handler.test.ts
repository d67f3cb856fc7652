import { describe, expect, it } from 'vitest';
import { channelPointerKey } from '../../contracts/channels.ts';
import { CONFIG_HEADERS } from '../../contracts/edge-config.ts';
import { displayName, toCloudFrontResponse } from '../../lambda/edge/adapter.ts';
import { createEdgeHandler } from '../../lambda/edge/handler.ts';
import { originOf, parseS3Domain } from '../../lambda/edge/origin.ts';
import { DISALLOWED_HEADERS, headerAllowed, READ_ONLY_ORIGIN_REQUEST_HEADERS } from '../../lambda/edge/response-rules.ts';
import type { CloudFrontRequest, CloudFrontResultResponse } from '../../lambda/edge/types.ts';
import { capturingLogger, customEvent, fakeS3, makeManifest, manualClock, s3Event } from './helpers.ts';

const PRODUCTION_POINTER = channelPointerKey('production');
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };

function setup(env: Record<string, string | undefined> = ENV) {
  const s3 = fakeS3();
  const clock = manualClock();
  const logger = capturingLogger();
  const handler = createEdgeHandler({ env, now: clock.now, log: logger.log, httpGet: s3.get });
  return { s3, clock, logger, handler };
}

function asResponse(result: unknown): CloudFrontResultResponse {
  expect(result).toHaveProperty('status');
  return result as CloudFrontResultResponse;
}

function asRequest(result: unknown): CloudFrontRequest {
  expect(result).not.toHaveProperty('status');
  return result as CloudFrontRequest;
}

describe('Lambda@Edge handler on the documented S3-origin event', () => {
  it('serves the shell as a generated response in Lambda@Edge shape', async () => {
    const { s3, handler } = setup();
    s3.put(PRODUCTION_POINTER, makeManifest());
    const response = asResponse(await handler(s3Event({ uri: '/pipelines/42' })));
    expect(response.status).toBe('200');
    expect(response.statusDescription).toBe('OK');
    expect(response.bodyEncoding).toBe('text');
    expect(response.body).toContain('<meta name="shellfront-release" content="r1">');
    expect(response.headers['content-type']).toEqual([{ key: 'Content-Type', value: 'text/html; charset=utf-8' }]);
    expect(response.headers['x-shellfront-release']).toEqual([{ key: 'X-Shellfront-Release', value: 'r1' }]);
    for (const [name, values] of Object.entries(response.headers)) {
      expect(name).toBe(name.toLowerCase());
      expect(headerAllowed(name)).toBe(true);
      expect(values).toHaveLength(1);
      expect(values[0]!.key!.toLowerCase()).toBe(name);
    }
    expect(Buffer.byteLength(response.body!)).toBeLessThan(1024 * 1024);
  });

  it('reads the bucket and region from the origin domain and GETs the manifest there', async () => {
    const { s3, handler } = setup();
    s3.put(PRODUCTION_POINTER, makeManifest());
    await handler(s3Event());
    expect(s3.calls[0]!.url).toBe('https://shellfront-site.s3.eu-west-1.amazonaws.com/_shellfront/channels/production.json');
    expect(s3.calls[0]!.headers.get('authorization')).toContain('/eu-west-1/s3/aws4_request');
  });

  it('honours AWS_ENDPOINT_URL_S3 with path-style addressing', async () => {
    const { s3, handler } = setup({ ...ENV, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569' });
    s3.put(PRODUCTION_POINTER, makeManifest());
    await handler(s3Event());
    expect(s3.calls[0]!.url).toBe('http://127.0.0.1:4569/shellfront-site/_shellfront/channels/production.json');
  });

  it('rewrites a release file, dropping the query string (S3 would honour response-* overrides on a signed request) and keeping the rest', async () => {
    const { s3, handler } = setup();
    s3.put(PRODUCTION_POINTER, makeManifest());
    const event = s3Event({ uri: '/favicon.svg', querystring: 'response-content-type=text%2Fhtml' });
    const request = asRequest(await handler(event));
    expect(request.uri).toBe('/releases/r1/favicon.svg');
    expect(request.querystring).toBe('');
    expect(request.origin).toEqual(event.Records[0]!.cf.request.origin);
  });

  it('passes an asset through unchanged', async () => {
    const { s3, handler } = setup();
    s3.put(PRODUCTION_POINTER, makeManifest());
    const request = asRequest(await handler(s3Event({ uri: '/assets/index-old999.js' })));
    expect(request.uri).toBe('/assets/index-old999.js');
  });

  it('answers 404 / 400 / 405 as generated responses', async () => {
    const { s3, handler } = setup();
    s3.put(PRODUCTION_POINTER, makeManifest());
    expect(asResponse(await handler(s3Event({ uri: '/nope.js' }))).status).toBe('404');
    expect(asResponse(await handler(s3Event({ uri: '/manifest.json' }))).status).toBe('404');
    expect(asResponse(await handler(s3Event({ uri: '/%2e%2e/manifest.json' }))).status).toBe('400');
    const post = asResponse(await handler(s3Event({ method: 'POST' })));
    expect(post.status).toBe('405');
    expect(post.headers.allow).toEqual([{ key: 'Allow', value: 'GET, HEAD' }]);
  });

  it('takes the TTL and shell CDN seconds from the origin custom headers; a stale manifest-key header is ignored', async () => {
    const { s3, clock, handler } = setup();
    s3.put(PRODUCTION_POINTER, makeManifest());
    const config = {
      'x-shellfront-manifest-key': 'live/pointer.json',
      [CONFIG_HEADERS.manifestTtlSeconds]: '5',
      [CONFIG_HEADERS.shellCdnSeconds]: '0',
    };
    const response = asResponse(await handler(s3Event({ config })));
    expect(response.headers['cache-control']![0]!.value).toBe('public, max-age=0, must-revalidate, s-maxage=0');
    clock.advance(5000);
    await handler(s3Event({ config }));
    expect(s3.calls.map((call) => new URL(call.url).pathname)).toEqual([`/${PRODUCTION_POINTER}`, `/${PRODUCTION_POINTER}`]);
  });

  it('uses defaults for invalid config headers and logs the problem once per container', async () => {
    const { s3, logger, handler } = setup();
    s3.put(PRODUCTION_POINTER, makeManifest());
    const config = { [CONFIG_HEADERS.manifestTtlSeconds]: 'soon' };
    for (let i = 0; i < 3; i++) expect(asResponse(await handler(s3Event({ config }))).status).toBe('200');
    const problems = logger.lines.filter((line) => line.msg === 'config-invalid');
    expect(problems).toEqual([expect.objectContaining({ level: 'error', problem: expect.stringContaining('x-shellfront-manifest-ttl') })]);
  });

  it('makes exactly one S3 GET for 1,000 concurrent invocations on a cold container', async () => {
    const { s3, logger, handler } = setup();
    s3.put(PRODUCTION_POINTER, makeManifest());
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => handler(s3Event({ uri: `/route/${i}` }))));
    expect(results.every((result) => asResponse(result).status === '200')).toBe(true);
    expect(s3.calls).toHaveLength(1);
    expect(logger.lines).toHaveLength(1);
  });

  it('answers 503 with Retry-After and no-store, never a stack trace, when S3 fails on a cold container', async () => {
    const { s3, logger, handler } = setup();
    s3.respond(() => new Response('<Error><Code>AccessDenied</Code></Error>', { status: 403 }));
    const response = asResponse(await handler(s3Event({ uri: '/about' })));
    expect(response.status).toBe('503');
    expect(response.headers['retry-after']).toEqual([{ key: 'Retry-After', value: '1' }]);
    expect(response.headers['cache-control']).toEqual([{ key: 'Cache-Control', value: 'no-store' }]);
    expect(response.body).not.toContain('AccessDenied');
    expect(logger.lines).toEqual([
      expect.objectContaining({ level: 'error', outcome: 'error', error: expect.objectContaining({ code: 'AccessDenied' }) }),
    ]);
  });

  it('keeps serving the last good release when the manifest turns broken; a cold container answers 503 (README failure table)', async () => {
    const warm = setup();
    warm.s3.put(PRODUCTION_POINTER, makeManifest());
    expect(asResponse(await warm.handler(s3Event())).status).toBe('200');
    warm.s3.put(PRODUCTION_POINTER, '{"schema": 1, "release": ');
    warm.clock.advance(120_000);
    const stale = asResponse(await warm.handler(s3Event()));
    expect(stale.status).toBe('200');
    expect(stale.body).toContain('<meta name="shellfront-release" content="r1">');

    const cold = setup();
    cold.s3.put(PRODUCTION_POINTER, '{"schema": 1, "release": ');
    const response = asResponse(await cold.handler(s3Event()));
    expect(response.status).toBe('503');
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.headers['cache-control']).toEqual([{ key: 'Cache-Control', value: 'no-store' }]);
  });

  it('answers 503 "no release" when the bucket has no manifest', async () => {
    const { handler } = setup();
    const response = asResponse(await handler(s3Event()));
    expect(response.status).toBe('503');
    expect(response.body).toContain('No release is deployed yet');
  });

  it('answers HEAD without a body', async () => {
    const { s3, handler } = setup();
    s3.put(PRODUCTION_POINTER, makeManifest());
    const response = asResponse(await handler(s3Event({ method: 'HEAD' })));
    expect(response.status).toBe('200');
    expect(response.body).toBe('');
  });
});

describe('Lambda@Edge handler on the documented custom-origin event', () => {
  it('refuses a non-S3 origin with a 503 and one log line', async () => {
    const { s3, logger, handler } = setup();
    for (let i = 0; i < 2; i++) expect(asResponse(await handler(customEvent())).status).toBe('503');
    expect(s3.calls).toHaveLength(0);
    expect(logger.lines).toEqual([expect.objectContaining({ level: 'error', msg: 'origin-not-s3', domain: 'example.org' })]);
  });

  it('works when the custom origin is an S3 REST endpoint', async () => {
    const { s3, handler } = setup();
    s3.put(PRODUCTION_POINTER, makeManifest());
    const response = asResponse(await handler(customEvent({ domainName: 'site-bucket.s3.ap-southeast-2.amazonaws.com' })));
    expect(response.status).toBe('200');
    expect(s3.calls[0]!.url).toBe('https://site-bucket.s3.ap-southeast-2.amazonaws.com/_shellfront/channels/production.json');
  });
});

describe('parseS3Domain', () => {
  it.each([
    ['shellfront-site.s3.eu-west-1.amazonaws.com', { bucket: 'shellfront-site', region: 'eu-west-1' }],
    ['my-bucket.s3.amazonaws.com', { bucket: 'my-bucket', region: 'us-east-1' }],
    ['my.dotted.bucket.s3.us-west-2.amazonaws.com', { bucket: 'my.dotted.bucket', region: 'us-west-2' }],
    ['legacy.s3-eu-central-1.amazonaws.com', { bucket: 'legacy', region: 'eu-central-1' }],
    ['dual.s3.dualstack.us-gov-west-1.amazonaws.com', { bucket: 'dual', region: 'us-gov-west-1' }],
    ['China-Site.s3.cn-north-1.amazonaws.com.cn', { bucket: 'china-site', region: 'cn-north-1' }],
  ])('reads %s', (domain, expected) => {
    expect(parseS3Domain(domain)).toEqual(expected);
  });

  it.each([
    'example.org',
    'site.s3-website-us-east-1.amazonaws.com',
    's3.amazonaws.com',
    'a.s3.us-east-1.amazonaws.com.evil.com',
    'x_y.s3.amazonaws.com',
  ])('refuses %s', (domain) => {
    expect(parseS3Domain(domain)).toBeUndefined();
  });
});

describe('originOf', () => {
  const request = (domainName: string, region?: string) =>
    ({
      uri: '/',
      method: 'GET',
      querystring: '',
      headers: {},
      clientIp: '203.0.113.1',
      origin: { s3: { domainName, region, authMethod: 'origin-access-identity', path: '', customHeaders: {} } },
    }) as unknown as CloudFrontRequest;

  it('prefers the region CloudFront names in the event (the global endpoint says nothing of it)', () => {
    expect(originOf(request('site.s3.amazonaws.com', 'eu-west-1'))).toMatchObject({ bucket: 'site', region: 'eu-west-1' });
    expect(originOf(request('site.s3.amazonaws.com'))).toMatchObject({ region: 'us-east-1' });
    expect(originOf(request('site.s3.ap-southeast-2.amazonaws.com', 'ap-southeast-2'))).toMatchObject({ region: 'ap-southeast-2' });
    expect(originOf(request('site.s3.amazonaws.com', 'not a region'))).toMatchObject({ region: 'us-east-1' });
  });
});

describe('response rules', () => {
  it('drops disallowed and read-only headers from generated responses', () => {
    const headers: Record<string, string> = { 'content-type': 'text/plain', 'x-edge-location': 'x', 'x-amz-cf-pop': 'y' };
    for (const name of [...DISALLOWED_HEADERS, ...READ_ONLY_ORIGIN_REQUEST_HEADERS]) headers[name] = 'v';
    const response = toCloudFrontResponse({ status: 200, headers, body: 'ok' });
    expect(Object.keys(response.headers)).toEqual(['content-type']);
  });

  it('capitalises header keys for display', () => {
    expect(displayName('content-type')).toBe('Content-Type');
    expect(displayName('etag')).toBe('ETag');
    expect(displayName('x-shellfront-release')).toBe('X-Shellfront-Release');
  });
});
