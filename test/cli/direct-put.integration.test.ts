/**
 * The direct upload path (cli/bucket/direct-put.ts): a deploy's uploads skip the SDK's middleware but
 * store the same objects, carry Content-MD5 and the signed SHA-256 of their bytes, and fail,
 * retry and fall back like SDK requests. Against s3rver, and a scripted S3 on loopback for answers
 * s3rver never gives (throttling, access denied, region redirect).
 */
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSET_CACHE_CONTROL, RELEASE_FILE_CACHE_CONTROL, releaseFileKey } from '../../contracts/release.ts';
import { LOCAL_REGION, S3RVER_CREDENTIALS, startS3Server, type RunningS3Server } from '../../local/s3-server.ts';
import { Bucket } from '../../cli/bucket/bucket.ts';
import { createObjectWriter, createS3Client } from '../../cli/bucket/client.ts';
import { deploy } from '../../cli/commands/deploy.ts';
import { verify } from '../../cli/commands/verify.ts';
import type { DirectPut } from '../../cli/bucket/direct-put.ts';
import { scanDist } from '../../cli/build/dist.ts';
import { AwsAccessError } from '../../cli/shared/errors.ts';
import { VITE_DIST, noSleep } from './helpers.ts';
import { channelPointerKey } from '../../contracts/channels.ts';

const POINTER_KEY = channelPointerKey('production');

const BUCKET = 'direct-puts';
let server: RunningS3Server;

beforeAll(async () => {
  server = await startS3Server({ directory: mkdtempSync(join(tmpdir(), 'shellfront-s3-')), buckets: [BUCKET] });
});

afterAll(async () => {
  await server?.stop();
});

/** A client as the CLI builds it, counting the PutObject commands that go through the SDK. */
function directClient(endpoint: string): { client: S3Client; writer: DirectPut; sdkPuts: string[] } {
  const env = { AWS_ENDPOINT_URL_S3: endpoint };
  const client = createS3Client({ region: LOCAL_REGION, env, credentials: S3RVER_CREDENTIALS });
  const writer = createObjectWriter(client, { env });
  const sdkPuts: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'PutObjectCommand') sdkPuts.push((args.input as { Key: string }).Key);
      return next(args);
    },
    { step: 'initialize', name: 'countSdkPuts' },
  );
  return { client, writer, sdkPuts };
}

describe('direct uploads against s3rver', () => {
  it('a deploy uploads without the SDK and stores exactly what the SDK would', async () => {
    const { client, writer, sdkPuts } = directClient(server.endpoint);
    const result = await deploy({ client, objectWriter: writer, bucket: BUCKET, dist: VITE_DIST, release: 'direct-1' });
    expect(result).toMatchObject({ live: true, assets: { uploaded: result.assets.total } });
    // Only the conditional writes (release record, manifest.json) go through the SDK.
    expect(sdkPuts).toEqual(['releases/direct-1.json', POINTER_KEY]);
    const scanned = await scanDist(VITE_DIST);
    for (const [key, file, cacheControl] of [
      ...scanned.assets.map((file) => [file.path, file, ASSET_CACHE_CONTROL] as const),
      ...scanned.files.map((file) => [releaseFileKey('direct-1', file.path), file, RELEASE_FILE_CACHE_CONTROL] as const),
    ]) {
      const answer = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      const bytes = Buffer.from(await answer.Body!.transformToByteArray());
      expect(bytes.equals(readFileSync(join(VITE_DIST, file.path))), key).toBe(true);
      expect(answer.ContentType).toBe(file.contentType);
      expect(answer.CacheControl).toBe(cacheControl);
      expect(answer.ETag).toBe(`"${file.md5Hex}"`);
    }
    const asset = scanned.assets[0]!;
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: asset.path }));
    expect(head.Metadata).toEqual({ sha256: asset.sha256 });
    await expect(verify({ client, bucket: BUCKET })).resolves.toMatchObject({ release: 'direct-1' });
    writer.destroy();
    client.destroy();
  });
});

