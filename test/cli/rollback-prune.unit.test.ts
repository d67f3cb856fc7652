/** rollback and prune refusals against a mocked S3: nothing is written when a check fails. */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { nextManifest, validateReleaseRecord, type ReleaseRecord } from '../../contracts/release.ts';
import { prune } from '../../cli/commands/prune.ts';
import { SPECS } from '../../cli/terminal/specs.ts';
import { rollback } from '../../cli/commands/rollback.ts';
import { ConflictError, EXIT, IncompleteReleaseError, InputError } from '../../cli/shared/errors.ts';
import { body, s3Error } from './helpers.ts';
import { CHANNELS_PREFIX, channelPointerKey } from '../../contracts/channels.ts';

const POINTER_KEY = channelPointerKey('production');

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const s3 = mockClient(client);

function record(id: string, assets: string[] = []): ReleaseRecord {
  return validateReleaseRecord({
    schema: 1,
    id,
    createdAt: `2026-11-2${id.slice(1)}T10:00:00.000Z`,
    shell: '<!doctype html>',
    assetPrefixes: ['assets/'],
    assets: assets.map((path) => ({ path, size: 1, sha256: 'a'.repeat(64), contentType: 'text/javascript' })),
    files: [],
  });
}

const r1 = record('r1', ['assets/one-1234abcd.js']);
const r2 = record('r2', ['assets/two-1234abcd.js']);

beforeEach(() => {
  s3.reset();
  // Absent unless a test says otherwise: the legacy manifest.json, preview pointers.
  s3.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));
  const manifest = nextManifest(r2, nextManifest(r1, undefined, new Date()), new Date());
  s3.on(GetObjectCommand, { Key: POINTER_KEY }).resolves({ Body: body(JSON.stringify(manifest)), ETag: '"m2"' });
  s3.on(GetObjectCommand, { Key: 'releases/r1.json' }).resolves({ Body: body(JSON.stringify(r1)), ETag: '"x"' });
  s3.on(GetObjectCommand, { Key: 'releases/r2.json' }).resolves({ Body: body(JSON.stringify(r2)), ETag: '"y"' });
  s3.on(ListObjectsV2Command, { Prefix: 'releases/r1' }).resolves({ Contents: [{ Key: 'releases/r1.json', Size: 10 }] });
  s3.on(ListObjectsV2Command, { Prefix: 'assets/' }).resolves({ Contents: [{ Key: 'assets/one-1234abcd.js', Size: 1 }] });
  s3.on(PutObjectCommand).resolves({});
  s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));
  listChannels({ [POINTER_KEY]: new Date() });
});

/** The channel pointers a listing of `_shellfront/channels/` shows (key ⇒ last modified). */
function listChannels(pointers: Record<string, Date>): void {
  s3.on(ListObjectsV2Command, { Prefix: CHANNELS_PREFIX }).resolves({
    Contents: Object.entries(pointers).map(([Key, LastModified]) => ({ Key, Size: 100, LastModified })),
  });
}

