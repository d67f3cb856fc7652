import { describe, expect, it } from 'vitest';
import { DEFAULT_EDGE_CONFIG } from '../../contracts/edge-config.ts';
import { parseManifest, RELEASE_HEADER } from '../../contracts/release.ts';
import type { HeaderRule, RedirectRule } from '../../contracts/rules.ts';
import { handleRequest } from '../../lambda/core/handle.ts';
import { CompiledRules, pathParts } from '../../lambda/core/rules.ts';
import { prepareRelease } from '../../lambda/core/shell.ts';
import { toCloudFrontResponse } from '../../lambda/edge/adapter.ts';
import type { PlainResponse } from '../../lambda/core/types.ts';
import { fileEntry, makeManifest, makeRelease } from './helpers.ts';

const NOT_FOUND_PAGE = '<!doctype html><h1>Our own 404</h1>';

function redirects(...lines: [from: string, to: string, status?: number, force?: boolean][]): RedirectRule[] {
  return lines.map(([from, to, status = 301, force = false], index) => ({
    line: index + 1,
    from,
    to,
    status: status as RedirectRule['status'],
    force,
  }));
}

function release(rules: { redirects?: RedirectRule[]; headers?: HeaderRule[] }, extra: Record<string, unknown> = {}) {
  return prepareRelease(
    makeManifest(
      makeRelease({
        id: 'r1',
        assetPrefixes: ['assets/'],
        assets: [fileEntry('assets/app-1a2b3c4d.js')],
        files: [fileEntry('favicon.svg'), fileEntry('docs/index.html'), fileEntry('404.html')],
        notFoundPage: NOT_FOUND_PAGE,
        rules: { redirects: rules.redirects ?? [], headers: rules.headers ?? [] },
        ...extra,
      }),
    ),
  );
}

async function request(prepared: ReturnType<typeof release>, path: string, query = '', method = 'GET') {
  const result = await handleRequest(
    { method, path, query },
    { config: DEFAULT_EDGE_CONFIG, manifest: async () => ({ kind: 'ready', release: prepared }) },
  );
  return result;
}

async function respond(prepared: ReturnType<typeof release>, path: string, query = ''): Promise<PlainResponse> {
  const result = await request(prepared, path, query);
  if (result.kind !== 'respond') throw new Error(`expected a response, got a pass-through to ${result.path}`);
  // What the viewer gets: the response's own headers, and the release's `_headers` where they set nothing.
  return { ...result.response, headers: { ...result.response.extraHeaders, ...result.response.headers } };
}

