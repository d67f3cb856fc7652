/**
 * What a new user hit on day one: a build that references missing files went live; a web app
 * manifest.json was taken for a webpack manifest; a Create React App build lost old-tab safety.
 */
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectBuild } from '../../cli/build/build-kind.ts';
import { deploy } from '../../cli/commands/deploy.ts';
import { verify } from '../../cli/commands/verify.ts';
import { scanDist } from '../../cli/build/dist.ts';
import { EXIT, IncompleteReleaseError, InputError } from '../../cli/shared/errors.ts';
import { shellReferences, sitePath, viteManifestReferences } from '../../cli/build/references.ts';
import { assetPatternProblem } from '../../contracts/edge-config.ts';
import { nextManifest, validateReleaseRecord } from '../../contracts/release.ts';
import { channelPointerKey } from '../../contracts/channels.ts';

const POINTER_KEY = channelPointerKey('production');
import { body, noSleep, s3Error } from './helpers.ts';

const made: string[] = [];
function build(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'shellfront-build-'));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
afterEach(() => {
  for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true });
});

const page = (head: string) => `<!doctype html><html><head>${head}</head><body><div id="app"></div></body></html>`;
const VITE_SHELL = page(
  '<script type="module" src="/assets/index-CGELnclK.js"></script><link rel="stylesheet" href="/assets/index-B2xQ0mFp.css">',
);

describe('shellReferences', () => {
  it('finds scripts, stylesheets, module preloads, icons and the web app manifest', () => {
    const html = page(
      '<link rel="icon" href="/favicon.svg"><link rel="modulepreload" href="/assets/vendor-AbCdEf12.js">' +
        '<link rel="stylesheet" href="/assets/a-12345678.css?v=1#x"><script src="/assets/a-87654321.js"></script>' +
        '<link rel="manifest" href="/site.webmanifest"><link rel="preconnect" href="/api/"><link rel="canonical" href="/about">',
    );
    expect(shellReferences(html).map((ref) => ref.path)).toEqual([
      'favicon.svg',
      'assets/vendor-AbCdEf12.js',
      'assets/a-12345678.css',
      'assets/a-87654321.js',
      'site.webmanifest',
    ]);
  });

  it('skips other hosts, data and blob URLs, inline scripts and commented-out tags', () => {
    const html = page(
      '<script src="https://cdn.example.com/lib.js"></script><script src="//cdn.example.com/x.js"></script>' +
        '<link rel="icon" href="data:image/png;base64,AAAA"><script>var s = "<script src=/no.js>"</script>' +
        '<!-- <script src="/commented.js"></script> -->',
    );
    expect(shellReferences(html)).toEqual([]);
  });

  it('resolves relative URLs against <base href>, else the root, and decodes entities and percent-encoding', () => {
    expect(shellReferences(page('<base href="/app/"><script src="assets/x-12345678.js"></script>')).map((r) => r.path)).toEqual([
      'app/assets/x-12345678.js',
    ]);
    expect(shellReferences(page('<script src="./assets/a%20b.js?x=1&amp;y=2"></script>')).map((r) => r.path)).toEqual(['assets/a b.js']);
  });

  it('says where each reference comes from', () => {
    expect(shellReferences(VITE_SHELL)[0]?.from).toBe('index.html <script src="/assets/index-CGELnclK.js">');
  });

  it('sitePath refuses what is not a file of the site', () => {
    expect(sitePath('/')).toBeUndefined();
    expect(sitePath('#top')).toBeUndefined();
    expect(sitePath('/%E0%A4%A')).toBeUndefined();
    expect(sitePath('mailto:a@example.com')).toBeUndefined();
    expect(sitePath('/../../etc/passwd')).toBe('etc/passwd');
  });
});