describe('rollback (mocked S3)', () => {
  it('switches to the previous release with If-Match on the manifest it read', async () => {
    await expect(rollback({ client, bucket: 'site' })).resolves.toMatchObject({ release: 'r1', previous: 'r2', changed: true });
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put).toMatchObject({ Key: POINTER_KEY, IfMatch: '"m2"' });
    expect(JSON.parse(put?.Body as string)).toMatchObject({ release: { id: 'r1' }, previous: ['r2'] });
  });

  it('refuses a target with missing assets and writes nothing (exit 5)', async () => {
    s3.on(ListObjectsV2Command, { Prefix: 'assets/' }).resolves({ Contents: [] });
    const error = await rollback({ client, bucket: 'site' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IncompleteReleaseError);
    expect((error as IncompleteReleaseError).exitCode).toBe(EXIT.incomplete);
    expect((error as Error).message).toMatch(/Refusing to roll back[\s\S]*missing: assets\/one-1234abcd\.js/);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('loses a race with a concurrent deploy with a ConflictError (412)', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    await expect(rollback({ client, bucket: 'site' })).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('prune (mocked S3)', () => {
  it('refuses to delete anything when a release record is unreadable', async () => {
    s3.on(ListObjectsV2Command, { Prefix: 'releases/', Delimiter: '/' }).resolves({
      Contents: [{ Key: 'releases/r1.json' }, { Key: 'releases/r2.json' }, { Key: 'releases/r0.json' }],
    });
    s3.on(GetObjectCommand, { Key: 'releases/r0.json' }).resolves({ Body: body('{"schema": 99}'), ETag: '"z"' });
    const error = await prune({ client, bucket: 'site', keep: 1, olderThanMs: 0 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/Refusing to prune[\s\S]*releases\/r0\.json/);
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  it('keeps the live release even beyond --keep, and every asset a kept release uses', async () => {
    const manifest = nextManifest(r1, undefined, new Date());
    s3.on(GetObjectCommand, { Key: POINTER_KEY }).resolves({ Body: body(JSON.stringify(manifest)), ETag: '"m1"' });
    s3.on(ListObjectsV2Command, { Prefix: 'releases/', Delimiter: '/' }).resolves({
      Contents: [{ Key: 'releases/r1.json' }, { Key: 'releases/r2.json' }],
    });
    s3.on(ListObjectsV2Command, { Prefix: 'assets/' }).resolves({
      Contents: [
        { Key: 'assets/one-1234abcd.js', Size: 1, LastModified: new Date(0) },
        { Key: 'assets/two-1234abcd.js', Size: 1, LastModified: new Date(0) },
        { Key: 'assets/old-1234abcd.js', Size: 1, LastModified: new Date(0) },
      ],
    });
    s3.on(ListObjectsV2Command, { Prefix: 'releases/r2/' }).resolves({ Contents: [] });
    s3.on(DeleteObjectsCommand).resolves({});
    const result = await prune({ client, bucket: 'site', keep: 1, olderThanMs: 0 });
    expect(result).toMatchObject({ live: 'r1', kept: ['r2', 'r1'], deletedReleases: [], deletedAssets: 1 });
    const deleted = s3.commandCalls(DeleteObjectsCommand).flatMap((call) => call.args[0].input.Delete?.Objects?.map((o) => o.Key));
    expect(deleted).toEqual(['assets/old-1234abcd.js']);
  });
});

describe('prune keeps the rollback target (issue: prune --keep 1 --older-than 0 removed it silently)', () => {
  const r3 = record('r3', []);
  beforeEach(() => {
    // r3 is live, r2 was live before it, r1 before that.
    const manifest = nextManifest(r3, nextManifest(r2, nextManifest(r1, undefined, new Date()), new Date()), new Date());
    s3.on(GetObjectCommand, { Key: POINTER_KEY }).resolves({ Body: body(JSON.stringify(manifest)), ETag: '"m3"' });
    s3.on(GetObjectCommand, { Key: 'releases/r3.json' }).resolves({ Body: body(JSON.stringify(r3)), ETag: '"w"' });
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3.on(ListObjectsV2Command, { Prefix: 'releases/', Delimiter: '/' }).resolves({
      Contents: [{ Key: 'releases/r1.json' }, { Key: 'releases/r2.json' }, { Key: 'releases/r3.json' }],
    });
    s3.on(ListObjectsV2Command, { Prefix: 'assets/' }).resolves({ Contents: [] });
    s3.on(DeleteObjectsCommand).resolves({});
    listChannels({ [POINTER_KEY]: new Date() });
  });

  it('--keep 0 still keeps the live release and the one rollback goes to, and the dry run says so', async () => {
    const result = await prune({ client, bucket: 'site', keep: 0, olderThanMs: 0, dryRun: true });
    expect(result).toMatchObject({ live: 'r3', kept: ['r3', 'r2'], deletedReleases: ['r1'], rollbackTarget: 'r2' });
    expect(SPECS.prune.render(result)).toMatch(/^Dry run: would delete 1 release, [\s\S]*afterwards `shellfront rollback` goes to r2/);
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  it('--drop-rollback-target lets it go, and says rollback will have nothing to go to', async () => {
    const result = await prune({ client, bucket: 'site', keep: 0, olderThanMs: 0, dryRun: true, dropRollbackTarget: true });
    expect(result).toMatchObject({ kept: ['r3'], deletedReleases: ['r2', 'r1'], rollbackTarget: null });
  });

  it('rollback skips a pruned release and says so; --to a pruned release says it was pruned', async () => {
    s3.on(GetObjectCommand, { Key: 'releases/r2.json' }).rejects(s3Error('NoSuchKey', 404));
    s3.on(ListObjectsV2Command, { Prefix: 'releases/r1' }).resolves({ Contents: [{ Key: 'releases/r1.json', Size: 10 }] });
    s3.on(ListObjectsV2Command, { Prefix: 'assets/' }).resolves({ Contents: [{ Key: 'assets/one-1234abcd.js', Size: 1 }] });
    const warnings: string[] = [];
    const reporter = { info() {}, warn: (text: string) => warnings.push(text), progress() {}, endProgress() {} };
    await expect(rollback({ client, bucket: 'site', reporter })).resolves.toMatchObject({ release: 'r1', changed: true });
    expect(warnings).toEqual(['Skipping r2: live before, but pruned since.']);
    await expect(rollback({ client, bucket: 'site', to: 'r2' })).rejects.toThrow(
      /"r2" was live before but has been pruned: its record releases\/r2\.json is gone/,
    );
  });

  it('refuses a negative --keep with the value', async () => {
    await expect(prune({ client, bucket: 'site', keep: -1 })).rejects.toThrow(/--keep must be a whole number of at least 0, got -1/);
  });
});