describe('redirects at the edge', () => {
  it('redirects with the rule status, a relative Location, the release header and shell-like caching', async () => {
    const r = release({ redirects: redirects(['/old', '/new', 301], ['/temp', '/t', 307]) });
    const moved = await respond(r, '/old');
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe('/new');
    expect(moved.headers['cache-control']).toBe('public, max-age=0, must-revalidate, s-maxage=10');
    expect(moved.headers[RELEASE_HEADER]).toBe('r1');
    expect(moved.body).toContain('href="/new"');
    expect((await respond(r, '/temp')).status).toBe(307);
    expect((await respond(r, '/old/')).headers.location).toBe('/new');
  });

  it('fills placeholders and the splat, encoded, and keeps the query string', async () => {
    const r = release({
      redirects: redirects(['/news/:year/*', '/blog/:year/:splat', 302], ['/u/:name', 'https://people.example.com/p/:name?src=old', 308]),
    });
    expect((await respond(r, '/news/2026/a b/c', 'ref=mail&x=1')).headers.location).toBe('/blog/2026/a%20b/c?ref=mail&x=1');
    expect((await respond(r, '/news/2026')).headers.location).toBe('/blog/2026/');
    expect((await respond(r, '/u/jane.doe', 'x=1')).headers.location).toBe('https://people.example.com/p/jane.doe?src=old&x=1');
    expect((await respond(r, '/u/a?b')).headers.location).toBe('https://people.example.com/p/a%3Fb?src=old');
  });

  it('first match wins, in file order, whatever the first segment', async () => {
    const r = release({
      redirects: redirects(['/:section/special', '/first'], ['/shop/special', '/second'], ['/shop/*', '/third'], ['/*', '/fourth']),
    });
    expect((await respond(r, '/shop/special')).headers.location).toBe('/first');
    expect((await respond(r, '/shop/other')).headers.location).toBe('/third');
    expect((await respond(r, '/elsewhere')).headers.location).toBe('/fourth');
  });

  it('a file of the release shadows a rule without "!", as on Netlify; "!" forces it', async () => {
    const shadowed = release({ redirects: redirects(['/favicon.svg', '/new-icon'], ['/', '/home']) });
    expect(await request(shadowed, '/favicon.svg')).toEqual({ kind: 'pass', path: '/releases/r1/favicon.svg' });
    expect((await respond(shadowed, '/')).status).toBe(200);
    const forced = release({ redirects: redirects(['/favicon.svg', '/new-icon', 301, true], ['/', '/home', 302, true]) });
    expect((await respond(forced, '/favicon.svg')).headers.location).toBe('/new-icon');
    expect((await respond(forced, '/')).headers.location).toBe('/home');
  });

  it('never applies under an asset folder', async () => {
    const r = release({ redirects: redirects(['/*', '/everything', 301, true]) });
    expect(await request(r, '/assets/app-1a2b3c4d.js')).toEqual({ kind: 'pass', path: '/assets/app-1a2b3c4d.js' });
  });
});

describe('rewrites and 404 rules', () => {
  it('a 200 rule serves the shell, a release file, or an asset of the same release', async () => {
    const r = release({
      redirects: redirects(['/app/*', '/index.html', 200], ['/docs', '/docs/index.html', 200], ['/js/:name', '/assets/:name', 200]),
    });
    const shell = await respond(r, '/app/x/y');
    expect(shell.status).toBe(200);
    expect(shell.headers.etag).toBeDefined();
    expect(await request(r, '/docs', 'response-content-type=x')).toEqual({ kind: 'pass', path: '/releases/r1/docs/index.html' });
    expect(await request(r, '/js/app-1a2b3c4d.js')).toEqual({ kind: 'pass', path: '/assets/app-1a2b3c4d.js' });
    expect(await request(r, '/js/missing.js')).toEqual({ kind: 'pass', path: '/assets/missing.js' });
  });

  it('a rewrite cannot reach reserved keys, whatever the placeholder holds', async () => {
    const r = release({ redirects: redirects(['/raw/*', '/:splat', 200]) });
    expect((await respond(r, '/raw/manifest.json')).status).toBe(404);
    expect((await respond(r, '/raw/releases/r1.json')).status).toBe(404);
    expect(await request(r, '/raw/favicon.svg')).toEqual({ kind: 'pass', path: '/releases/r1/favicon.svg' });
  });

  it('a 404 rule serves the app 404 page, or the shell, with status 404', async () => {
    const r = release({ redirects: redirects(['/en/*', '/404.html', 404], ['/gone/*', '/index.html', 404]) });
    const page = await respond(r, '/en/anything');
    expect([page.status, page.body]).toEqual([404, NOT_FOUND_PAGE]);
    const shell = await respond(r, '/gone/x');
    expect(shell.status).toBe(404);
    expect(shell.body).toContain('shellfront-data');
  });
});