describe('viteManifestReferences', () => {
  it('names every chunk file, stylesheet and asset', () => {
    const manifest = JSON.stringify({
      'index.html': {
        file: 'assets/index-CGELnclK.js',
        css: ['assets/index-B2xQ0mFp.css'],
        isEntry: true,
        dynamicImports: ['src/Run.vue'],
      },
      'src/Run.vue': { file: 'assets/Run-Dx9kq1Ze.js', assets: ['assets/logo-C5a1bT9q.svg'] },
    });
    expect(viteManifestReferences(manifest).map((ref) => ref.path)).toEqual([
      'assets/index-CGELnclK.js',
      'assets/index-B2xQ0mFp.css',
      'assets/Run-Dx9kq1Ze.js',
      'assets/logo-C5a1bT9q.svg',
    ]);
  });
  it('throws on something that is not a Vite manifest', () => {
    expect(() => viteManifestReferences('[1,2]')).toThrow(/object of chunks/);
    expect(() => viteManifestReferences('{"a": 3}')).toThrow(/not an object/);
  });
});

describe('detectBuild: by shape, never by file name', () => {
  const pwa = JSON.stringify({ name: 'Pipelines', short_name: 'Pipes', start_url: '/', display: 'standalone' });

  it('a Vite build with a web app manifest.json is a Vite build, and the manifest is an ordinary release file', async () => {
    const root = build({
      'index.html': VITE_SHELL,
      '.vite/manifest.json': JSON.stringify({ 'index.html': { file: 'assets/index-CGELnclK.js', css: ['assets/index-B2xQ0mFp.css'] } }),
      'assets/index-CGELnclK.js': 'js',
      'assets/index-B2xQ0mFp.css': 'css',
      'manifest.json': pwa,
    });
    const detected = await detectBuild(root, [
      '.vite/manifest.json',
      'assets/index-B2xQ0mFp.css',
      'assets/index-CGELnclK.js',
      'index.html',
      'manifest.json',
    ]);
    expect(detected).toMatchObject({ kind: 'vite', assetDirs: ['assets/'], metadata: ['.vite/manifest.json'] });
    const dist = await scanDist(root);
    expect(dist.files.map((file) => file.path)).toEqual(['manifest.json']);
  });

  it('a plain build whose manifest.json is a web app manifest is not a webpack build', async () => {
    const root = build({
      'index.html': VITE_SHELL,
      'assets/index-CGELnclK.js': 'js',
      'assets/index-B2xQ0mFp.css': 'css',
      'manifest.json': pwa,
    });
    const detected = await detectBuild(root, ['assets/index-B2xQ0mFp.css', 'assets/index-CGELnclK.js', 'index.html', 'manifest.json']);
    expect(detected.kind).toBe('static');
    expect(detected.metadata).toEqual([]);
  });

  it('a webpack manifest under any name is read by its shape and kept out of the upload', async () => {
    const root = build({
      'index.html': page('<script src="/js/app.7bfe0aac.js"></script>'),
      'js/app.7bfe0aac.js': 'js',
      'build-manifest.json': JSON.stringify({ 'app.js': '/js/app.7bfe0aac.js' }),
    });
    const dist = await scanDist(root);
    expect(dist.kind).toBe('webpack');
    expect(dist.skipped).toEqual(['build-manifest.json']);
    expect(dist.assetPrefixes).toEqual(['js/']);
  });

  it('a Create React App build keeps its hashed static/ files as shared assets', async () => {
    const root = build({
      'index.html': page(
        '<script defer src="/static/js/main.3f2a1b9c.js"></script><link href="/static/css/main.8e7d6c5b.css" rel="stylesheet">',
      ),
      'static/js/main.3f2a1b9c.js': 'js',
      'static/js/main.3f2a1b9c.js.map': 'map',
      'static/css/main.8e7d6c5b.css': 'css',
      'asset-manifest.json': JSON.stringify({
        files: { 'main.js': '/static/js/main.3f2a1b9c.js', 'main.css': '/static/css/main.8e7d6c5b.css', 'index.html': '/index.html' },
        entrypoints: ['static/css/main.8e7d6c5b.css', 'static/js/main.3f2a1b9c.js'],
      }),
      'manifest.json': pwa,
    });
    // Create React App's default public/manifest.json is a release file like any other (a day-one build).
    const dist = await scanDist(root);
    expect(dist.kind).toBe('cra');
    expect(dist.assetPrefixes).toEqual(['static/']);
    expect(dist.assets.map((file) => file.path)).toContain('static/js/main.3f2a1b9c.js');
    expect(dist.files.map((file) => file.path)).toEqual(['asset-manifest.json', 'manifest.json']);
    expect(dist.warnings).toEqual([]);
  });

  it('warns loudly, with the matching flags, when hashed bundles sit outside the asset folders', async () => {
    const root = build({
      'index.html': page('<script src="/bundles/app.3f2a1b9c.js"></script>'),
      'bundles/app.3f2a1b9c.js': 'js',
      'main-AB12CD34.js': 'js',
    });
    const dist = await scanDist(root);
    expect(dist.assetPrefixes).toEqual([]);
    expect(dist.warnings).toHaveLength(1);
    expect(dist.warnings[0]).toMatch(/2 content-hashed scripts or stylesheets are outside the asset folders/);
    expect(dist.warnings[0]).toMatch(/--asset-dirs bundles\/ and give the stack -c assetPathPatterns=\/bundles\/\*/);
    const fixed = await scanDist(root, { assetDirs: ['bundles/'] });
    expect(fixed.warnings[0]).toMatch(/1 content-hashed script or stylesheet is outside[\s\S]*build root/);
  });
});