interface Seen {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/** An S3 stand-in that answers each PUT with the next scripted answer (200 once the script runs out). */
async function scriptedS3(
  answers: Array<{ status: number; code?: string }>,
): Promise<{ endpoint: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const http: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
      const answer = answers.shift() ?? { status: 200 };
      response.statusCode = answer.status;
      if (answer.status === 200) response.setHeader('ETag', '"etag"');
      response.end(
        answer.code ? `<?xml version="1.0"?><Error><Code>${answer.code}</Code><Message>scripted ${answer.code}</Message></Error>` : '',
      );
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
}

const body = Buffer.from('export const answer = 42;\n');
const md5 = createHash('md5').update(body).digest('base64');
const sha256 = createHash('sha256').update(body).digest('hex');
const put = (bucket: Bucket, key = 'assets/a-1b2c3d4e.js') =>
  bucket.put(key, body, {
    contentType: 'text/javascript; charset=utf-8',
    cacheControl: ASSET_CACHE_CONTROL,
    contentMd5: md5,
    sha256,
    metadata: { sha256 },
  });

describe('direct uploads: answers and failures', () => {
  it('sends Content-MD5 and the signed SHA-256 of the body, path-style with an encoded key', async () => {
    const s3 = await scriptedS3([]);
    const { client, writer, sdkPuts } = directClient(s3.endpoint);
    await put(new Bucket(client, 'site', noSleep, writer), 'assets/a b-1b2c3d4e.js');
    expect(sdkPuts).toEqual([]);
    const [request] = s3.seen;
    expect(request?.path).toBe('/site/assets/a%20b-1b2c3d4e.js');
    expect(request?.body.equals(body)).toBe(true);
    expect(request?.headers).toMatchObject({
      'content-md5': md5,
      'x-amz-content-sha256': sha256,
      'x-amz-meta-sha256': sha256,
      'cache-control': ASSET_CACHE_CONTROL,
      'content-type': 'text/javascript; charset=utf-8',
    });
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=S3RVER\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=content-length;content-md5;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-meta-sha256, Signature=[0-9a-f]{64}$/,
    );
    writer.destroy();
    client.destroy();
    await s3.close();
  });

  it('retries throttling and server errors, like SDK requests', async () => {
    const s3 = await scriptedS3([
      { status: 503, code: 'SlowDown' },
      { status: 500, code: 'InternalError' },
    ]);
    const { client, writer } = directClient(s3.endpoint);
    await put(new Bucket(client, 'site', noSleep, writer));
    expect(s3.seen).toHaveLength(3);
    writer.destroy();
    client.destroy();
    await s3.close();
  });

  it('turns access denied into the error that names the permission', async () => {
    const s3 = await scriptedS3([{ status: 403, code: 'AccessDenied' }]);
    const { client, writer } = directClient(s3.endpoint);
    const error = await put(new Bucket(client, 'site', noSleep, writer)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AwsAccessError);
    expect((error as Error).message).toMatch(/PutObject s3:\/\/site\/assets\/a-1b2c3d4e\.js needs s3:PutObject/);
    expect(s3.seen).toHaveLength(1);
    writer.destroy();
    client.destroy();
    await s3.close();
  });

  it('hands a region redirect to the SDK, for that PUT and the ones after it', async () => {
    const s3 = await scriptedS3([{ status: 301, code: 'PermanentRedirect' }]);
    const { client, writer, sdkPuts } = directClient(s3.endpoint);
    const bucket = new Bucket(client, 'site', noSleep, writer);
    await put(bucket);
    await put(bucket, 'assets/b-1b2c3d4e.js');
    expect(sdkPuts).toEqual(['assets/a-1b2c3d4e.js', 'assets/b-1b2c3d4e.js']);
    // The SDK's requests say which operation they are (?x-id=PutObject); the direct one does not.
    expect(s3.seen.map((request) => request.path)).toEqual([
      '/site/assets/a-1b2c3d4e.js',
      '/site/assets/a-1b2c3d4e.js?x-id=PutObject',
      '/site/assets/b-1b2c3d4e.js?x-id=PutObject',
    ]);
    writer.destroy();
    client.destroy();
    await s3.close();
  });
});
