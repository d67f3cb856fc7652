import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isWebpackManifest } from '../../cli/build/build-kind.ts';
import { looksHashed, scanDist } from '../../cli/build/dist.ts';
import { InputError } from '../../cli/shared/errors.ts';
import { VITE_DIST, WEBPACK_DIST, copyFixture } from './helpers.ts';

describe('scanDist', () => {
  it('reads a Vite build: assets/ are shared assets, .vite/ is left out, index.html is the shell', async () => {
    const dist = await scanDist(VITE_DIST);
    expect(dist.kind).toBe('vite');
    expect(dist.assetPrefixes).toEqual(['assets/']);
    expect(dist.assets.map((file) => file.path)).toEqual([
      'assets/RunView-Dx9kq1Ze.js',
      'assets/index-B2xQ0mFp.css',
      'assets/index-CGELnclK.js',
      'assets/logo-C5a1bT9q.svg',
    ]);
    expect(dist.files.map((file) => file.path)).toEqual(['favicon.svg', 'robots.txt']);
    expect(dist.skipped).toEqual(['.vite/manifest.json']);
    expect(dist.shell).toContain('/assets/index-CGELnclK.js');
    expect(dist.warnings).toEqual([]);
    const js = dist.assets.find((file) => file.path.endsWith('.js'));
    expect(js?.contentType).toBe('text/javascript; charset=utf-8');
    expect(js?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(dist.files.find((file) => file.path === 'favicon.svg')?.contentType).toBe('image/svg+xml; charset=utf-8');
  });

  it('reads a Vue CLI / webpack build: the flat manifest.json is build metadata, js/ css/ img/ are assets', async () => {
    const dist = await scanDist(WEBPACK_DIST);
    expect(dist.kind).toBe('webpack');
    expect(dist.assetPrefixes).toEqual(['js/', 'css/', 'img/']);
    expect(dist.skipped).toEqual(['manifest.json']);
    expect(dist.files.map((file) => file.path)).toEqual(['favicon.ico', 'robots.txt']);
    expect(dist.assets.find((file) => file.path.endsWith('.png'))?.contentType).toBe('image/png');
    expect(dist.files.find((file) => file.path === 'favicon.ico')?.contentType).toBe('image/vnd.microsoft.icon');
  });

  it('honours --asset-dirs', async () => {
    const dist = await scanDist(WEBPACK_DIST, { assetDirs: ['js', '/css/'] });
    expect(dist.assetPrefixes).toEqual(['js/', 'css/']);
    expect(dist.files.map((file) => file.path)).toContain('img/logo.82b9c7a5.png');
  });

  it('warns about unhashed files in asset folders', async () => {
    const root = copyFixture(VITE_DIST);
    writeFileSync(join(root, 'assets', 'logo.png'), 'png');
    const dist = await scanDist(root);
    expect(dist.warnings).toHaveLength(1);
    expect(dist.warnings[0]).toMatch(/no content hash.*\n.*assets\/logo\.png/);
  });

  it('refuses a folder without index.html, naming the folder', async () => {
    const root = copyFixture(VITE_DIST);
    const empty = join(root, 'assets');
    await expect(scanDist(empty)).rejects.toThrow(/has no index\.html/);
    await expect(scanDist(join(root, 'missing'))).rejects.toBeInstanceOf(InputError);
  });

  it('keeps a web app manifest.json (Create React App, PWAs) as an ordinary release file', async () => {
    const root = copyFixture(VITE_DIST);
    writeFileSync(join(root, 'manifest.json'), JSON.stringify({ name: 'PWA', icons: [] }));
    const dist = await scanDist(root);
    expect(dist.files.map((file) => file.path)).toContain('manifest.json');
    expect(dist.files.find((file) => file.path === 'manifest.json')?.contentType).toMatch(/^application\/(manifest\+)?json/);
  });

  it('refuses dist-root folders that collide with reserved names', async () => {
    const root = copyFixture(VITE_DIST);
    mkdirSync(join(root, 'releases'));
    writeFileSync(join(root, 'releases', 'notes.txt'), 'x');
    mkdirSync(join(root, '_shellfront', 'channels'), { recursive: true });
    writeFileSync(join(root, '_shellfront', 'channels', 'production.json'), '{}');
    const error = await scanDist(root).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/releases\/notes\.txt/);
    expect((error as Error).message).toMatch(/_shellfront\/channels\/production\.json/);
  });
});

describe('looksHashed', () => {
  it.each([
    ['assets/index-CGELnclK.js', true],
    ['assets/index-D-3xYk_a.js', true],
    ['js/app.7bfe0aac.js', true],
    ['js/chunk-vendors.3d5b1a2f.js', true],
    ['assets/index-CGELnclK.js.map', true],
    ['assets/logo.png', false],
    ['js/some-component.js', false],
    ['img/background-image.jpg', false],
  ])('%s ⇒ %s', (path, expected) => {
    expect(looksHashed(path)).toBe(expected);
  });
});

describe('isWebpackManifest', () => {
  const build = new Set(['js/app.7bfe0aac.js', 'css/app.1a2b3c4d.css', 'index.html']);
  it('recognises webpack-manifest-plugin output by its shape and the files it names', () => {
    expect(isWebpackManifest({ 'js/app.js': 'js/app.7bfe0aac.js' }, build)).toBe(true);
    expect(isWebpackManifest({ 'app.js': '/js/app.7bfe0aac.js', 'app.css': '/css/app.1a2b3c4d.css' }, build)).toBe(true);
  });
  it('is not fooled by a web app manifest, an empty map or other JSON', () => {
    expect(isWebpackManifest({ name: 'PWA', short_name: 'PWA', start_url: '/', display: 'standalone' }, build)).toBe(false);
    expect(isWebpackManifest({ name: 'PWA', icons: [] }, build)).toBe(false);
    expect(isWebpackManifest({}, build)).toBe(false);
    expect(isWebpackManifest(['js/app.7bfe0aac.js'], build)).toBe(false);
    expect(isWebpackManifest({ 'a.js': 'js/elsewhere.11111111.js' }, build)).toBe(false);
  });
});
