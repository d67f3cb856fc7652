import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEdgeHandler } from '../../lambda/edge/handler.ts';
import { DEFAULT_EDGE_CONFIG } from '../../contracts/edge-config.ts';
import { STATIC_FILE_EXTENSIONS } from '../../contracts/static-files.ts';
import { handleRequest } from '../../lambda/core/handle.ts';
import { looksLikeFile } from '../../lambda/core/route.ts';
import { prepareRelease } from '../../lambda/core/shell.ts';
import type { CloudFrontRequest, CloudFrontResultResponse } from '../../lambda/edge/types.ts';
import { fakeS3, fileEntry, makeManifest, makeRelease, manualClock, s3Event } from './helpers.ts';

const release = makeRelease({
  id: 'r1',
  assetPrefixes: ['assets/', 'js/'],
  files: [fileEntry('favicon.svg'), fileEntry('robots.txt'), fileEntry('img/a b.png')],
});

function handler() {
  const s3 = fakeS3();
  s3.put('manifest.json', makeManifest(release));
  const clock = manualClock();
  return createEdgeHandler({ env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, now: clock.now, log: () => {}, httpGet: s3.get });
}

const piece = fc.constantFrom(
  '',
  '/',
  '//',
  '.',
  '..',
  '%2e',
  '%2E%2e',
  '%2f',
  '%5c',
  '%00',
  '%',
  '%zz',
  '%C3%A9',
  '%252e',
  '\\',
  '\u0000',
  '\n',
  'assets',
  'assets/',
  'js/',
  'releases',
  'releases/',
  'manifest.json',
  'favicon.svg',
  'robots.txt',
  'img/a%20b.png',
  'index.html',
  'r1',
  'r1.json',
  'a.js',
  'x',
  '?',
  '#',
  ' ',
  'é',
  '\u2028',
  '~',
  '+',
  ';',
);
const uri = fc.oneof(
  fc.array(piece, { maxLength: 12 }).map((parts) => `/${parts.join('')}`),
  fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('')),
  fc.string({ maxLength: 64 }).map((text) => `/${text}`),
  fc.string({ unit: 'binary', maxLength: 64 }).map((text) => `/${text}`),
  fc.webPath(),
  fc.nat({ max: 3000 }).map((n) => `/${'a'.repeat(n)}`),
);

describe('routing over arbitrary URIs', () => {
  it('never answers 5xx and never rewrites outside releases/<id>/ or an asset prefix', async () => {
    const handle = handler();
    await fc.assert(
      fc.asyncProperty(uri, fc.constantFrom('GET', 'HEAD'), async (path, method) => {
        const result = await handle(s3Event({ uri: path, method }));
        if ('status' in result) {
          const response = result as CloudFrontResultResponse;
          expect(Number(response.status)).toBeLessThan(500);
          if (response.status === '200') {
            // The shell only for paths that do not look like files (or /index.html).
            expect(path === '/index.html' || !looksLikeFile(decodeURIComponent(path))).toBe(true);
          }
          return;
        }
        const forwarded = (result as CloudFrontRequest).uri;
        const decoded = decodeURIComponent(forwarded);
        expect(decoded.split('/')).not.toContain('..');
        if (forwarded === path) {
          expect(['/assets/', '/js/'].some((prefix) => decoded.startsWith(prefix))).toBe(true);
        } else {
          expect(decoded.startsWith('/releases/r1/')).toBe(true);
          expect(release.files.map((file) => `/releases/r1/${file.path}`)).toContain(decoded);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('dotted client routes and file extensions', () => {
  const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,10}$/);
  const extension = fc.oneof(fc.constantFrom(...STATIC_FILE_EXTENSIONS), fc.stringMatching(/^[a-z0-9]{1,8}$/));
  const extra = fc.uniqueArray(fc.stringMatching(/^[a-z0-9]{1,8}$/), { maxLength: 3 });

  it('a missing path is a file (404) exactly when its extension is known or added by the release, else the shell', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 3 }), segment, extension, extra, async (folders, stem, ext, added) => {
        const prepared = prepareRelease(
          makeManifest(makeRelease({ id: 'r1', assetPrefixes: ['assets/'], ...(added.length ? { fileExtensions: added } : {}) })),
        );
        const path = `/${[...folders, `${stem}.${ext}`].join('/')}`;
        const result = await handleRequest(
          { method: 'GET', path },
          { config: DEFAULT_EDGE_CONFIG, manifest: async () => ({ kind: 'ready', release: prepared }) },
        );
        const isFile = STATIC_FILE_EXTENSIONS.has(ext.toLowerCase()) || added.includes(ext);
        const status = result.kind === 'respond' ? result.response.status : 'pass';
        expect(status).toBe(path.startsWith('/assets/') ? 'pass' : isFile ? 404 : 200);
      }),
      { numRuns: 1000 },
    );
  });
});
