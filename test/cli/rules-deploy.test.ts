/**
 * deploy with `_redirects` and `_headers` (mocked S3): the rules land in the record and the
 * manifest, the files are not uploaded, and a bad file is refused before any write.
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
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { nextManifest, parseManifest, validateReleaseRecord } from '../../contracts/release.ts';
import { channelPointerKey } from '../../contracts/channels.ts';

const POINTER_KEY = channelPointerKey('production');
import { deploy } from '../../cli/commands/deploy.ts';
import { EXIT, UsageError } from '../../cli/shared/errors.ts';
import { RulesFileError } from '../../cli/rules/problems.ts';
import { VITE_DIST, body, copyFixture, noSleep, s3Error } from './helpers.ts';

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const s3 = mockClient(client);
const now = () => new Date('2026-11-24T10:00:00Z');
let live = '';

const puts = (): PutObjectCommandInput[] => s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);

beforeEach(() => {
  s3.reset();
  // Absent unless a test says otherwise: the legacy manifest.json, preview pointers.
  s3.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));
  const record = validateReleaseRecord({
    schema: 1,
    id: 'r1',
    createdAt: '2026-11-22T10:00:00.000Z',
    shell: '<!doctype html><title>old</title>',
    assetPrefixes: ['assets/'],
    assets: [],
    files: [],
  });
  live = JSON.stringify(nextManifest(record, undefined, new Date('2026-11-22T10:00:00Z')));
  s3.on(GetObjectCommand, { Key: POINTER_KEY }).callsFake(async () => ({ Body: body(live), ETag: '"etag-1"' }));
  s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));
  s3.on(ListObjectsV2Command).callsFake(async (input: { Prefix: string }) => ({
    Contents: puts()
      .filter((put) => (put.Key as string).startsWith(input.Prefix))
      .map((put) => ({ Key: put.Key, Size: Buffer.byteLength(put.Body as string | Uint8Array), ETag: '"x"' })),
  }));
  s3.on(PutObjectCommand).callsFake(async (input: PutObjectCommandInput) => {
    if (input.Key === POINTER_KEY) live = input.Body as string;
    return {};
  });
});

function build(files: Record<string, string>): string {
  const dist = copyFixture(VITE_DIST);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dist, name), text);
  return dist;
}

describe('deploy with rules files', () => {
  it('stores the parsed rules and --file-extensions in the record and the manifest, and does not upload the files', async () => {
    const dist = build({
      _redirects: '# moved\n/old-runs/*  /runs/:splat  301\n/app/*  /index.html  200\n',
      _headers: '/embed/*\n  Content-Security-Policy: frame-ancestors https://partner.example\n',
    });
    await deploy({ client, bucket: 'site', dist, release: 'r2', retry: noSleep, now, fileExtensions: ['.USDZ', 'glb'] });
    const record = JSON.parse(puts().find((put) => put.Key === 'releases/r2.json')!.Body as string);
    expect(record.rules).toEqual({
      redirects: [
        { line: 2, from: '/old-runs/*', to: '/runs/:splat', status: 301, force: false },
        { line: 3, from: '/app/*', to: '/index.html', status: 200, force: false },
      ],
      headers: [{ line: 1, for: '/embed/*', headers: { 'content-security-policy': 'frame-ancestors https://partner.example' } }],
    });
    expect(record.fileExtensions).toEqual(['usdz', 'glb']);
    expect(parseManifest(live).release.rules).toEqual(record.rules);
    expect(puts().map((put) => put.Key)).not.toContain('releases/r2/_redirects');
    expect(puts().map((put) => put.Key)).not.toContain('releases/r2/_headers');
  });

  it('a change to _redirects alone is a new release, not "unchanged"', async () => {
    const dist = build({ _redirects: '/a /b\n' });
    await deploy({ client, bucket: 'site', dist, release: 'r2', retry: noSleep, now });
    writeFileSync(join(dist, '_redirects'), '/a /c\n');
    const again = await deploy({ client, bucket: 'site', dist, retry: noSleep, now: () => new Date('2026-11-24T11:00:00Z') });
    expect(again.unchanged).toBe(false);
    expect(parseManifest(live).release.rules?.redirects[0]?.to).toBe('/c');
  });

  it.each([
    ['_redirects', '/a /b\n/x /y 999\n', /_redirects:2: status 999 is not supported/],
    [
      '_redirects',
      '/assets/* /elsewhere/:splat\n',
      /_redirects:1: \/assets\/\* is under the asset folder \/assets\/, which CloudFront serves from S3 without the edge function/,
    ],
    ['_redirects', '/releases/* /x\n', /_redirects:1: .*reserves/],
    ['_redirects', '/docs /docs/index.html 200\n', /_redirects:1: the rewrite target \/docs\/index.html is not a file of this build/],
    ['_redirects', '/en/* /404.html 404\n', /_redirects:1: the 404 rule serves \/404.html, but the build has none/],
    ['_headers', '/*\n  Set-Cookie: a=1\n', /_headers:2: Set-Cookie may not be set here/],
    ['_headers', '/assets/*\n  X-A: 1\n', /_headers:1: \/assets\/\* is under the asset folder/],
  ])('refuses a bad %s before writing anything (%s)', async (file, text, why) => {
    const dist = build({ [file]: text });
    const error = await deploy({ client, bucket: 'site', dist, release: 'r2', retry: noSleep, now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RulesFileError);
    expect((error as RulesFileError).exitCode).toBe(EXIT.input);
    expect((error as Error).message).toMatch(why);
    expect((error as Error).message).toContain('nothing was uploaded');
    expect(puts()).toEqual([]);
  });

  it('accepts rewrites to files the build has and client routes', async () => {
    const dist = build({ _redirects: '/icon /favicon.svg 200\n/home /runs 200\n/old /runs/run.2026-11-24.1 301\n' });
    await expect(deploy({ client, bucket: 'site', dist, release: 'r2', retry: noSleep, now })).resolves.toMatchObject({ live: true });
  });

  it('refuses a bad --file-extensions value with the value', async () => {
    await expect(
      deploy({ client, bucket: 'site', dist: VITE_DIST, release: 'r2', retry: noSleep, now, fileExtensions: ['tar.gz'] }),
    ).rejects.toThrow(UsageError);
    await expect(
      deploy({ client, bucket: 'site', dist: VITE_DIST, release: 'r2', retry: noSleep, now, fileExtensions: ['tar.gz'] }),
    ).rejects.toThrow(/--file-extensions: expected 1-16 lowercase letters, digits, _ or - without the dot \(e.g. "usdz"\), got "tar.gz"/);
    expect(puts()).toEqual([]);
  });
});
