/**
 * deploy against a mocked S3 (aws-sdk-client-mock): the conditional switch, AccessDenied,
 * throttling, failures halfway through uploads, and refusals that happen before any write.
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ASSET_CACHE_CONTROL,
  RELEASE_FILE_CACHE_CONTROL,
  nextManifest,
  parseManifest,
  validateReleaseRecord,
} from '../../contracts/release.ts';
import { channelPointerKey } from '../../contracts/channels.ts';

const POINTER_KEY = channelPointerKey('production');
import { deploy } from '../../cli/commands/deploy.ts';
import { AwsAccessError, ConflictError, EXIT, InputError, TransientError } from '../../cli/shared/errors.ts';
import { VITE_DIST, body, copyFixture, networkError, noSleep, s3Error } from './helpers.ts';

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const s3 = mockClient(client);
const options = { client, bucket: 'site', dist: VITE_DIST, release: 'r2', retry: noSleep, now: () => new Date('2026-11-23T10:00:00Z') };

const liveRecord = validateReleaseRecord({
  schema: 1,
  id: 'r1',
  createdAt: '2026-11-22T10:00:00.000Z',
  shell: '<!doctype html><title>old</title>',
  assetPrefixes: ['assets/'],
  assets: [],
  files: [],
});
const liveManifest = JSON.stringify(nextManifest(liveRecord, undefined, new Date('2026-11-22T10:00:00Z')));

function puts(): PutObjectCommandInput[] {
  return s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
}

function putKeys(): string[] {
  return puts().map((input) => input.Key as string);
}

beforeEach(() => {
  s3.reset();
  // Absent unless a test says otherwise: the legacy manifest.json, preview pointers.
  s3.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));
  s3.on(GetObjectCommand, { Key: POINTER_KEY }).resolves({ Body: body(liveManifest), ETag: '"etag-1"' });
  s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));
  s3.on(ListObjectsV2Command).callsFake(async (input: { Prefix: string }) => ({
    Contents: putKeys()
      .filter((key) => key.startsWith(input.Prefix))
      .map((Key) => ({ Key, Size: sizeOf(Key), ETag: '"x"' })),
  }));
  s3.on(PutObjectCommand).resolves({});
});

function sizeOf(key: string): number {
  const input = puts().find((put) => put.Key === key);
  const payload = input?.Body;
  return typeof payload === 'string' ? Buffer.byteLength(payload) : (payload as Uint8Array).byteLength;
}

describe('deploy (mocked S3)', () => {
  it('uploads assets, then release files, then the record, then manifest.json with If-Match the ETag it read', async () => {
    const result = await deploy(options);
    expect(result).toMatchObject({ release: 'r2', live: true, previous: 'r1', assets: { total: 4, uploaded: 4, skipped: 0 } });
    const keys = putKeys();
    expect(keys.at(-1)).toBe(POINTER_KEY);
    expect(keys.at(-2)).toBe('releases/r2.json');
    expect(keys.slice(0, -2).sort()).toEqual(
      [
        'assets/RunView-Dx9kq1Ze.js',
        'assets/index-B2xQ0mFp.css',
        'assets/index-CGELnclK.js',
        'assets/logo-C5a1bT9q.svg',
        'releases/r2/favicon.svg',
        'releases/r2/robots.txt',
      ].sort(),
    );
    const manifestPut = puts().at(-1);
    expect(manifestPut?.IfMatch).toBe('"etag-1"');
    expect(manifestPut?.IfNoneMatch).toBeUndefined();
    const manifest = parseManifest(manifestPut?.Body as string);
    expect(manifest.release.id).toBe('r2');
    expect(manifest.previous).toEqual(['r1']);
    expect(puts().find((put) => put.Key === 'releases/r2.json')?.IfNoneMatch).toBe('*');

    const asset = puts().find((put) => put.Key === 'assets/index-CGELnclK.js');
    const bytes = readFileSync(join(VITE_DIST, 'assets/index-CGELnclK.js'));
    expect(asset).toMatchObject({ CacheControl: ASSET_CACHE_CONTROL, ContentType: 'text/javascript; charset=utf-8' });
    expect(asset?.ContentMD5).toBe(createHash('md5').update(bytes).digest('base64'));
    expect(asset?.Metadata).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex') });
    expect(puts().find((put) => put.Key === 'releases/r2/robots.txt')?.CacheControl).toBe(RELEASE_FILE_CACHE_CONTROL);
  });

  it('writes the first manifest with If-None-Match *', async () => {
    s3.on(GetObjectCommand, { Key: POINTER_KEY }).rejects(s3Error('NoSuchKey', 404));
    await deploy(options);
    expect(puts().at(-1)).toMatchObject({ Key: POINTER_KEY, IfNoneMatch: '*' });
    expect(puts().at(-1)?.IfMatch).toBeUndefined();
  });

  it('loses a concurrent deploy race with a clear ConflictError (412 on the production pointer)', async () => {
    s3.on(PutObjectCommand, { Key: POINTER_KEY }).rejects(s3Error('PreconditionFailed', 412));
    const error = await deploy(options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).exitCode).toBe(EXIT.conflict);
    expect((error as Error).message).toMatch(
      /Another deploy or rollback changed .*_shellfront\/channels\/production\.json.*"r2" was NOT made live/,
    );
    expect(s3.commandCalls(PutObjectCommand, { Key: POINTER_KEY })).toHaveLength(1);
  });

  it('names the missing permission on AccessDenied and writes nothing', async () => {
    s3.on(ListObjectsV2Command).rejects(s3Error('AccessDenied', 403, 'Access Denied'));
    const error = await deploy(options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AwsAccessError);
    expect((error as AwsAccessError).exitCode).toBe(EXIT.aws);
    expect((error as Error).message).toMatch(/s3:ListBucket on arn:aws:s3:::site\b/);
    expect((error as Error).message).toMatch(/Nothing was switched: "r1" is still live/);
    expect(putKeys()).toEqual([]);
  });

  it('names s3:PutObject when uploads are denied', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('AccessDenied', 403));
    await expect(deploy(options)).rejects.toThrow(/needs s3:PutObject on arn:aws:s3:::site\/\*/);
  });

  it('retries throttled uploads with backoff and succeeds', async () => {
    const delays: number[] = [];
    s3.on(PutObjectCommand, { Key: 'assets/index-CGELnclK.js' })
      .rejectsOnce(s3Error('SlowDown', 503))
      .rejectsOnce(s3Error('SlowDown', 503))
      .resolves({});
    const result = await deploy({ ...options, retry: { attempts: 4, sleep: async (ms) => void delays.push(ms), baseDelayMs: 100 } });
    expect(result.live).toBe(true);
    expect(delays).toHaveLength(2);
    expect(delays.every((ms) => ms >= 0 && ms <= 800)).toBe(true);
    expect(s3.commandCalls(PutObjectCommand, { Key: 'assets/index-CGELnclK.js' })).toHaveLength(3);
  });

  it('gives up on endless throttling with a TransientError and does not switch', async () => {
    s3.on(PutObjectCommand, { Key: 'assets/index-CGELnclK.js' }).rejects(s3Error('SlowDown', 503));
    const error = await deploy(options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).exitCode).toBe(EXIT.transient);
    expect((error as Error).message).toMatch(/kept failing after retries[\s\S]*Nothing was switched: "r1" is still live. Re-running/);
    expect(s3.commandCalls(PutObjectCommand, { Key: 'assets/index-CGELnclK.js' })).toHaveLength(noSleep.attempts);
    expect(putKeys()).not.toContain(POINTER_KEY);
  });

  it('stops halfway through uploads on a network failure: no record, no manifest', async () => {
    let count = 0;
    s3.on(PutObjectCommand).callsFake(async () => {
      count++;
      if (count > 3) throw networkError('ECONNREFUSED');
      return {};
    });
    const error = await deploy({ ...options, concurrency: 1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/Nothing was switched/);
    const attempted = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
    expect(attempted).not.toContain('releases/r2.json');
    expect(attempted).not.toContain(POINTER_KEY);
  });

  it('refuses, before writing anything, an asset key that would get different bytes', async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: 'assets/index-CGELnclK.js', Size: 3, ETag: '"abc"' }],
    });
    // Another build's file: complete, with its own checksum recorded by the CLI.
    s3.on(HeadObjectCommand, { Key: 'assets/index-CGELnclK.js' }).resolves({ ContentLength: 3, Metadata: { sha256: 'b'.repeat(64) } });
    const error = await deploy(options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/would get different bytes[\s\S]*assets\/index-CGELnclK\.js: 3 bytes in the bucket/);
    expect(putKeys()).toEqual([]);
  });

  it('uploads again an empty leftover of an interrupted upload, unless the live release uses that key', async () => {
    const path = 'assets/index-CGELnclK.js';
    const empty = { Key: path, Size: 0, ETag: '"d41d8cd98f00b204e9800998ecf8427e"' };
    s3.on(ListObjectsV2Command, { Prefix: 'assets/' }).resolvesOnce({ Contents: [empty] });
    const warnings: string[] = [];
    const reporter = { info() {}, warn: (message: string) => void warnings.push(message), progress() {}, endProgress() {} };
    const result = await deploy({ ...options, reporter });
    expect(result.assets.uploaded).toBe(4);
    expect(putKeys()).toContain(path);
    expect(warnings.join('\n')).toMatch(/1 object left by an interrupted upload[\s\S]*assets\/index-CGELnclK\.js/);

    s3.reset();
    // Absent unless a test says otherwise: the legacy manifest.json, preview pointers.
    s3.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));
    const usingIt = validateReleaseRecord({
      ...liveRecord,
      assets: [{ path, size: 0, sha256: 'e'.repeat(64), contentType: 'text/javascript' }],
    });
    s3.on(GetObjectCommand, { Key: POINTER_KEY }).resolves({
      Body: body(JSON.stringify(nextManifest(usingIt, undefined, new Date()))),
      ETag: '"e"',
    });
    s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));
    s3.on(ListObjectsV2Command).resolves({ Contents: [empty] });
    await expect(deploy(options)).rejects.toThrow(/would get different bytes[\s\S]*0 bytes in the bucket/);
  });

  it.each([
    ["with this file's own checksum (our upload, cut mid-body)", 'own'],
    ["without the CLI's checksum metadata", 'none'],
  ])('uploads again a partial object %s that the live release does not use', async (_, metadata) => {
    const path = 'assets/index-CGELnclK.js';
    const bytes = readFileSync(join(VITE_DIST, path));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    s3.on(ListObjectsV2Command, { Prefix: 'assets/' }).resolvesOnce({ Contents: [{ Key: path, Size: 5, ETag: '"partial"' }] });
    s3.on(HeadObjectCommand, { Key: path }).resolves({ ContentLength: 5, Metadata: metadata === 'own' ? { sha256 } : {} });
    const warnings: string[] = [];
    const reporter = { info() {}, warn: (message: string) => void warnings.push(message), progress() {}, endProgress() {} };
    await expect(deploy({ ...options, reporter })).resolves.toMatchObject({ live: true, assets: { uploaded: 4 } });
    expect(putKeys()).toContain(path);
    expect(warnings.join('\n')).toMatch(/left by an interrupted upload/);
  });

  it('accepts an existing asset whose ETag is not an MD5 when its sha256 metadata matches (SSE-KMS)', async () => {
    const path = 'assets/index-CGELnclK.js';
    const bytes = readFileSync(join(VITE_DIST, path));
    s3.on(HeadObjectCommand, { Key: path }).resolves({ Metadata: { sha256: createHash('sha256').update(bytes).digest('hex') } });
    // The asset is already there with a non-MD5 ETag; everything else is what this deploy puts.
    s3.on(ListObjectsV2Command).callsFake(async (input: { Prefix: string }) => ({
      Contents: [
        { Key: path, Size: bytes.byteLength, ETag: '"kms-etag"' },
        ...putKeys()
          .filter((key) => key !== path)
          .map((Key) => ({ Key, Size: sizeOf(Key) })),
      ].filter((object) => object.Key.startsWith(input.Prefix)),
    }));
    const result = await deploy(options);
    expect(result.assets).toMatchObject({ total: 4, uploaded: 3, skipped: 1 });
    expect(putKeys()).not.toContain(path);
  });

  it('refuses an existing release id', async () => {
    s3.on(HeadObjectCommand, { Key: 'releases/r2.json' }).resolves({ ContentLength: 10 });
    await expect(deploy(options)).rejects.toThrow(/Release "r2" already exists/);
    expect(putKeys()).toEqual([]);
  });

  it('resumes a pinned --release whose earlier run wrote the record of this very build, then switches', async () => {
    s3.on(PutObjectCommand, { Key: POINTER_KEY }).rejects(s3Error('AccessDenied', 403));
    await expect(deploy(options)).rejects.toThrow(/Access denied/);
    const recordBody = puts().find((put) => put.Key === 'releases/r2.json')?.Body as string;
    expect(recordBody).toBeTruthy();

    s3.on(HeadObjectCommand, { Key: 'releases/r2.json' }).resolves({ ContentLength: recordBody.length });
    s3.on(GetObjectCommand, { Key: 'releases/r2.json' }).resolves({ Body: body(recordBody), ETag: '"rec"' });
    s3.on(PutObjectCommand, { Key: POINTER_KEY }).resolves({});
    const before = putKeys().length;
    const messages: string[] = [];
    const reporter = { info: (text: string) => void messages.push(text), warn() {}, progress() {}, endProgress() {} };
    await expect(deploy({ ...options, reporter })).resolves.toMatchObject({ release: 'r2', live: true });
    expect(messages.join('\n')).toMatch(/written by an earlier run of this deploy with the same build: resuming/);
    const again = putKeys().slice(before);
    expect(again).not.toContain('releases/r2.json');
    expect(again.at(-1)).toBe(POINTER_KEY);

    // The same id with a different build is still refused.
    const other = validateReleaseRecord({ ...JSON.parse(recordBody), shell: '<!doctype html><title>other</title>' });
    s3.on(GetObjectCommand, { Key: 'releases/r2.json' }).resolves({ Body: body(JSON.stringify(other)), ETag: '"rec"' });
    await expect(deploy(options)).rejects.toThrow(/Release "r2" already exists/);
  });

  it("keeps the live release's runtime config when --config is not given, and drops it only with --config none", async () => {
    const withConfig = validateReleaseRecord({ ...liveRecord, config: { apiBase: '/api/v2' } });
    s3.on(GetObjectCommand, { Key: POINTER_KEY }).resolves({
      Body: body(JSON.stringify(nextManifest(withConfig, undefined, new Date()))),
      ETag: '"c"',
    });
    const messages: string[] = [];
    const reporter = { info: (text: string) => void messages.push(text), warn() {}, progress() {}, endProgress() {} };
    await deploy({ ...options, reporter });
    const record = () =>
      JSON.parse(
        puts()
          .filter((put) => put.Key?.startsWith('releases/r') && put.Key.endsWith('.json'))
          .at(-1)?.Body as string,
      );
    expect(record().config).toEqual({ apiBase: '/api/v2' });
    expect(messages.join('\n')).toMatch(/Runtime config: kept from the live release r1 .*--config none to drop it/);

    s3.resetHistory();
    await deploy({ ...options, release: 'r3', config: null });
    expect(record().config).toBeUndefined();
  });

  it('refuses to switch when a reused asset vanished during the deploy (e.g. a concurrent prune)', async () => {
    const path = 'assets/index-CGELnclK.js';
    const bytes = readFileSync(join(VITE_DIST, path));
    const before = { Key: path, Size: bytes.byteLength, ETag: `"${createHash('md5').update(bytes).digest('hex')}"` };
    s3.on(ListObjectsV2Command, { Prefix: 'assets/' })
      .resolvesOnce({ Contents: [before] })
      .resolves({ Contents: [] });
    await expect(deploy(options)).rejects.toThrow(/Before switching: release "r2" is incomplete[\s\S]*missing: assets\/index-CGELnclK\.js/);
    expect(putKeys()).not.toContain(path);
    expect(putKeys()).not.toContain(POINTER_KEY);
  });

  it('does not list again when every object was uploaded by this deploy', async () => {
    await deploy(options);
    // One listing before uploading (the asset folder), none after: S3 confirmed each PUT.
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(1);
  });

  it('writes nothing on --dry-run', async () => {
    const result = await deploy({ ...options, dryRun: true });
    expect(result).toMatchObject({ live: false, dryRun: true, assets: { uploaded: 4 } });
    expect(putKeys()).toEqual([]);
  });

  it('refuses, before any upload, a release whose shell the edge could not serve', async () => {
    const dist = copyFixture(VITE_DIST);
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    writeFileSync(
      join(dist, 'index.html'),
      html.replace('</body>', `<script type="application/json">"${'x'.repeat(1024 * 1024)}"</script></body>`),
    );
    const refusal = deploy({ ...options, dist });
    await expect(refusal).rejects.toBeInstanceOf(InputError);
    await expect(refusal).rejects.toThrow(/cannot be served: the rendered shell .* bytes; the limit is 983040.*"r1" is still live/s);
    expect(putKeys()).toEqual([]);
  });

  it('refuses a runtime config too large to inline in the shell', async () => {
    const refusal = deploy({ ...options, config: { blob: 'x'.repeat(1000 * 1024) } });
    await expect(refusal).rejects.toThrow(/cannot be served: the rendered shell \(index.html \+ release config\)/);
    expect(putKeys()).toEqual([]);
  });

  it('rejects a bad --concurrency with the value', async () => {
    await expect(deploy({ ...options, concurrency: 0 })).rejects.toThrow('--concurrency must be a whole number of at least 1, got 0');
  });
});
