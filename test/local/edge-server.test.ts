// The local edge against a real s3rver and the sample API, with a stand-in handler: checks the
// behavior routing, the event the handler receives and how its results reach the viewer.
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSET_CACHE_CONTROL } from '../../contracts/release.ts';
import { behaviorTable, CONFIG_HEADERS, configHeaders, securityHeaders } from '../../contracts/edge-config.ts';
import { startApiServer, type RunningApiServer } from '../../local/api-server.ts';
import type { CfRequest, CfResponse, OriginRequestEvent } from '../../local/cloudfront-event.ts';
import { startLocalEdge, type RunningEdge } from '../../local/edge-listen.ts';
import { LOCAL_REGION, S3RVER_CREDENTIALS, startS3Server, type RunningS3Server } from '../../local/s3-server.ts';
import { S3Origin } from '../../local/s3-origin.ts';

const BUCKET = 'edge-test';
const security = securityHeaders();
const events: OriginRequestEvent[] = [];

// Stands in for dist/edge/index.mjs: the shell for client routes, a rewrite for the favicon,
// a 404 for other files, and two broken results.
async function handler(event: OriginRequestEvent): Promise<CfRequest | CfResponse> {
  events.push(event);
  const request = event.Records[0]!.cf.request;
  if (request.uri === '/favicon.svg') return { ...request, uri: '/releases/r1/favicon.svg' };
  if (request.uri === '/throws') throw new Error('boom');
  if (request.uri === '/invalid') return { status: 'two hundred' };
  if (/\.[a-z0-9]+$/i.test(request.uri) && request.uri !== '/index.html') {
    return { status: '404', headers: { 'content-type': [{ key: 'Content-Type', value: 'text/plain' }] }, body: 'Not found' };
  }
  return {
    status: '200',
    headers: {
      'content-type': [{ key: 'Content-Type', value: 'text/html; charset=utf-8' }],
      'x-frame-options': [{ key: 'X-Frame-Options', value: 'SAMEORIGIN' }],
    },
    body: `<!doctype html><p>shell for ${request.uri}</p>`,
  };
}

let dir: string;
let s3: RunningS3Server;
let api: RunningApiServer;
let edge: RunningEdge;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shellfront-edge-'));
  s3 = await startS3Server({ directory: dir, buckets: [BUCKET] });
  api = await startApiServer();
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: LOCAL_REGION,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const put = (Key: string, Body: string, ContentType: string, CacheControl: string) =>
    client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body, ContentType, CacheControl }));
  await put('assets/index-abc123.js', 'console.log("hi")', 'text/javascript', ASSET_CACHE_CONTROL);
  await put('releases/r1/favicon.svg', '<svg/>', 'image/svg+xml', 'public, max-age=60');
  await put('manifest.json', '{}', 'application/json', 'no-cache');
  client.destroy();
  edge = await startLocalEdge({
    port: 0,
    table: behaviorTable(),
    s3: new S3Origin({ endpoint: s3.endpoint, bucket: BUCKET, region: LOCAL_REGION, credentials: S3RVER_CREDENTIALS }),
    region: LOCAL_REGION,
    apiOrigin: api.url,
    handler,
    customHeaders: configHeaders({ manifestTtlSeconds: 2 }),
    securityHeaders: security,
  });
});

afterAll(async () => {
  await edge?.stop();
  await api?.stop();
  await s3?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A GET with the path sent exactly as given (no URL normalization on the way). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: edge.port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.once('error', reject);
    req.end();
  });
}

function expectSecurityHeaders(response: Response) {
  for (const [name, value] of Object.entries(security)) expect(response.headers.get(name)).toBe(value);
}

describe('API behavior', () => {
  it('proxies method, headers, query and body untouched, and the status back', async () => {
    const response = await fetch(`${edge.url}/api/echo?x=1`, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', 'x-custom': 'kept', cookie: 'session=1' },
      body: 'payload',
    });
    expect(response.status).toBe(200);
    const echo = await response.json();
    expect(echo).toMatchObject({ method: 'PUT', path: '/api/echo', query: '?x=1', body: 'payload' });
    expect(echo.headers).toMatchObject({
      'x-custom': 'kept',
      cookie: 'session=1',
      'content-type': 'text/plain',
      host: new URL(api.url).host,
    });
    expect(echo.headers.via).toContain('shellfront-local');
    expectSecurityHeaders(response);
  });

  it('keeps the API 404 a JSON 404 (the SPA fallback never sees /api/*)', async () => {
    const response = await fetch(`${edge.url}/api/no/such/thing`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ error: 'not_found' });
    expect(events.some((event) => event.Records[0]!.cf.request.uri.startsWith('/api'))).toBe(false);
  });

  it('passes the API errors and created statuses through', async () => {
    expect((await fetch(`${edge.url}/api/boom`)).status).toBe(500);
    const created = await fetch(`${edge.url}/api/runs`, { method: 'POST', body: JSON.stringify({ pipeline: 'churn-model' }) });
    expect(created.status).toBe(201);
  });
});

