import { describe, expect, it } from 'vitest';
import { DEFAULT_EDGE_CONFIG } from '../../contracts/edge-config.ts';
import { RELEASE_HEADER } from '../../contracts/release.ts';
import { handleRequest, type CoreContext } from '../../lambda/core/handle.ts';
import { prepareRelease } from '../../lambda/core/shell.ts';
import type { ManifestLookup, PlainRequest } from '../../lambda/core/types.ts';
import { fileEntry, makeManifest, makeRelease } from './helpers.ts';

const release = prepareRelease(
  makeManifest(
    makeRelease({
      assetPrefixes: ['assets/', 'js/'],
      files: [fileEntry('favicon.svg'), fileEntry('robots.txt'), fileEntry('img/logo one.png'), fileEntry('café.txt')],
    }),
  ),
);

function context(lookup: ManifestLookup = { kind: 'ready', release }, config = DEFAULT_EDGE_CONFIG): CoreContext & { calls: number } {
  const ctx = {
    config,
    calls: 0,
    manifest: async () => {
      ctx.calls += 1;
      return lookup;
    },
  };
  return ctx;
}

function get(path: string, method = 'GET'): PlainRequest {
  return { method, path };
}

async function status(path: string, ctx = context(), method = 'GET'): Promise<number | string> {
  const result = await handleRequest(get(path, method), ctx);
  return result.kind === 'respond' ? result.response.status : `pass ${result.path}`;
}

describe('routing', () => {
  it.each(['/', '/index.html', '/about', '/users/42', '/users/42/', '/deep/client/route', '/v1.2/page', '/.well-known/thing'])(
    'serves the shell for %s',
    async (path) => {
      const result = await handleRequest(get(path), context());
      expect(result).toMatchObject({ kind: 'respond', response: { status: 200, body: release.page } });
    },
  );

  it('rewrites a file of the release into releases/<id>/ and keeps the URI encoding S3 needs', async () => {
    expect(await status('/favicon.svg')).toBe('pass /releases/r1/favicon.svg');
    expect(await status('/robots.txt')).toBe('pass /releases/r1/robots.txt');
    expect(await status('/img/logo%20one.png')).toBe('pass /releases/r1/img/logo%20one.png');
    expect(await status('/caf%C3%A9.txt')).toBe('pass /releases/r1/caf%C3%A9.txt');
  });

  it('passes paths under an asset prefix through to S3 with the URI unchanged', async () => {
    expect(await status('/assets/index-abc123.js')).toBe('pass /assets/index-abc123.js');
    expect(await status('/assets/old-chunk-from-last-week.js')).toBe('pass /assets/old-chunk-from-last-week.js');
    expect(await status('/js/app.7bfe0aac.js')).toBe('pass /js/app.7bfe0aac.js');
  });

  it.each(['/missing.js', '/app.css', '/favicon.ico', '/about/index.html', '/.env', '/api.json', '/assetsx/a.js'])(
    'answers 404 for the file-like path %s that is not in the release, never the shell',
    async (path) => {
      const result = await handleRequest(get(path), context());
      expect(result.kind).toBe('respond');
      if (result.kind !== 'respond') return;
      expect(result.response.status).toBe(404);
      expect(result.response.body).not.toContain('<div id="app">');
      expect(result.response.headers['content-type']).toBe('text/html; charset=utf-8');
    },
  );

  it.each(['/users/jane.doe', '/v/1.2.3', '/blog/my.post', '/runs/run.2026-11-24.1', '/files/report.final', '/@scope/pkg.name'])(
    'serves the shell for the dotted client route %s (only known static-file extensions mean a file)',
    async (path) => {
      const result = await handleRequest(get(path), context());
      expect(result.kind === 'respond' && result.response.status).toBe(200);
      expect(result.kind === 'respond' && result.response.body).toContain('<div id="app">');
    },
  );

  it("serves the app's own 404.html (from the release) with status 404 for a missing file", async () => {
    const withPage = context({
      kind: 'ready',
      release: prepareRelease(makeManifest(makeRelease({ notFoundPage: '<!doctype html><h1>Lost? Try the runs.</h1>' }))),
    });
    const result = await handleRequest(get('/missing.js'), withPage);
    expect(result.kind === 'respond' && result.response).toMatchObject({
      status: 404,
      body: '<!doctype html><h1>Lost? Try the runs.</h1>',
      headers: { 'cache-control': 'public, max-age=0, s-maxage=10', 'content-type': 'text/html; charset=utf-8' },
    });
    const head = await handleRequest(get('/missing.js', 'HEAD'), withPage);
    expect(head.kind === 'respond' && head.response.body).toBe('');
  });

  it('answers 404 for release records without reading the manifest', async () => {
    const ctx = context();
    expect(await status('/releases/r1.json', ctx)).toBe(404);
    expect(await status('/releases/r1/favicon.svg', ctx)).toBe(404);
    expect(await status('/releases/', ctx)).toBe(404);
    expect(ctx.calls).toBe(0);
  });

  it('answers 404 under _shellfront/ (the channel pointers) before loading the manifest', async () => {
    const ctx = context();
    expect(await status('/_shellfront/channels/production.json', ctx)).toBe(404);
    expect(await status('/_shellfront/', ctx)).toBe(404);
    expect(ctx.calls).toBe(0);
  });

  it.each(['/../x', '/%2e%2e/manifest.json', '/a%00', '/a%zz', `/${'a'.repeat(3000)}`])('answers 400 for %s', async (path) => {
    const ctx = context();
    expect(await status(path, ctx)).toBe(400);
    expect(ctx.calls).toBe(0);
  });
});

