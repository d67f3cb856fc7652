// Preview channels in a real browser: `npm start` serves production at localhost and every channel
// at <name>.localhost, through the stack's own viewer function and the local CloudFront cache.
// Production and pr-7 open side by side with different releases; a deep link and a reload stay on
// the preview; a corrupted pointer of another preview leaves production serving; deleting pr-7
// turns its address into the "No Such Preview" page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelPointerKey } from '../../contracts/channels.ts';
import { LOCAL_REGION, S3RVER_CREDENTIALS } from '../../local/s3-server.ts';
import { runCli } from '../../local/deploy.ts';
import { buildExample, launchBrowser, startLocal, waitFor, type StartedLocal } from './harness.ts';

const TTL_SECONDS = 2;

let dir: string;
let local: StartedLocal;
let browser: Browser;
let production: string;
let preview: string;

/** The local edge's address for a channel: http://<channel>.localhost:<port> (production: the edge itself). */
function channelOrigin(channel?: string): string {
  const url = new URL(local.state.edge);
  return channel ? `http://${channel}.localhost:${url.port}` : `http://localhost:${url.port}`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shellfront-e2e-channels-'));
  await Promise.all([buildExample(join(dir, 'prod'), 'production edition'), buildExample(join(dir, 'pr7'), 'preview edition')]);
  local = await startLocal(join(dir, 'data'), ['--dist', join(dir, 'prod'), '--ttl', String(TTL_SECONDS)]);
  production = local.state.release;
  const deployed = await runCli(
    ['deploy', join(dir, 'pr7'), '--bucket', local.state.bucket, '--channel', 'pr-7', '--release', 'e2e-pr7-1', '--json'],
    local.state.s3,
  );
  preview = String(deployed.json?.release);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  if (local && local.process.exitCode === null) local.process.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(url: string) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const response = await page.goto(url);
  return { page, response, errors };
}

const releaseShown = (page: Page) => page.locator('[data-test=release] code').textContent();

describe('preview channels in a browser', () => {
  it('opens production and pr-7 side by side, each on its own release', async () => {
    expect(preview).not.toBe(production);
    const prod = await open(`${channelOrigin()}/`);
    const pr7 = await waitFor(
      async () => {
        const opened = await open(`${channelOrigin('pr-7')}/`);
        if ((await releaseShown(opened.page)) === preview) return opened;
        await opened.page.close();
        return undefined;
      },
      TTL_SECONDS * 1000 + 8000,
      'the pr-7 preview',
    );
    expect(await releaseShown(prod.page)).toBe(production);
    expect(pr7.value.response?.headers()['x-shellfront-channel']).toBe('pr-7');
    expect(pr7.value.response?.headers()['x-robots-tag']).toBe('noindex');
    expect(prod.response?.headers()['x-robots-tag']).toBeUndefined();
    expect(prod.errors).toEqual([]);
    expect(pr7.value.errors).toEqual([]);
    await prod.page.close();
    await pr7.value.page.close();
  });

  it('keeps a deep link and a reload on the preview', async () => {
    const deep = await open(`${channelOrigin('pr-7')}/about`);
    await expect.poll(() => deep.page.locator('[data-test=about-edition]').textContent()).toBe('preview edition');
    await deep.page.reload();
    await expect.poll(() => deep.page.locator('[data-test=about-edition]').textContent()).toBe('preview edition');
    expect(await releaseShown(deep.page)).toBe(preview);
    expect(deep.errors).toEqual([]);
    await deep.page.close();
  });

  it('a corrupted preview pointer leaves production serving', async () => {
    const s3 = new S3Client({ region: LOCAL_REGION, endpoint: local.state.s3, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
    await s3.send(new PutObjectCommand({ Bucket: local.state.bucket, Key: channelPointerKey('pr-8'), Body: '{"schema": 1, "release": ' }));
    s3.destroy();
    const broken = await open(`${channelOrigin('pr-8')}/`);
    expect(broken.response?.status()).toBe(503);
    await broken.page.close();
    const prod = await open(`${channelOrigin()}/pipelines`);
    expect(prod.response?.status()).toBe(200);
    expect(await releaseShown(prod.page)).toBe(production);
    await prod.page.close();
  });

  it('turns the preview into the "No Such Preview" page once its channel is deleted', async () => {
    await runCli(['channels', 'delete', 'pr-7', '--bucket', local.state.bucket, '--json'], local.state.s3);
    const gone = await waitFor(
      async () => {
        const opened = await open(`${channelOrigin('pr-7')}/about`);
        const status = opened.response?.status();
        const text = await opened.page.textContent('body');
        await opened.page.close();
        return status === 404 ? text : undefined;
      },
      TTL_SECONDS * 1000 + 12_000,
      'the deleted preview',
    );
    expect(gone.value).toContain('There is no preview named pr-7');
    console.log(`preview gone ${gone.ms} ms after channels delete (manifest TTL ${TTL_SECONDS} s + shell CDN time)`);
    const prod = await open(`${channelOrigin()}/`);
    expect(await releaseShown(prod.page)).toBe(production);
    await prod.page.close();
  });
});
