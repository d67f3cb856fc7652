/**
 * Channels against a real S3-protocol server (s3rver): a bucket deployed before channels migrates
 * on its next production deploy, a preview deploy touches only its own pointer and uploads no asset
 * the bucket has, `channels` lists and deletes, rollback/verify/releases take --channel, and prune
 * keeps what every channel serves (deleting stale previews only when asked, never production).
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelPointerKey, LEGACY_MANIFEST_KEY } from '../../contracts/channels.ts';
import { OUTPUT_KEYS } from '../../contracts/stack-outputs.ts';
import { nextManifest, parseManifest, type ReleaseRecord } from '../../contracts/release.ts';
import { createS3Client } from '../../cli/bucket/client.ts';
import { channels } from '../../cli/commands/channels.ts';
import { deploy } from '../../cli/commands/deploy.ts';
import { prune } from '../../cli/commands/prune.ts';
import { releases } from '../../cli/commands/releases.ts';
import { rollback } from '../../cli/commands/rollback.ts';
import { verify } from '../../cli/commands/verify.ts';
import { EXIT } from '../../cli/shared/errors.ts';
import { readRecord } from '../../cli/channels/live.ts';
import { Bucket } from '../../cli/bucket/bucket.ts';
import { run } from '../../cli/main.ts';
import { LOCAL_REGION, S3RVER_CREDENTIALS, startS3Server, type RunningS3Server } from '../../local/s3-server.ts';
import { VITE_DIST, copyFixture } from './helpers.ts';

const BUCKET = 'cli-channels';
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

async function text(key: string): Promise<string | undefined> {
  try {
    const answer = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return await answer.Body!.transformToString();
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

async function liveOn(channel: string): Promise<string | undefined> {
  const body = await text(channelPointerKey(channel));
  return body === undefined ? undefined : parseManifest(body).release.id;
}

/** A build that differs from VITE_DIST in its index.html only (its assets are the same). */
function variant(marker: string): string {
  const root = copyFixture(VITE_DIST);
  writeFileSync(join(root, 'robots.txt'), `User-agent: *\n# ${marker}\n`);
  return root;
}

const base = () => ({ client, bucket: BUCKET });