describe('methods', () => {
  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'])('answers 405 with Allow for %s', async (method) => {
    const result = await handleRequest(get('/', method), context());
    expect(result).toMatchObject({ kind: 'respond', response: { status: 405, headers: { allow: 'GET, HEAD' } } });
  });

  it('answers HEAD with the headers and no body', async () => {
    const head = await handleRequest(get('/about', 'HEAD'), context());
    const full = await handleRequest(get('/about'), context());
    expect(head.kind === 'respond' && full.kind === 'respond').toBe(true);
    if (head.kind !== 'respond' || full.kind !== 'respond') return;
    expect(head.response.status).toBe(200);
    expect(head.response.body).toBe('');
    expect(head.response.headers).toEqual(full.response.headers);
    const missing = await handleRequest(get('/nope.js', 'HEAD'), context());
    expect(missing).toMatchObject({ kind: 'respond', response: { status: 404, body: '' } });
  });
});

describe('shell response', () => {
  it('has the content type, revalidating cache control, ETag and release header', async () => {
    const config = { ...DEFAULT_EDGE_CONFIG, shellCdnSeconds: 30 };
    const result = await handleRequest(get('/'), context(undefined, config));
    expect(result).toMatchObject({
      kind: 'respond',
      response: {
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'public, max-age=0, must-revalidate, s-maxage=30',
          etag: release.etag,
          [RELEASE_HEADER]: 'r1',
        },
      },
    });
  });
});

describe('without a manifest', () => {
  it('answers 503 "no release yet" when the bucket has no manifest, 404 for files', async () => {
    const ctx = context({ kind: 'missing' });
    const result = await handleRequest(get('/'), ctx);
    expect(result).toMatchObject({
      kind: 'respond',
      response: { status: 503, headers: { 'cache-control': 'no-store', 'retry-after': '60' } },
    });
    if (result.kind === 'respond') expect(result.response.body).toContain('No release is deployed yet');
    expect(await status('/app.js', ctx)).toBe(404);
  });

  it('answers 503 with Retry-After and no-store when the manifest was never loaded and S3 fails', async () => {
    const result = await handleRequest(get('/about'), context({ kind: 'unavailable', retryAfterMs: 1500 }));
    expect(result).toMatchObject({
      kind: 'respond',
      response: { status: 503, headers: { 'cache-control': 'no-store', 'retry-after': '2' } },
    });
    if (result.kind !== 'respond') return;
    expect(result.response.body).not.toMatch(/at .*\(|Error:/);
    expect(result.response.body.length).toBeLessThan(400);
  });
});
