/**
 * The pointer switch (cli/channels/live.ts) on a mocked S3: the production migration from the legacy
 * manifest.json (If-None-Match * on the new pointer, then the legacy copy If-Match), and a lost
 * race on the legacy copy that warns instead of failing a switch that already happened.
 */
import { GetObjectCommand, PutObjectCommand, S3Client, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { channelPointerKey, LEGACY_MANIFEST_KEY } from '../../contracts/channels.ts';
import { nextManifest } from '../../contracts/release.ts';
import { Bucket } from '../../cli/bucket/bucket.ts';
import { readLive, switchLive } from '../../cli/channels/live.ts';
import { makeRelease } from '../lambda/helpers.ts';
import { body, noSleep, s3Error } from './helpers.ts';

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const s3 = mockClient(client);
const bucket = new Bucket(client, 'site', noSleep);
const POINTER = channelPointerKey('production');
const old = nextManifest(makeRelease({ id: 'old' }), undefined, new Date('2026-11-01T00:00:00Z'));
const puts = (): PutObjectCommandInput[] => s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);

beforeEach(() => {
  s3.reset();
  s3.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));
  s3.on(GetObjectCommand, { Key: LEGACY_MANIFEST_KEY }).resolves({ Body: body(JSON.stringify(old)), ETag: '"legacy"' });
  s3.on(PutObjectCommand).resolves({});
});

describe('the production pointer migration', () => {
  it('reads production from the legacy manifest.json until its pointer exists', async () => {
    const live = await readLive(bucket);
    expect(live).toMatchObject({ channel: 'production', etag: undefined, legacy: { etag: 'legacy' } });
    expect(live.manifest?.release.id).toBe('old');
  });

  it('writes the new pointer If-None-Match *, then the legacy copy If-Match its ETag, with the history carried over', async () => {
    const live = await readLive(bucket);
    const manifest = await switchLive(bucket, makeRelease({ id: 'new' }), live, new Date('2026-12-01T00:00:00Z'));
    expect(manifest.previous).toEqual(['old']);
    expect(puts().map((put) => [put.Key, put.IfNoneMatch, put.IfMatch])).toEqual([
      [POINTER, '*', undefined],
      [LEGACY_MANIFEST_KEY, undefined, '"legacy"'],
    ]);
  });

  it('a preview never reads or writes the legacy pointer', async () => {
    const live = await readLive(bucket, { channel: 'pr-3' });
    expect(live).toMatchObject({ channel: 'pr-3', manifest: undefined, etag: undefined });
    expect(live.legacy).toBeUndefined();
    await switchLive(bucket, makeRelease({ id: 'p' }), live, new Date());
    expect(puts().map((put) => put.Key)).toEqual([channelPointerKey('pr-3')]);
  });

  it('warns, and still reports the switch, when the legacy copy changed meanwhile', async () => {
    s3.on(PutObjectCommand, { Key: LEGACY_MANIFEST_KEY }).rejects(s3Error('PreconditionFailed', 412));
    const warnings: string[] = [];
    const live = await readLive(bucket);
    const manifest = await switchLive(bucket, makeRelease({ id: 'new' }), live, new Date(), { warn: (m) => warnings.push(m) });
    expect(manifest.release.id).toBe('new');
    expect(warnings).toEqual([expect.stringMatching(/"new" is live .*manifest\.json changed meanwhile/)]);
  });
});