describe('asset behavior', () => {
  it('serves the object from S3 with its metadata', async () => {
    const response = await fetch(`${edge.url}/assets/index-abc123.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript');
    expect(response.headers.get('cache-control')).toBe(ASSET_CACHE_CONTROL);
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]+"$/);
    expect(await response.text()).toBe('console.log("hi")');
    expectSecurityHeaders(response);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const etag = (await fetch(`${edge.url}/assets/index-abc123.js`)).headers.get('etag') as string;
    const response = await fetch(`${edge.url}/assets/index-abc123.js`, { headers: { 'if-none-match': etag } });
    expect(response.status).toBe(304);
  });

  it('answers S3 404 for a missing asset, never HTML, without calling the handler', async () => {
    const before = events.length;
    const response = await fetch(`${edge.url}/assets/missing-000.js`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).not.toMatch(/html/);
    expect(events.length).toBe(before);
  });

  it('refuses methods other than GET and HEAD like CloudFront', async () => {
    expect((await fetch(`${edge.url}/assets/index-abc123.js`, { method: 'DELETE' })).status).toBe(403);
    expect((await fetch(`${edge.url}/runs`, { method: 'POST', body: 'x' })).status).toBe(403);
  });
});

describe('default behavior (the handler)', () => {
  it('sends the handler a CloudFront event carrying the config headers and the S3 origin', async () => {
    events.length = 0;
    const response = await fetch(`${edge.url}/runs/7/steps/train?tab=log`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('shell for /runs/7/steps/train');
    const request = events[0]?.Records[0]!.cf.request;
    expect(request).toMatchObject({ method: 'GET', uri: '/runs/7/steps/train', querystring: 'tab=log' });
    expect(request?.origin?.s3?.domainName).toBe(`${BUCKET}.s3.us-east-1.amazonaws.com`);
    expect(request?.origin?.s3?.customHeaders![CONFIG_HEADERS.manifestTtlSeconds]?.[0]?.value).toBe('2');
  });

  it('applies the security headers over what the handler set', async () => {
    const response = await fetch(`${edge.url}/`);
    expect(await response.text()).toContain('shell for /index.html');
    expectSecurityHeaders(response);
  });

  it('fetches a returned request from S3 at its rewritten URI', async () => {
    const response = await fetch(`${edge.url}/favicon.svg`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    expect(await response.text()).toBe('<svg/>');
  });

  it('sends a returned response as is', async () => {
    const response = await fetch(`${edge.url}/manifest.json`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('Not found');
  });

  it('matches behaviors on the normalized path but hands the handler the raw one', async () => {
    // fetch() would resolve the dot segments itself: send the path as is.
    const before = events.length;
    const response = await rawGet('/assets/%2e%2e/runs');
    expect(events.length).toBe(before + 1);
    expect(events.at(-1)?.Records[0]!.cf.request.uri).toBe('/assets/%2e%2e/runs');
    expect(response.status).toBe(200);
  });

  it('refuses on asset paths what the handler refuses (dot segments, NUL and control characters, bad encoding): 400, never s3rver', async () => {
    for (const path of [
      '/assets/%2e%2e/assets/index-abc123.js',
      '/assets/x/%2E%2E/index-abc123.js',
      '/assets/..%2Findex-abc123.js',
      '/assets/index-abc123.js%00',
      '/assets/a%0Ab.js',
      '/assets/%E0%A4%A.js',
    ]) {
      const response = await rawGet(path);
      expect(response.status, path).toBe(400);
      expect(response.body, path).not.toContain('console.log');
    }
    expect((await rawGet('/assets/index-abc123.js')).status).toBe(200);
  });

  it('answers 503 when the handler throws and 502 when its response is invalid', async () => {
    expect((await fetch(`${edge.url}/throws`)).status).toBe(503);
    const invalid = await fetch(`${edge.url}/invalid`);
    expect(invalid.status).toBe(502);
    expect(await invalid.text()).toMatch(/LambdaValidationError/);
  });

  it('answers HEAD without a body', async () => {
    const response = await fetch(`${edge.url}/favicon.svg`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });
});
