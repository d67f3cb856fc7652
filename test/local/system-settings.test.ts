// The stack's settings on `npm start` (--asset-path-patterns, --shell-cdn-seconds, --csp): the
// local edge routes and answers as a stack deployed with the same context keys would.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { behaviorTable } from '../../contracts/edge-config.ts';
import { ASSET_CACHE_CONTROL } from '../../contracts/release.ts';
import { startLocalSystem, uncoveredAssetPrefixes, type LocalSystem } from '../../local/system.ts';

let dir: string;
let system: LocalSystem | undefined;
const logs: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shellfront-settings-'));
  const dist = join(dir, 'dist');
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dist, path)), { recursive: true });
    writeFileSync(join(dist, path), text);
  };
  // A Create React App layout: hashed files under static/, no assets/ folder.
  write('index.html', '<!doctype html><html><head><script defer src="/static/js/main.4f2a9c1e.js"></script></head><body></body></html>');
  write('static/js/main.4f2a9c1e.js', 'console.log(1);');
  system = await startLocalSystem({
    dataDir: join(dir, 'data'),
    dist,
    edgePort: 0,
    apiPort: 0,
    s3Port: 0,
    manifestTtlSeconds: 2,
    shellCdnSeconds: 0,
    assetPathPatterns: ['/static/*'],
    apiPathPattern: '/backend/*',
    csp: "default-src 'self'; script-src 'self' https://cdn.example.com",
    log: (line) => logs.push(line),
    requestLog: (line) => requests.push(line),
  });
}, 60_000);

afterAll(async () => {
  await system?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('startLocalSystem with the stack settings', () => {
  it('routes the asset folders given straight to S3, and deploys with the matching --asset-dirs', async () => {
    const asset = await fetch(`${system?.edge.url}/static/js/main.4f2a9c1e.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe(ASSET_CACHE_CONTROL);
    expect(requests.at(-1)).toMatch(/^GET \/static\/js\/main\.4f2a9c1e\.js 200 assets: s3$/);
    expect(logs.join('\n')).not.toMatch(/warning/);
  });

  it('sends the shell with the s-maxage given and every response with the CSP given', async () => {
    const shell = await fetch(`${system?.edge.url}/some/route`);
    expect(shell.status).toBe(200);
    expect(shell.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate, s-maxage=0');
    expect(shell.headers.get('content-security-policy')).toBe("default-src 'self'; script-src 'self' https://cdn.example.com");
  });

  it('uses the API pattern given: /api/… is now the app, /backend/… the API', async () => {
    expect((await fetch(`${system?.edge.url}/backend/health`)).headers.get('content-type')).toMatch(/^application\/json/);
    expect((await fetch(`${system?.edge.url}/api/health`)).headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('uncoveredAssetPrefixes', () => {
  it('names the asset folders of a release that no asset behavior serves', () => {
    expect(uncoveredAssetPrefixes(['static/'], behaviorTable())).toEqual(['static/']);
    expect(uncoveredAssetPrefixes(['assets/'], behaviorTable())).toEqual([]);
    expect(uncoveredAssetPrefixes(['js/', 'css/'], behaviorTable({ assetPathPatterns: ['/js/*'] }))).toEqual(['css/']);
  });
});
