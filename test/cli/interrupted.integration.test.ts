/**
 * A deploy that dies midway (the CLI process SIGKILLed, or S3 failing during uploads) leaves
 * the previous release live and complete, and a re-run skips what was already uploaded.
 */
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../contracts/release.ts';
import { channelPointerKey } from '../../contracts/channels.ts';

const POINTER_KEY = channelPointerKey('production');
import { LOCAL_REGION, S3RVER_CREDENTIALS, startS3Server, type RunningS3Server } from '../../local/s3-server.ts';
import { createS3Client } from '../../cli/bucket/client.ts';
import { deploy } from '../../cli/commands/deploy.ts';
import { releases } from '../../cli/commands/releases.ts';
import { verify } from '../../cli/commands/verify.ts';
import { TransientError } from '../../cli/shared/errors.ts';
import { generateDist } from '../../scripts/fixtures/generate-dist.ts';
import { VITE_DIST, networkError } from './helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/shellfront.mjs', import.meta.url));
const BUCKET = 'cli-interrupted';
let server: RunningS3Server;
let client: S3Client;
let bigDist: string;

beforeAll(async () => {
  server = await startS3Server({ directory: mkdtempSync(join(tmpdir(), 'shellfront-s3-')), buckets: [BUCKET] });
  client = createS3Client({ region: LOCAL_REGION, env: { AWS_ENDPOINT_URL_S3: server.endpoint }, credentials: S3RVER_CREDENTIALS });
  bigDist = generateDist(mkdtempSync(join(tmpdir(), 'shellfront-big-')), { files: 600, seed: 7 }).root;
  await deploy({ client, bucket: BUCKET, dist: VITE_DIST, release: 'stable' });
});

afterAll(async () => {
  client?.destroy();
  await server?.stop();
});

const cliEnv = () => ({
  ...process.env,
  AWS_ENDPOINT_URL_S3: server.endpoint,
  AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
  AWS_REGION: LOCAL_REGION,
});

async function countAssets(): Promise<number> {
  // s3rver lists an object whose bytes are written but whose metadata file is not yet, as a 500
  // (S3's listings never see half-written objects): while a deploy is uploading, ask again.
  for (let attempt = 1; ; attempt++) {
    try {
      const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'assets/' }));
      return page.KeyCount ?? page.Contents?.length ?? 0;
    } catch (error) {
      if ((error as Error).name !== 'InternalError' || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function liveId(): Promise<string> {
  const answer = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: POINTER_KEY }));
  return parseManifest(await answer.Body!.transformToString()).release.id;
}

describe('an interrupted deploy', () => {
  it('killed midway (SIGKILL) leaves the previous release live and complete', async () => {
    const before = await countAssets();
    const child = spawn(process.execPath, [BIN, 'deploy', bigDist, '--bucket', BUCKET, '--release', 'doomed', '--concurrency', '1'], {
      env: cliEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let exitedEarly = false;
    void exited.then(() => (exitedEarly = true));
    while ((await countAssets()) < before + 25) {
      if (exitedEarly) throw new Error(`the deploy finished before it could be killed:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    await exited;

    expect(await liveId()).toBe('stable');
    await expect(verify({ client, bucket: BUCKET })).resolves.toMatchObject({ release: 'stable', live: true });
    const listed = await releases({ client, bucket: BUCKET });
    expect(listed.releases.map((release) => release.id)).toEqual(['stable']);

    // The CLI itself, as CI would run it, agrees.
    const check = spawnSync(process.execPath, [BIN, 'verify', '--bucket', BUCKET, '--json'], { env: cliEnv(), encoding: 'utf-8' });
    expect(check.status).toBe(0);
    expect(JSON.parse(check.stdout.trim().split('\n').at(-1) ?? '')).toMatchObject({ release: 'stable', complete: true });
  });

  it('a re-run skips the assets the killed run uploaded and goes live', async () => {
    const result = await deploy({ client, bucket: BUCKET, dist: bigDist, release: 'retried' });
    // s3rver may keep an empty object for the PUT that was cut off (S3 never does); it is uploaded again.
    expect(result.assets.skipped).toBeGreaterThanOrEqual(20);
    expect(result.assets.uploaded + result.assets.skipped).toBe(result.assets.total);
    expect(await liveId()).toBe('retried');
    await expect(verify({ client, bucket: BUCKET })).resolves.toMatchObject({ release: 'retried', objects: 600 });
  });

  it('S3 failing midway through uploads leaves the live release alone', async () => {
    const failing = createS3Client({
      region: LOCAL_REGION,
      env: { AWS_ENDPOINT_URL_S3: server.endpoint },
      credentials: S3RVER_CREDENTIALS,
    });
    let puts = 0;
    failing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutObjectCommand' && ++puts > 2) throw networkError('ECONNRESET');
        return next(args);
      },
      { step: 'initialize', name: 'failAfterTwoPuts' },
    );
    const error = await deploy({
      client: failing,
      bucket: BUCKET,
      dist: VITE_DIST,
      release: 'broken',
      retry: { attempts: 2, sleep: async () => {} },
    }).catch((caught: unknown) => caught);
    failing.destroy();
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/Nothing was switched: "retried" is still live/);
    expect(await liveId()).toBe('retried');
    await expect(verify({ client, bucket: BUCKET })).resolves.toMatchObject({ release: 'retried' });
  });

  it('an identical re-run is a no-op, unless the live release lost an object: then it is deployed again', async () => {
    const same = await deploy({ client, bucket: BUCKET, dist: bigDist });
    expect(same).toMatchObject({ release: 'retried', unchanged: true, live: true, bytesUploaded: 0, files: { uploaded: 0 } });
    expect((await releases({ client, bucket: BUCKET })).total).toBe(2);

    const listing = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'assets/chunk1-' }));
    const lost = listing.Contents?.[0]?.Key as string;
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: lost }));
    await expect(verify({ client, bucket: BUCKET })).rejects.toThrow(`missing: ${lost}`);
    const repaired = await deploy({ client, bucket: BUCKET, dist: bigDist });
    expect(repaired).toMatchObject({ unchanged: false, previous: 'retried', assets: { uploaded: 1 } });
    await expect(verify({ client, bucket: BUCKET })).resolves.toMatchObject({ release: repaired.release });
  });
});
