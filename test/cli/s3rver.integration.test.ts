/**
 * The CLI against a real S3-protocol server on loopback (s3rver): real builds deployed and
 * read back byte for byte, redeploy, rollback, prune, and refusals that leave the live release alone.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ASSET_CACHE_CONTROL,
  RELEASE_FILE_CACHE_CONTROL,
  parseManifest,
  parseReleaseRecord,
  releaseFileKey,
  releaseRecordKey,
} from '../../contracts/release.ts';
import { channelPointerKey } from '../../contracts/channels.ts';

const POINTER_KEY = channelPointerKey('production');
import { LOCAL_REGION, S3RVER_CREDENTIALS, startS3Server, type RunningS3Server } from '../../local/s3-server.ts';
import { createS3Client } from '../../cli/bucket/client.ts';
import { deploy } from '../../cli/commands/deploy.ts';
import { prune } from '../../cli/commands/prune.ts';
import { releases } from '../../cli/commands/releases.ts';
import { rollback } from '../../cli/commands/rollback.ts';
import { verify } from '../../cli/commands/verify.ts';
import { scanDist } from '../../cli/build/dist.ts';
import { ConflictError } from '../../cli/shared/errors.ts';
import { VITE_DIST, WEBPACK_DIST, copyFixture } from './helpers.ts';

const BUCKET = 'cli-integration';
let server: RunningS3Server;
let client: S3Client;

beforeAll(async () => {
  server = await startS3Server({ directory: mkdtempSync(join(tmpdir(), 'shellfront-s3-')), buckets: [BUCKET] });
  client = createS3Client({ region: LOCAL_REGION, env: { AWS_ENDPOINT_URL_S3: server.endpoint }, credentials: S3RVER_CREDENTIALS });
});

afterAll(async () => {
  client?.destroy();
  await server?.stop();
});

async function getObject(key: string) {
  const answer = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return {
    bytes: Buffer.from(await answer.Body!.transformToByteArray()),
    contentType: answer.ContentType,
    cacheControl: answer.CacheControl,
  };
}

async function liveId(): Promise<string> {
  return parseManifest((await getObject(POINTER_KEY)).bytes.toString('utf-8')).release.id;
}

async function expectStoredExactly(dist: string, id: string): Promise<void> {
  const scanned = await scanDist(dist);
  for (const asset of scanned.assets) {
    const stored = await getObject(asset.path);
    expect(stored.bytes.equals(readFileSync(join(dist, asset.path))), asset.path).toBe(true);
    expect(stored.contentType).toBe(asset.contentType);
    expect(stored.cacheControl).toBe(ASSET_CACHE_CONTROL);
  }
  for (const file of scanned.files) {
    const stored = await getObject(releaseFileKey(id, file.path));
    expect(stored.bytes.equals(readFileSync(join(dist, file.path))), file.path).toBe(true);
    expect(stored.contentType).toBe(file.contentType);
    expect(stored.cacheControl).toBe(RELEASE_FILE_CACHE_CONTROL);
  }
  const record = parseReleaseRecord((await getObject(releaseRecordKey(id))).bytes.toString('utf-8'));
  expect(record.shell).toBe(readFileSync(join(dist, 'index.html'), 'utf-8'));
  expect(record.assets.map((asset) => asset.path)).toEqual(scanned.assets.map((asset) => asset.path));
}

const base = () => ({ client, bucket: BUCKET });

describe('shellfront against s3rver', () => {
  it('deploys a Vite build: every object reads back with its bytes, Content-Type and Cache-Control', async () => {
    const result = await deploy({ ...base(), dist: VITE_DIST, release: 'r1', message: 'first' });
    expect(result).toMatchObject({ kind: 'vite', live: true, previous: null, assets: { total: 4, uploaded: 4 } });
    await expectStoredExactly(VITE_DIST, 'r1');
    expect(await liveId()).toBe('r1');
    await expect(verify(base())).resolves.toMatchObject({ release: 'r1', live: true, objects: 7 });
  });

  it('deploys a webpack build with runtime config; the manifest remembers the previous release', async () => {
    const result = await deploy({ ...base(), dist: WEBPACK_DIST, release: 'r2', config: { apiBase: '/api' } });
    expect(result).toMatchObject({ kind: 'webpack', previous: 'r1', assets: { total: 4, uploaded: 4 }, files: { uploaded: 2 } });
    await expectStoredExactly(WEBPACK_DIST, 'r2');
    const manifest = parseManifest((await getObject(POINTER_KEY)).bytes.toString('utf-8'));
    expect(manifest.release).toMatchObject({ id: 'r2', config: { apiBase: '/api' }, assetPrefixes: ['js/', 'css/', 'img/'] });
    expect(manifest.previous).toEqual(['r1']);
    await expect(getObject(POINTER_KEY)).resolves.toMatchObject({ cacheControl: 'no-cache' });
  });

  it('redeploys an unchanged build uploading only the release files', async () => {
    const result = await deploy({ ...base(), dist: VITE_DIST, release: 'r3' });
    expect(result.assets).toEqual({ total: 4, uploaded: 0, skipped: 4, bytesUploaded: 0 });
    expect(result.files.uploaded).toBe(2);
    expect(await liveId()).toBe('r3');
  });

  it('refuses a build that changes an existing asset, and r3 stays live', async () => {
    const changed = copyFixture(VITE_DIST);
    writeFileSync(join(changed, 'assets/index-CGELnclK.js'), 'console.log("same name, new bytes")');
    const error = await deploy({ ...base(), dist: changed, release: 'r4' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/assets\/index-CGELnclK\.js/);
    expect(await liveId()).toBe('r3');
    await expect(verify({ ...base(), release: 'r4' })).rejects.toThrow(/not in s3:\/\//);
  });

  it('lists releases newest first with the live one marked', async () => {
    const listed = await releases(base());
    expect(listed.live).toBe('r3');
    expect(listed.previous).toEqual(['r2', 'r1']);
    expect(listed.releases.map((release) => [release.id, release.live])).toEqual([
      ['r3', true],
      ['r2', false],
      ['r1', false],
    ]);
    expect(listed.releases[2]).toMatchObject({ message: 'first', assets: 4, files: 2 });
  });

  it('rolls back to the previous release, then to a named one', async () => {
    await expect(rollback(base())).resolves.toMatchObject({ release: 'r2', previous: 'r3', changed: true });
    expect(await liveId()).toBe('r2');
    await expect(rollback({ ...base(), to: 'r1' })).resolves.toMatchObject({ release: 'r1', changed: true });
    expect(await liveId()).toBe('r1');
    await expect(rollback({ ...base(), to: 'nope' })).rejects.toThrow(/Release "nope" is not in/);
    expect(await liveId()).toBe('r1');
  });

  it('prunes beyond retention, keeping the live release and the grace period', async () => {
    // Default grace (7 days): the pruned release's record and files go, its assets stay for old tabs.
    // r2 is where rollback would go (r1 was rolled back to from it): kept unless asked otherwise.
    await expect(prune({ ...base(), keep: 1, dryRun: true })).resolves.toMatchObject({
      kept: ['r3', 'r2', 'r1'],
      deletedReleases: [],
      rollbackTarget: 'r2',
    });
    const dry = await prune({ ...base(), keep: 1, dryRun: true, dropRollbackTarget: true });
    expect(dry).toMatchObject({
      live: 'r1',
      kept: ['r3', 'r1'],
      deletedReleases: ['r2'],
      deletedFiles: 2,
      deletedAssets: 0,
      assetsInGrace: 4,
    });
    expect(dry.rollbackTarget).toBe('r3');
    expect(await getObject(releaseRecordKey('r2'))).toBeTruthy();

    const result = await prune({ ...base(), keep: 1, olderThanMs: 0, dropRollbackTarget: true });
    expect(result).toMatchObject({ deletedReleases: ['r2'], deletedFiles: 2, deletedAssets: 4 });
    await expect(getObject(releaseRecordKey('r2'))).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(getObject('js/app.7bfe0aac.js')).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(verify(base())).resolves.toMatchObject({ release: 'r1' });
    await expect(verify({ ...base(), release: 'r3' })).resolves.toMatchObject({ release: 'r3', live: false });
    await expect(rollback({ ...base(), to: 'r2' })).rejects.toThrow(/"r2" was live before but has been pruned/);
  });

  it('replaces an invalid manifest.json with rollback --to (and refuses to verify it)', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: POINTER_KEY, Body: '{"schema": 1, "release": "oops"}' }));
    await expect(verify(base())).rejects.toThrow(/is not a valid manifest/);
    await expect(rollback(base())).rejects.toThrow(/is not a valid manifest/);
    await expect(rollback({ ...base(), to: 'r3' })).resolves.toMatchObject({ release: 'r3', changed: true });
    expect(await liveId()).toBe('r3');
    await expect(verify(base())).resolves.toMatchObject({ release: 'r3', live: true });
  });
});
