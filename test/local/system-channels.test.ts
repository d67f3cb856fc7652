// `npm start`'s system with preview channels: the real CLI deploys, the built handler bundle, the
// local edge with its cache. pr-7's pointer is written straight into the local S3 (a copy of
// production's, taken while another release was live), then production rolls back: two channels,
// two releases, one bucket.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelPointerKey, channelReadKeys, PRODUCTION_CHANNEL } from '../../contracts/channels.ts';
import { CHANNEL_HEADERS } from '../../contracts/edge-config.ts';
import { RELEASE_HEADER } from '../../contracts/release.ts';
import { CACHE_HIT, CACHE_MISS } from '../../local/edge-cache.ts';
import { liveManifest, runCli } from '../../local/deploy.ts';
import { S3Origin } from '../../local/s3-origin.ts';
import { LOCAL_REGION, S3RVER_CREDENTIALS } from '../../local/s3-server.ts';
import { LOCAL_BUCKET, LOCAL_PREVIEW_DOMAIN, startLocalSystem, type LocalSystem } from '../../local/system.ts';
import { writeBuild } from './helpers.ts';

let dir: string;
let system: LocalSystem;
let first: string;
let second: string;

const build = (name: string, text: string) => writeBuild(dir, name, text);

/** Copies production's pointer object, whichever key the CLI wrote it under, to `channel`'s key. */
async function copyProductionPointer(channel: string): Promise<void> {
  const client = new S3Client({
    endpoint: system.s3.endpoint,
    region: LOCAL_REGION,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    for (const key of channelReadKeys(PRODUCTION_CHANNEL)) {
      const found = await client.send(new GetObjectCommand({ Bucket: LOCAL_BUCKET, Key: key })).catch(() => undefined);
      if (!found?.Body) continue;
      const body = await found.Body.transformToString();
      await client.send(
        new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: channelPointerKey(channel), Body: body, ContentType: 'application/json' }),
      );
      return;
    }
    throw new Error('no production pointer to copy');
  } finally {
    client.destroy();
  }
}

function get(path: string, host: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: system.edge.port, path, headers: { host: `${host}:${system.edge.port}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.once('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shellfront-system-channels-'));
  system = await startLocalSystem({
    dataDir: join(dir, 'data'),
    dist: build('a', 'first'),
    edgePort: 0,
    apiPort: 0,
    s3Port: 0,
    manifestTtlSeconds: 2,
  });
  first = system.release.id;
  const deployed = await runCli(
    ['deploy', build('b', 'second'), '--bucket', LOCAL_BUCKET, '--release', 'second', '--json'],
    system.s3.endpoint,
  );
  second = String(deployed.json?.release);
  await copyProductionPointer('pr-7');
  await runCli(['rollback', '--bucket', LOCAL_BUCKET, '--json'], system.s3.endpoint);
}, 60_000);

afterAll(async () => {
  await system?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm start with preview channels', () => {
  it('previews at *.localhost by default; production is the first release again, pr-7 the second', async () => {
    expect(system.previewDomain).toBe(LOCAL_PREVIEW_DOMAIN);
    const origin = new S3Origin({
      endpoint: system.s3.endpoint,
      bucket: LOCAL_BUCKET,
      region: LOCAL_REGION,
      credentials: S3RVER_CREDENTIALS,
    });
    expect((await liveManifest(origin))?.release.id).toBe(first);
    expect((await liveManifest(origin, 'pr-7'))?.release.id).toBe(second);
    expect(first).not.toBe(second);
  });

  it('serves each channel its own release, and never the other one from the cache', async () => {
    for (const path of ['/', '/runs/7']) {
      const production = await get(path, 'localhost');
      const preview = await get(path, 'pr-7.localhost');
      expect([production.status, production.headers[RELEASE_HEADER]], path).toEqual([200, first]);
      expect([preview.status, preview.headers[RELEASE_HEADER], preview.headers[CHANNEL_HEADERS.servedChannel]], path).toEqual([
        200,
        second,
        'pr-7',
      ]);
      // Both cached now (the shell's s-maxage), each under its own viewer host.
      const [productionAgain, previewAgain] = [await get(path, 'localhost'), await get(path, 'pr-7.localhost')];
      expect([productionAgain.headers[RELEASE_HEADER], productionAgain.headers['x-cache']], path).toEqual([first, CACHE_HIT]);
      expect([previewAgain.headers[RELEASE_HEADER], previewAgain.headers['x-cache']], path).toEqual([second, CACHE_HIT]);
      expect([production.headers['x-cache'], preview.headers['x-cache']]).toEqual([CACHE_MISS, CACHE_MISS]);
    }
  });

  it('serves the hashed assets of both releases on every host, and a preview never deployed is its own 404', async () => {
    expect((await get('/assets/app-a0001.js', 'pr-7.localhost')).status).toBe(200);
    expect((await get('/assets/app-b0001.js', 'localhost')).status).toBe(200);
    const missing = await get('/', 'pr-8.localhost');
    expect(missing.status).toBe(404);
  });
});
