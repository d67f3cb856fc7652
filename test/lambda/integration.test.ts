/**
 * The BUILT bundle (dist/edge/index.mjs) against s3rver on loopback, the way the local edge and
 * Lambda@Edge run it: signed GETs through AWS_ENDPOINT_URL_S3, a 1 s TTL from the origin headers.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONFIG_HEADERS } from '../../contracts/edge-config.ts';
import { LOCAL_REGION, S3RVER_CREDENTIALS, startS3Server, type RunningS3Server } from '../../local/s3-server.ts';
import { bundleEdge } from '../../lambda/build.ts';
import { EDGE_BUNDLE_PATH } from '../../scripts/paths.ts';
import type { CloudFrontRequestEvent, CloudFrontRequestResult, CloudFrontResultResponse } from '../../lambda/edge/types.ts';
import { makeManifest, makeRelease } from './helpers.ts';

const BUCKET = 'shellfront-it';
const BUNDLE = EDGE_BUNDLE_PATH;
type Handler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;

let server: RunningS3Server;
let directory: string;
let client: S3Client;
let containers = 0;
const logLines: Array<Record<string, unknown>> = [];

/** A fresh import of the bundle is a fresh container (its own manifest cache). */
async function coldContainer(): Promise<Handler> {
  containers += 1;
  const module = (await import(/* @vite-ignore */ `${pathToFileURL(BUNDLE).href}?container=${containers}`)) as { handler: Handler };
  return module.handler;
}

function event(uri: string): CloudFrontRequestEvent {
  return {
    Records: [
      {
        cf: {
          config: { eventType: 'origin-request' },
          request: {
            clientIp: '127.0.0.1',
            method: 'GET',
            uri,
            querystring: '',
            headers: {},
            origin: {
              s3: {
                authMethod: 'none',
                domainName: `${BUCKET}.s3.${LOCAL_REGION}.amazonaws.com`,
                path: '',
                region: LOCAL_REGION,
                customHeaders: { [CONFIG_HEADERS.manifestTtlSeconds]: [{ key: CONFIG_HEADERS.manifestTtlSeconds, value: '1' }] },
              },
            },
          },
        },
      },
    ],
  };
}

async function putManifest(id: string): Promise<void> {
  const body = JSON.stringify(makeManifest(makeRelease({ id, config: { build: id } })));
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'manifest.json', Body: body, ContentType: 'application/json' }));
}

async function releaseServed(handler: Handler, uri = '/dashboard'): Promise<string | undefined> {
  const response = (await handler(event(uri))) as CloudFrontResultResponse;
  expect(response.status).toBe('200');
  return response.headers['x-shellfront-release']?.[0]?.value;
}

const pastTtl = () => new Promise((resolve) => setTimeout(resolve, 1100));

beforeAll(async () => {
  if (!existsSync(BUNDLE)) bundleEdge(dirname(BUNDLE));
  directory = mkdtempSync(join(tmpdir(), 'shellfront-edge-it-'));
  server = await startS3Server({ directory, buckets: [BUCKET], port: 0 });
  process.env.AWS_ENDPOINT_URL_S3 = server.endpoint;
  process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  client = new S3Client({
    region: LOCAL_REGION,
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = String(chunk);
    if (text.startsWith('{"time"')) {
      logLines.push(JSON.parse(text) as Record<string, unknown>);
      return true;
    }
    return write(chunk, ...(rest as []));
  });
});

afterAll(async () => {
  vi.restoreAllMocks();
  client?.destroy();
  await server?.stop();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe('the built edge bundle against s3rver', () => {
  it('answers 503 "no release" before the first deploy', async () => {
    const handler = await coldContainer();
    const response = (await handler(event('/'))) as CloudFrontResultResponse;
    expect(response.status).toBe('503');
    expect(response.body).toContain('No release is deployed yet');
  });

  it('serves the shell, picks up a new manifest after the TTL, and keeps the last shell when S3 stops', async () => {
    await putManifest('r1');
    const handler = await coldContainer();
    const first = (await handler(event('/'))) as CloudFrontResultResponse;
    expect(first.status).toBe('200');
    expect(first.body).toContain('<script type="application/json" id="shellfront-data">{"release":"r1","config":{"build":"r1"}}</script>');
    expect(((await handler(event('/favicon.svg'))) as { uri: string }).uri).toBe('/releases/r1/favicon.svg');
    expect(((await handler(event('/missing.js'))) as CloudFrontResultResponse).status).toBe('404');

    await putManifest('r2');
    expect(await releaseServed(handler)).toBe('r1'); // still fresh
    await pastTtl();
    expect(await releaseServed(handler)).toBe('r2');
    expect(((await handler(event('/favicon.svg'))) as { uri: string }).uri).toBe('/releases/r2/favicon.svg');

    await server.stop();
    await pastTtl();
    expect(await releaseServed(handler)).toBe('r2');
    expect(logLines).toContainEqual(
      expect.objectContaining({ msg: 'manifest-refresh', outcome: 'error', serving: 'stale', release: 'r2', bucket: BUCKET }),
    );
    expect(logLines).toContainEqual(
      expect.objectContaining({ msg: 'manifest-refresh', outcome: 'updated', release: 'r2', previous: 'r1' }),
    );
  });

  it('answers 503 with Retry-After on a cold container while S3 is down', async () => {
    const handler = await coldContainer();
    const response = (await handler(event('/'))) as CloudFrontResultResponse;
    expect(response.status).toBe('503');
    expect(response.headers['retry-after']?.[0]?.value).toBe('1');
    expect(response.headers['cache-control']?.[0]?.value).toBe('no-store');
  });
});