describe('_headers at the edge', () => {
  const headers: HeaderRule[] = [
    { line: 1, for: '/embed/*', headers: { 'content-security-policy': "frame-ancestors 'self'", 'x-robots-tag': 'noindex' } },
    { line: 4, for: '/*', headers: { 'x-robots-tag': 'nosnippet', link: '</a.css>; rel=preload' } },
  ];

  it('adds every matching block in order, joining a repeated name, to the shell, 404s and redirects', async () => {
    const r = release({ headers, redirects: redirects(['/embed/old', '/embed/new']) });
    const embed = await respond(r, '/embed/chart');
    expect(embed.headers['content-security-policy']).toBe("frame-ancestors 'self'");
    expect(embed.headers['x-robots-tag']).toBe('noindex, nosnippet');
    expect((await respond(r, '/other')).headers).toMatchObject({ 'x-robots-tag': 'nosnippet', link: '</a.css>; rel=preload' });
    expect((await respond(r, '/missing.png')).headers.link).toBe('</a.css>; rel=preload');
    expect((await respond(r, '/embed/old')).headers['x-robots-tag']).toBe('noindex, nosnippet');
    expect((await respond(r, '/other')).headers['content-security-policy']).toBeUndefined();
  });

  it('the adapter sends them after the response own headers, which win', async () => {
    const response = toCloudFrontResponse({
      status: 200,
      headers: { 'content-type': 'text/html' },
      extraHeaders: { 'content-type': 'x', link: '<a>' },
      body: '',
    });
    expect(response.headers).toEqual({
      'content-type': [{ key: 'Content-Type', value: 'text/html' }],
      link: [{ key: 'Link', value: '<a>' }],
    });
  });

  it('leaves pass-throughs alone (S3 files get the stack policy only)', async () => {
    expect(await request(release({ headers }), '/favicon.svg')).toEqual({ kind: 'pass', path: '/releases/r1/favicon.svg' });
  });
});

describe('release extras', () => {
  it('fileExtensions make more paths files: 404 instead of the shell', async () => {
    const plain = release({});
    const extended = release({}, { fileExtensions: ['usdz'] });
    expect((await respond(plain, '/models/chair.usdz')).status).toBe(200);
    expect((await respond(extended, '/models/chair.usdz')).status).toBe(404);
    expect((await respond(extended, '/runs/run.2026-11-24.1')).status).toBe(200);
  });

  it('a record without rules (older CLI) still parses and serves', async () => {
    const old = makeRelease({ id: 'old' });
    const text = JSON.stringify(makeManifest(old));
    expect(parseManifest(text).release.rules).toBeUndefined();
    expect(new CompiledRules(undefined).redirect('/x', false, '')).toBeUndefined();
  });

  it('a manifest with a forbidden header or a regex-like pattern is refused like any bad manifest', () => {
    const bad = (rules: unknown) => JSON.stringify(makeManifest({ ...makeRelease({ id: 'b' }), rules } as never));
    expect(() => parseManifest(bad({ redirects: [], headers: [{ line: 1, for: '/*', headers: { 'set-cookie': 'a=1' } }] }))).toThrow(
      /manifest\.release\.rules\.headers\[0\]: set-cookie: set-cookie may not be set here/,
    );
    expect(() =>
      parseManifest(bad({ redirects: [{ line: 1, from: '/(a+)+$', to: '/x', status: 301, force: false }], headers: [] })),
    ).not.toThrow();
    expect(() => parseManifest(bad({ redirects: [{ line: 1, from: '/a*', to: '/x', status: 301, force: false }], headers: [] }))).toThrow(
      /must be a whole segment/,
    );
    expect(() => parseManifest(bad({ redirects: [{ line: 1, from: '/a', to: '/x', status: 418, force: false }], headers: [] }))).toThrow(
      /status 418/,
    );
  });

  it('pathParts ignores one trailing slash', () => {
    expect(pathParts('/')).toEqual([]);
    expect(pathParts('/a/b/')).toEqual(['a', 'b']);
  });
});

describe('no open redirect from a relative rule', () => {
  it('a splat that starts with slashes still lands on this site', () => {
    const compiled = new CompiledRules({ redirects: redirects(['/go/*', '/:splat', 302]), headers: [] });
    expect(compiled.redirect('/go//evil.example.com/x', false, '')).toEqual({
      kind: 'redirect',
      status: 302,
      location: '/evil.example.com/x',
    });
    expect(compiled.redirect('/go/\\evil.example.com', false, '')).toEqual({
      kind: 'redirect',
      status: 302,
      location: '/%5Cevil.example.com',
    });
  });
});
