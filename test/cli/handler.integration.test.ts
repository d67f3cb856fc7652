/**
 * The built edge handler (dist/edge/index.mjs, `npm run build`) serves each release the CLI
 * deployed from exactly what the CLI wrote: the shell is the build's index.html plus the
 * injected release data, release files and assets pass through to the keys the CLI wrote,
 * and a rollback changes what a fresh container serves.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELEASE_HEADER, SHELL_DATA_ELEMENT_ID } from '../../contracts/release.ts';
import { LOCAL_REGION, S3RVER_CREDENTIALS, startS3Server, type RunningS3Server } from '../../local/s3-server.ts';
import { bundleEdge } from '../../lambda/build.ts';
import { EDGE_BUNDLE_PATH } from '../../scripts/paths.ts';
import { createS3Client } from '../../cli/bucket/client.ts';
import { deploy } from '../../cli/commands/deploy.ts';
import { rollback } from '../../cli/commands/rollback.ts';
import { VITE_DIST, WEBPACK_DIST } from './helpers.ts';

const BUCKET = 'cli-handler';
const BUNDLE = EDGE_BUNDLE_PATH;
const ENV_KEYS = ['AWS_ENDPOINT_URL_S3', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

interface EdgeResponse {
  status?: string;
  headers?: Record<string, { key?: string; value: string }[]>;
  body?: string;
  bodyEncoding?: string;
  uri?: string;
}
type Handler = (event: unknown) => Promise<EdgeResponse>;

let server: RunningS3Server;
let client: S3Client;
let containers = 0;
const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

beforeAll(async () => {
  if (!existsSync(BUNDLE)) bundleEdge(dirname(BUNDLE));
  server = await startS3Server({ directory: mkdtempSync(join(tmpdir(), 'shellfront-s3-')), buckets: [BUCKET] });
  client = createS3Client({ region: LOCAL_REGION, env: { AWS_ENDPOINT_URL_S3: server.endpoint }, credentials: S3RVER_CREDENTIALS });
  for (const key of ENV_KEYS) savedEnv[key] = process.env[key];
  process.env.AWS_ENDPOINT_URL_S3 = server.endpoint;
  process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
});

afterAll(async () => {
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  client?.destroy();
  await server?.stop();
});

/** Each import of the bundle is a new Lambda container with an empty manifest cache. */
async function freshContainer(): Promise<Handler> {
  containers += 1;
  const module = (await import(/* @vite-ignore */ `${pathToFileURL(BUNDLE).href}?cli-container=${containers}`)) as { handler: Handler };
  return module.handler;
}

function originRequest(uri: string) {
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: 'd111111abcdef8.cloudfront.net',
            distributionId: 'EDFDVBD6EXAMPLE',
            eventType: 'origin-request',
            requestId: 'test',
          },
          request: {
            clientIp: '203.0.113.178',
            method: 'GET',
            uri,
            querystring: '',
            headers: { host: [{ key: 'Host', value: `${BUCKET}.s3.us-east-1.amazonaws.com` }] },
            origin: {
              s3: {
                authMethod: 'none',
                customHeaders: {},
                domainName: `${BUCKET}.s3.us-east-1.amazonaws.com`,
                path: '',
                region: 'us-east-1',
              },
            },
          },
        },
      },
    ],
  };
}

function bodyText(response: EdgeResponse): string {
  return response.bodyEncoding === 'base64' ? Buffer.from(response.body ?? '', 'base64').toString('utf-8') : (response.body ?? '');
}

/** The shell with the handler's two insertions taken out: it must be the build's index.html. */
function withoutInjection(html: string, id: string): string {
  const meta = `<meta name="shellfront-release" content="${id}">`;
  expect(html).toContain(meta);
  const data = new RegExp(`<script type="application/json" id="${SHELL_DATA_ELEMENT_ID}">[^<]*</script>`);
  expect(html).toMatch(data);
  return html.replace(meta, '').replace(data, '');
}

async function stored(key: string): Promise<Buffer> {
  const answer = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key.replace(/^\//, '') }));
  return Buffer.from(await answer.Body!.transformToByteArray());
}

async function expectServes(id: string, dist: string, files: readonly string[], assets: readonly string[]): Promise<void> {
  const handler = await freshContainer();
  for (const route of ['/', '/index.html', '/runs/42']) {
    const shell = await handler(originRequest(route));
    expect(shell.status).toBe('200');
    expect(shell.headers?.[RELEASE_HEADER]?.[0]?.value).toBe(id);
    expect(withoutInjection(bodyText(shell), id)).toBe(readFileSync(join(dist, 'index.html'), 'utf-8'));
  }
  for (const file of files) {
    const forwarded = await handler(originRequest(`/${file}`));
    expect(forwarded.status).toBeUndefined();
    expect(forwarded.uri).toBe(`/releases/${id}/${file}`);
    expect((await stored(forwarded.uri as string)).equals(readFileSync(join(dist, file)))).toBe(true);
  }
  for (const asset of assets) {
    const forwarded = await handler(originRequest(`/${asset}`));
    expect(forwarded.uri).toBe(`/${asset}`);
    expect((await stored(asset)).equals(readFileSync(join(dist, asset)))).toBe(true);
  }
  expect((await handler(originRequest('/manifest.json'))).status).toBe('404');
}

describe('the built handler serves what the CLI wrote', () => {
  it('serves the Vite release: shell, release files, assets', async () => {
    await deploy({ client, bucket: BUCKET, dist: VITE_DIST, release: 'vite-1', config: { apiBase: '/api' } });
    await expectServes('vite-1', VITE_DIST, ['favicon.svg', 'robots.txt'], ['assets/index-CGELnclK.js', 'assets/logo-C5a1bT9q.svg']);
    const shell = bodyText(await (await freshContainer())(originRequest('/')));
    const data = JSON.parse(new RegExp(`id="${SHELL_DATA_ELEMENT_ID}">([^<]*)</script>`).exec(shell)?.[1] ?? 'null');
    expect(data).toEqual({ release: 'vite-1', config: { apiBase: '/api' } });
  });

  it('serves the webpack release after it is deployed, and the Vite one again after a rollback', async () => {
    await deploy({ client, bucket: BUCKET, dist: WEBPACK_DIST, release: 'webpack-1' });
    await expectServes('webpack-1', WEBPACK_DIST, ['favicon.ico', 'robots.txt'], ['js/app.7bfe0aac.js', 'img/logo.82b9c7a5.png']);
    await rollback({ client, bucket: BUCKET });
    await expectServes('vite-1', VITE_DIST, ['favicon.svg'], ['assets/index-B2xQ0mFp.css']);
  });
});