describe('assetPatternProblem (stack assetPathPatterns)', () => {
  it('refuses a folder without /* and says the fix', () => {
    expect(assetPatternProblem('/assets')).toMatch(
      /not a folder pattern: write it as "\/<folder>\/\*", e\.g\. "\/assets\/\*" \(deploy with --asset-dirs assets\/\)/,
    );
    expect(assetPatternProblem('/static/js/*')).toBeUndefined();
    expect(assetPatternProblem('/*.js')).toMatch(/not a folder pattern/);
    expect(assetPatternProblem('/assets/*')).toBeUndefined();
  });
});

describe('deploy and verify refuse a broken build', () => {
  const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const s3 = mockClient(client);
  const live = validateReleaseRecord({
    schema: 1,
    id: 'r1',
    createdAt: '2026-11-22T10:00:00.000Z',
    shell: VITE_SHELL,
    assetPrefixes: ['assets/'],
    assets: [{ path: 'assets/index-CGELnclK.js', size: 2, sha256: 'a'.repeat(64), contentType: 'text/javascript' }],
    files: [],
  });
  const listed = new Set<string>();
  beforeEach(() => {
    s3.reset();
    // Absent unless a test says otherwise: the legacy manifest.json, preview pointers.
    s3.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));
    listed.clear();
    s3.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));
    s3.on(GetObjectCommand, { Key: POINTER_KEY }).resolves({
      Body: body(JSON.stringify(nextManifest(live, undefined, new Date('2026-11-22T10:00:00Z')))),
      ETag: '"e1"',
    });
    s3.on(HeadObjectCommand).callsFake(async (input: { Key: string }) => {
      if (listed.has(input.Key)) return { ContentLength: 2, ETag: '"x"' };
      throw s3Error('NotFound', 404);
    });
    s3.on(ListObjectsV2Command).callsFake(async (input: { Prefix: string }) => ({
      Contents: [...listed].filter((key) => key.startsWith(input.Prefix)).map((Key) => ({ Key, Size: 2, ETag: '"x"' })),
    }));
    s3.on(PutObjectCommand).resolves({});
  });
  const options = { client, bucket: 'site', release: 'r2', retry: noSleep, now: () => new Date('2026-11-23T10:00:00Z') };

  it('deploy: index.html names a script the build lacks ⇒ exit 5 with the list, nothing uploaded', async () => {
    const dist = build({ 'index.html': VITE_SHELL, 'assets/index-B2xQ0mFp.css': 'css' });
    const error = await deploy({ ...options, dist }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IncompleteReleaseError);
    expect((error as IncompleteReleaseError).exitCode).toBe(EXIT.incomplete);
    expect((error as Error).message).toMatch(
      /references a file it does not contain[\s\S]*assets\/index-CGELnclK\.js \(index\.html <script src=/,
    );
    expect((error as Error).message).toMatch(/"r1" is still live\.$/);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('deploy: the Vite manifest names an entry the build lacks ⇒ refused', async () => {
    const dist = build({
      'index.html': page('<div></div>'),
      '.vite/manifest.json': JSON.stringify({ 'src/main.ts': { file: 'assets/main-DEADBEEF.js', isEntry: true } }),
      'assets/other-12345678.js': 'js',
    });
    await expect(deploy({ ...options, dist })).rejects.toThrow(/assets\/main-DEADBEEF\.js \(\.vite\/manifest\.json "src\/main\.ts"\)/);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('deploy: an asset already in the bucket satisfies a reference, with a warning', async () => {
    listed.add('assets/index-CGELnclK.js');
    const dist = build({ 'index.html': VITE_SHELL, 'assets/index-B2xQ0mFp.css': 'css' });
    const warnings: string[] = [];
    const reporter = { info() {}, warn: (text: string) => warnings.push(text), progress() {}, endProgress() {} };
    await expect(deploy({ ...options, dist, dryRun: true, reporter })).resolves.toMatchObject({ dryRun: true });
    expect(warnings.join('\n')).toMatch(/A referenced asset is not in this build but already in the bucket/);
  });

  it('verify: the live release whose index.html references a file nobody has ⇒ exit 5', async () => {
    listed.add('releases/r1.json');
    listed.add('assets/index-CGELnclK.js');
    const error = await verify({ client, bucket: 'site', retry: noSleep }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IncompleteReleaseError);
    expect((error as Error).message).toMatch(/LIVE release[\s\S]*assets\/index-B2xQ0mFp\.css/);
    listed.add('assets/index-B2xQ0mFp.css');
    await expect(verify({ client, bucket: 'site', retry: noSleep })).resolves.toMatchObject({ complete: true });
  });

  it('a Vite manifest that is not one is an input error', async () => {
    const dist = build({ 'index.html': VITE_SHELL, '.vite/manifest.json': 'not json' });
    await expect(scanDist(dist)).rejects.toBeInstanceOf(InputError);
  });
});

describe("the app's own 404.html", () => {
  it('is read into the release (and stays a release file); an oversized one is refused at deploy', async () => {
    const root = build({
      'index.html': VITE_SHELL,
      'assets/index-CGELnclK.js': 'js',
      'assets/index-B2xQ0mFp.css': 'css',
      '404.html': '<h1>lost</h1>',
    });
    const dist = await scanDist(root);
    expect(dist.notFoundPage).toBe('<h1>lost</h1>');
    expect(dist.files.map((file) => file.path)).toContain('404.html');
    const { validateReleaseRecord } = await import('../../contracts/release.ts');
    const base = {
      schema: 1,
      id: 'r1',
      createdAt: '2026-11-24T00:00:00.000Z',
      shell: '<!doctype html>',
      assetPrefixes: [],
      assets: [],
      files: [],
    };
    expect(validateReleaseRecord({ ...base, notFoundPage: '<h1>lost</h1>' }).notFoundPage).toBe('<h1>lost</h1>');
    expect(() => validateReleaseRecord({ ...base, notFoundPage: 'x'.repeat(70_000) })).toThrow(
      /notFoundPage.*70000 bytes; the limit is 65536/,
    );
  });
});
