/**
 * A distant edge location: the BUILT bundle reads its manifest through a proxy that adds a 300 ms
 * round trip (about ap-southeast-2 to eu-west-1). A cold container gets its manifest within the
 * default fetch bound, and a warm one refreshes over the connection it kept (one connection for
 * both: no new DNS + TCP + TLS per refresh).
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EDGE_CONFIG } from '../../contracts/edge-config.ts';
import { startLatencyProxy, type LatencyProxy } from '../../local/latency-proxy.ts';
import { localOriginEvent, localS3Client, S3RVER_CREDENTIALS, startS3Server, type RunningS3Server } from '../../local/s3-server.ts';
import type { CloudFrontRequestEvent, CloudFrontRequestResult, CloudFrontResultResponse } from '../../lambda/edge/types.ts';
import { bundleEdge } from '../../lambda/build.ts';
import { EDGE_BUNDLE_PATH } from '../../scripts/paths.ts';
import { makeManifest, makeRelease } from './helpers.ts';

const BUCKET = 'shellfront-far';
const RTT_MS = 300;
const BUNDLE = EDGE_BUNDLE_PATH;
type Handler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;

let server: RunningS3Server;
let proxy: LatencyProxy;
let directory: string;
let client: S3Client;

const event = () => localOriginEvent(BUCKET, '/dashboard', 1);

async function putManifest(id: string): Promise<void> {
  const body = JSON.stringify(makeManifest(makeRelease({ id })));
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'manifest.json', Body: body, ContentType: 'application/json' }));
}

async function timed(handler: Handler): Promise<{ release: string | undefined; ms: number }> {
  const started = performance.now();
  const response = (await handler(event())) as CloudFrontResultResponse;
  expect(response.status).toBe('200');
  return { release: response.headers['x-shellfront-release']?.[0]?.value, ms: performance.now() - started };
}

beforeAll(async () => {
  if (!existsSync(BUNDLE)) bundleEdge(dirname(BUNDLE));
  directory = mkdtempSync(join(tmpdir(), 'shellfront-far-'));
  server = await startS3Server({ directory, buckets: [BUCKET], port: 0 });
  proxy = await startLatencyProxy({ host: '127.0.0.1', port: server.port }, RTT_MS);
  process.env.AWS_ENDPOINT_URL_S3 = proxy.endpoint;
  process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  client = localS3Client(server.endpoint);
});

afterAll(async () => {
  client?.destroy();
  await proxy?.close();
  await server?.stop();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe(`the built bundle ${RTT_MS} ms of round trip away from its bucket`, () => {
  it('a cold container gets its manifest within the default bound; a warm one refreshes over the same connection', async () => {
    await putManifest('r1');
    const { handler } = (await import(/* @vite-ignore */ `${pathToFileURL(BUNDLE).href}?far=1`)) as { handler: Handler };
    const cold = await timed(handler);
    expect(cold.release).toBe('r1');
    // Connect + request: two round trips here (a real one adds DNS and TLS: about four).
    expect(cold.ms).toBeGreaterThanOrEqual(2 * RTT_MS - 50);
    expect(cold.ms).toBeLessThan(DEFAULT_EDGE_CONFIG.fetchTimeoutMs);
    expect(proxy.connections()).toBe(1);

    await putManifest('r2');
    await new Promise((resolve) => setTimeout(resolve, 1100)); // past the 1 s TTL
    const warm = await timed(handler);
    expect(warm.release).toBe('r2');
    expect(proxy.connections()).toBe(1); // the kept-alive connection, no new handshake
    expect(warm.ms).toBeLessThan(cold.ms);
  }, 20_000);
});