describe('channels on s3rver', () => {
  it('migrates a bucket deployed before channels on its next production deploy, keeping its history', async () => {
    // What a pre-channels CLI left: a release and the pointer at manifest.json.
    await deploy({ ...base(), dist: VITE_DIST, release: 'legacy-1' });
    const record = (await readRecord(new Bucket(client, BUCKET), 'legacy-1')) as ReleaseRecord;
    const legacy = JSON.stringify(nextManifest(record, undefined, new Date('2026-11-01T00:00:00Z')));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: LEGACY_MANIFEST_KEY, Body: legacy }));
    await new Bucket(client, BUCKET).delete([channelPointerKey('production')]);

    const listed = await channels(base());
    expect(listed).toMatchObject({ action: 'list', channels: [{ name: 'production', live: 'legacy-1', legacy: true }] });
    await expect(verify(base())).resolves.toMatchObject({ release: 'legacy-1', live: true });

    const result = await deploy({ ...base(), dist: variant('p2'), release: 'prod-2' });
    expect(result).toMatchObject({ channel: 'production', live: true, previous: 'legacy-1' });
    expect(await liveOn('production')).toBe('prod-2');
    // The legacy pointer follows too, for edge functions deployed before channels.
    expect(parseManifest((await text(LEGACY_MANIFEST_KEY)) as string).release.id).toBe('prod-2');
    expect(parseManifest((await text(channelPointerKey('production'))) as string).previous).toEqual(['legacy-1']);
    expect(await channels(base())).toMatchObject({ channels: [{ name: 'production', live: 'prod-2', legacy: false }] });
  });

  it('deploys a preview: only its pointer is written, no asset is uploaded again, production untouched', async () => {
    const before = await text(channelPointerKey('production'));
    const result = await deploy({ ...base(), dist: variant('pr7'), release: 'pr7-1', channel: 'pr-7' });
    expect(result).toMatchObject({ channel: 'pr-7', live: true, previous: null });
    expect(result.assets.uploaded).toBe(0);
    expect(result.assets.skipped).toBe(result.assets.total);
    expect(await liveOn('pr-7')).toBe('pr7-1');
    expect(await text(channelPointerKey('production'))).toBe(before);
    await expect(verify({ ...base(), channel: 'pr-7' })).resolves.toMatchObject({ release: 'pr7-1', live: true });
  });

  it('lists channels with their URLs, and releases says which channel serves which release', async () => {
    const listed = await channels({
      ...base(),
      previewDomain: 'preview.example.com',
      stackOutputs: { [OUTPUT_KEYS.siteUrl]: 'https://www.example.com' },
    });
    expect(listed.action === 'list' && listed.channels.map((c) => [c.name, c.live, c.url])).toEqual([
      ['production', 'prod-2', 'https://www.example.com'],
      ['pr-7', 'pr7-1', 'https://pr-7.preview.example.com/'],
    ]);
    const all = await releases({ ...base(), channel: 'pr-7' });
    expect(all.live).toBe('pr7-1');
    expect(all.releases.find((r) => r.id === 'pr7-1')?.channels).toEqual(['pr-7']);
    expect(all.releases.find((r) => r.id === 'prod-2')?.channels).toEqual(['production']);
  });

  it('rolls a preview back on its own', async () => {
    await deploy({ ...base(), dist: variant('pr7-b'), release: 'pr7-2', channel: 'pr-7' });
    const result = await rollback({ ...base(), channel: 'pr-7' });
    expect(result).toMatchObject({ channel: 'pr-7', release: 'pr7-1', previous: 'pr7-2', changed: true });
    expect(await liveOn('pr-7')).toBe('pr7-1');
    expect(await liveOn('production')).toBe('prod-2');
    await expect(rollback({ ...base(), channel: 'pr-99' })).rejects.toThrow(/No release is live on channel pr-99/);
  });

  it('prune keeps what every channel serves and can roll back to; --channels-older-than drops stale previews, never production', async () => {
    const dry = await prune({ ...base(), keep: 0, olderThanMs: 0, dryRun: true });
    // production: prod-2 and its rollback target legacy-1; pr-7: pr7-1 and pr7-2.
    expect([...dry.kept].sort()).toEqual(['legacy-1', 'pr7-1', 'pr7-2', 'prod-2']);
    expect(dry.deletedChannels).toEqual([]);

    const later = () => new Date(Date.now() + 40 * 86_400_000);
    const stale = await prune({ ...base(), keep: 0, olderThanMs: 0, channelsOlderThanMs: 30 * 86_400_000, now: later });
    expect(stale.deletedChannels).toEqual(['pr-7']);
    expect([...stale.deletedReleases].sort()).toEqual(['pr7-1', 'pr7-2']);
    expect(await liveOn('pr-7')).toBeUndefined();
    expect(await liveOn('production')).toBe('prod-2');
    await expect(verify(base())).resolves.toMatchObject({ release: 'prod-2' });
  });

  it('channels delete removes a preview, is a no-op for an unknown one, and refuses production', async () => {
    await deploy({ ...base(), dist: variant('pr8'), release: 'pr8-1', channel: 'pr-8' });
    await expect(channels({ ...base(), delete: 'pr-8' })).resolves.toMatchObject({ deleted: true, release: 'pr8-1' });
    expect(await liveOn('pr-8')).toBeUndefined();
    await expect(channels({ ...base(), delete: 'pr-8' })).resolves.toMatchObject({ deleted: false });
    await expect(channels({ ...base(), delete: 'production' })).rejects.toThrow(/production cannot be deleted/);
    expect(await liveOn('production')).toBe('prod-2');
  });
});

describe('the CLI entry with channels', () => {
  async function cli(...argv: string[]) {
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    err.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await run({
      argv,
      env: { AWS_ENDPOINT_URL_S3: server.endpoint, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: LOCAL_REGION },
      stdout: out,
      stderr: err as unknown as NodeJS.WriteStream,
      createS3Client: () => client,
    });
    return { code, stdout, stderr };
  }

  it.each([['PR-7'], ['pr_7'], ['-pr'], ['x'.repeat(64)]])(
    'refuses --channel %j before any network call, stating the rule',
    async (name) => {
      const result = await cli('deploy', VITE_DIST, '--bucket', BUCKET, `--channel=${name}`);
      expect(result.code).toBe(EXIT.usage);
      expect(result.stderr).toMatch(/a channel name is one DNS label: 1-63 characters/);
    },
  );

  it('refuses `channels delete production` and a bad --preview-domain', async () => {
    expect((await cli('channels', 'delete', 'production', '--bucket', BUCKET)).stderr).toMatch(/production cannot be deleted/);
    const bad = await cli('deploy', VITE_DIST, '--bucket', BUCKET, '--channel', 'pr-1', '--preview-domain', '*.preview.example.com');
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toMatch(/drop "\*\."/);
  });

  it('deploy --channel prints the preview URL, --json carries it, and channels lists it', async () => {
    const result = await cli(
      'deploy',
      variant('pr9'),
      '--bucket',
      BUCKET,
      '--channel',
      'pr-9',
      '--release',
      'pr9-1',
      '--preview-domain',
      'preview.example.com',
      '--json',
    );
    expect(result.code).toBe(EXIT.ok);
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1) as string)).toMatchObject({
      channel: 'pr-9',
      url: 'https://pr-9.preview.example.com/',
      live: true,
    });
    const human = await cli('channels', '--bucket', BUCKET, '--preview-domain', 'preview.example.com');
    expect(human.stdout).toMatch(/^pr-9\s+pr9-1\s+.*https:\/\/pr-9\.preview\.example\.com\//m);
  });
});
