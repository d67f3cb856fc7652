// The whole local system in-process (no browser): s3rver, the real CLI deploy, the sample API
// and the local edge running the built handler bundle (npm test builds it first).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSET_CACHE_CONTROL, RELEASE_HEADER } from '../../contracts/release.ts';
import { startLocalSystem, type LocalSystem } from '../../local/system.ts';

let dir: string;
let dist: string;
let system: LocalSystem | undefined;

function write(path: string, text: string) {
  mkdirSync(dirname(join(dist, path)), { recursive: true });
  writeFileSync(join(dist, path), text);
}

const start = () => startLocalSystem({ dataDir: join(dir, 'data'), dist, edgePort: 0, apiPort: 0, s3Port: 0, manifestTtlSeconds: 2 });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shellfront-system-'));
  dist = join(dir, 'dist');
  write(
    'index.html',
    '<!doctype html><html><head><script type="module" src="/assets/app-Q1w2E3r4.js"></script></head><body><div id="app"></div></body></html>',
  );
  write('assets/app-Q1w2E3r4.js', 'document.title = "hi";');
  write('favicon.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
  write("img/a (1)+b!'*.png", 'not really a png');
  write('.vite/manifest.json', '{"index.html":{"file":"assets/app-Q1w2E3r4.js","isEntry":true}}');
  system = await start();
}, 60_000);

afterAll(async () => {
  await system?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('startLocalSystem', () => {
  it('deploys the build with the CLI and serves a deep link with the shell of that release', async () => {
    expect(system?.release.deployed).toBe(true);
    const response = await fetch(`${system?.edge.url}/runs/7/steps/train`);
    expect(response.status).toBe(200);
    expect(response.headers.get(RELEASE_HEADER)).toBe(system?.release.id);
    const html = await response.text();
    expect(html).toContain('<div id="app"></div>');
    expect(html).toContain(`"release":"${system?.release.id}"`);
  });

  it('serves hashed assets immutable, release files rewritten, and the API as JSON', async () => {
    const asset = await fetch(`${system?.edge.url}/assets/app-Q1w2E3r4.js`);
    expect(asset.headers.get('cache-control')).toBe(ASSET_CACHE_CONTROL);
    expect(await asset.text()).toBe('document.title = "hi";');
    const favicon = await fetch(`${system?.edge.url}/favicon.svg`);
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const api = await fetch(`${system?.edge.url}/api/runs/run-142`);
    expect(api.status).toBe(200);
    expect((await api.json()).run.id).toBe('run-142');
  });

  it("serves a release file whose name needs strict encoding (a (1)+b!'*.png) through the edge and s3rver", async () => {
    for (const path of ["/img/a%20(1)+b!'*.png", '/img/a%20%281%29%2Bb%21%27%2A.png']) {
      const response = await fetch(`${system?.edge.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).toBe('not really a png');
    }
  });

  it('reuses the data on a second start without redeploying', async () => {
    const first = system?.release.id;
    await system?.stop();
    system = await start();
    expect(system.release).toEqual({ id: first, deployed: false });
    expect((await fetch(`${system.edge.url}/`)).headers.get(RELEASE_HEADER)).toBe(first);
  });
});
