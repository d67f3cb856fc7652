import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RedirectRule } from '../../contracts/rules.ts';
import { CompiledRules } from '../../lambda/core/rules.ts';
import { createEdgeHandler } from '../../lambda/edge/handler.ts';
import type { CloudFrontRequest, CloudFrontResultResponse } from '../../lambda/edge/types.ts';
import { fakeS3, fileEntry, makeManifest, makeRelease, manualClock, s3Event } from './helpers.ts';

// A small alphabet so that generated rules and paths collide often.
const word = fc.constantFrom('a', 'b', 'shop', 'run.1', 'x');
const segment = fc.oneof(word, fc.constantFrom(':p', ':q'));
const patternArb = fc.tuple(fc.array(segment, { maxLength: 3 }), fc.boolean()).map(([segments, splat]) => {
  const seen = new Set<string>();
  const unique = segments.filter((s) => !s.startsWith(':') || (!seen.has(s) && seen.add(s)));
  return `/${[...unique, ...(splat ? ['*'] : [])].join('/')}`;
});
const pathArb = fc
  .tuple(fc.array(word, { maxLength: 4 }), fc.boolean())
  .map(([parts, slash]) => `/${parts.join('/')}${slash && parts.length ? '/' : ''}`);

/** The obvious reading of "first match wins": a linear scan with a string-split matcher. */
function reference(rules: readonly RedirectRule[], path: string): number | undefined {
  const parts = path
    .replace(/\/$/, '')
    .split('/')
    .slice(1)
    .filter((p, i, all) => !(all.length === 1 && p === ''));
  for (let index = 0; index < rules.length; index++) {
    const raw = (rules[index] as RedirectRule).from
      .split('/')
      .slice(1)
      .filter((p, i, all) => !(all.length === 1 && p === ''));
    const splat = raw[raw.length - 1] === '*';
    const fixed = splat ? raw.slice(0, -1) : raw;
    if (splat ? parts.length < fixed.length : parts.length !== fixed.length) continue;
    if (fixed.every((p, i) => p.startsWith(':') || p === parts[i])) return index;
  }
  return undefined;
}

describe('compiled rules against a linear scan', () => {
  it('pick the same (first) rule for every path', () => {
    fc.assert(
      fc.property(fc.array(patternArb, { maxLength: 40 }), fc.array(pathArb, { minLength: 1, maxLength: 20 }), (patterns, paths) => {
        const rules: RedirectRule[] = patterns.map((from, index) => ({
          line: index + 1,
          from,
          to: `/to/${index}`,
          status: 302,
          force: false,
        }));
        const compiled = new CompiledRules({ redirects: rules, headers: [] });
        for (const path of paths) {
          const expected = reference(rules, path);
          const hit = compiled.redirect(path, false, '');
          expect(hit === undefined ? undefined : Number((hit as { location: string }).location.slice(4))).toBe(expected);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('apply every matching header block, in file order', () => {
    fc.assert(
      fc.property(fc.array(patternArb, { maxLength: 20 }), pathArb, (patterns, path) => {
        const compiled = new CompiledRules({
          redirects: [],
          headers: patterns.map((pattern, index) => ({ line: index + 1, for: pattern, headers: { 'x-rule': String(index) } })),
        });
        const expected = patterns
          .map((from, index) => ({ from, index }))
          .filter(({ from }) => reference([{ line: 1, from, to: '/', status: 301, force: false }], path) === 0)
          .map(({ index }) => String(index));
        expect(compiled.headersFor(path)?.['x-rule']).toBe(expected.length ? expected.join(', ') : undefined);
      }),
      { numRuns: 500 },
    );
  });
});

describe('routing with rules over arbitrary URIs', () => {
  const release = makeRelease({
    id: 'r1',
    assetPrefixes: ['assets/'],
    files: [fileEntry('favicon.svg'), fileEntry('404.html')],
    notFoundPage: '<h1>404</h1>',
    rules: {
      redirects: [
        { line: 1, from: '/go/*', to: '/:splat', status: 302, force: false },
        { line: 2, from: '/raw/*', to: '/:splat', status: 200, force: false },
        { line: 3, from: '/ext/:id', to: 'https://example.com/:id', status: 301, force: false },
        { line: 4, from: '/gone/*', to: '/404.html', status: 404, force: false },
      ],
      headers: [{ line: 1, for: '/*', headers: { 'x-frame-test': '1' } }],
    },
  });
  const s3 = fakeS3();
  s3.put('manifest.json', makeManifest(release));
  const handle = createEdgeHandler({
    env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' },
    now: manualClock().now,
    log: () => {},
    httpGet: s3.get,
  });
  const tail = fc.oneof(
    fc.webPath(),
    fc.constantFrom(
      '/manifest.json',
      '/releases/r1.json',
      '/..%2f..%2fetc',
      '/%2e%2e/x',
      '//evil.example.com',
      '/\\evil',
      '/favicon.svg',
      '/a b',
    ),
  );
  const uri = fc
    .tuple(fc.constantFrom('/go', '/raw', '/ext', '/gone', ''), tail)
    .map(([head, rest]) => `${head}${rest.startsWith('/') ? rest : `/${rest}`}`);

  it('never answers 5xx, never redirects off-site from a relative rule, never rewrites outside the release', async () => {
    await fc.assert(
      fc.asyncProperty(uri, fc.constantFrom('', 'a=1', 'x=%2F%2Fevil'), async (path, querystring) => {
        const result = await handle(s3Event({ uri: path, querystring }));
        if ('status' in result) {
          const response = result as CloudFrontResultResponse;
          expect(Number(response.status)).toBeLessThan(500);
          const location = response.headers?.location?.[0]?.value;
          if (location !== undefined && path.startsWith('/go/')) {
            expect(location.startsWith('/')).toBe(true);
            expect(location.startsWith('//')).toBe(false);
            expect(location.startsWith('/\\')).toBe(false);
          }
          if (location !== undefined && path.startsWith('/ext/')) expect(location.startsWith('https://example.com/')).toBe(true);
          return;
        }
        const forwarded = decodeURIComponent((result as CloudFrontRequest).uri);
        expect(forwarded.split('/')).not.toContain('..');
        expect(forwarded === '/releases/r1/favicon.svg' || forwarded === '/releases/r1/404.html' || forwarded.startsWith('/assets/')).toBe(
          true,
        );
        expect((result as CloudFrontRequest).querystring).toBe('');
      }),
      { numRuns: 2000 },
    );
  });
});
