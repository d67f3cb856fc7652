// `npm start` proven in a real browser: the whole system (s3rver, the real CLI deploy, the
// sample API, the local edge running the built handler) started as its own process on free
// ports, driven by Debian's chromium.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSET_CACHE_CONTROL } from '../../contracts/release.ts';
import { CliProcessError, runCli } from '../../local/deploy.ts';
import { PROJECT_ROOT } from '../../scripts/paths.ts';
import { buildExample, launchBrowser, startLocal, waitFor, type StartedLocal } from './harness.ts';

const TTL_SECONDS = 2;
const ARTIFACTS = join(PROJECT_ROOT, 'test-results', 'e2e');

let dir: string;
let local: StartedLocal;
let browser: Browser;
let firstRelease: string;
let secondRelease: string;
const distA = () => join(dir, 'dist-a');
const distB = () => join(dir, 'dist-b');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shellfront-e2e-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  await Promise.all([buildExample(distA(), 'first edition'), buildExample(distB(), 'second edition')]);
  local = await startLocal(join(dir, 'data'), ['--dist', distA(), '--ttl', String(TTL_SECONDS)]);
  firstRelease = local.state.release;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  if (local && local.process.exitCode === null) local.process.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A page that records every response and fails the test on script errors. */
async function openPage(path: string) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
  const responses: { url: string; status: number; headers: Record<string, string> }[] = [];
  const errors: string[] = [];
  page.on('response', (response) => responses.push({ url: response.url(), status: response.status(), headers: response.headers() }));
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('requestfailed', (request) => errors.push(`${request.url()}: ${request.failure()?.errorText}`));
  const response = await page.goto(`${local.state.edge}${path}`);
  return { page, response, responses, errors };
}

const releaseShown = (page: Page) => page.locator('[data-test=release] code').textContent();

async function liveReleaseInNewPage(): Promise<string | undefined> {
  const { page } = await openPage('/');
  const shown = (await releaseShown(page)) ?? undefined;
  await page.close();
  return shown;
}

describe('npm start in a browser', () => {
  it('renders a deep link on a nested route, and again after a reload', async () => {
    const { page, response, responses, errors } = await openPage('/runs/run-140/steps/train');
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    await expect.poll(() => page.locator('[data-test=step-status]').textContent()).toBe('failed');
    expect(await page.locator('[data-test=log]').textContent()).toContain('out of memory');
    expect(await releaseShown(page)).toBe(firstRelease);
    // The lazy route chunk came from the assets behavior.
    expect(responses.some((r) => /\/assets\/StepView-[\w-]+\.js$/.test(r.url) && r.status === 200)).toBe(true);

    const reloaded = await page.reload();
    expect(reloaded?.status()).toBe(200);
    await expect.poll(() => page.locator('[data-test=step-status]').textContent()).toBe('failed');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loads a lazy chunk on client-side navigation and calls the API through /api', async () => {
    const { page, responses, errors } = await openPage('/');
    expect(responses.some((r) => r.url.includes('/assets/AboutView-'))).toBe(false);
    await page.getByRole('link', { name: 'About', exact: true }).first().click();
    await expect.poll(() => page.locator('[data-test=about-edition]').textContent()).toBe('first edition');
    expect(responses.some((r) => /\/assets\/AboutView-[\w-]+\.js$/.test(r.url) && r.status === 200)).toBe(true);

    await page.getByRole('link', { name: 'Runs', exact: true }).first().click();
    const rows = page.locator('[data-test=runs] tbody tr');
    await expect.poll(() => rows.count()).toBe(6);
    await page.locator('[data-test=trigger]').click();
    await expect.poll(() => rows.count()).toBe(7);
    expect(responses.some((r) => r.url.endsWith('/api/runs') && r.status === 201)).toBe(true);
    expect(errors).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'runs.png') });
    await page.close();
  });

  it('keeps an API 404 a JSON 404, shown as such by the app', async () => {
    const { page, response } = await openPage('/api/runs/run-999');
    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse((await response?.text()) ?? '')).toMatchObject({ error: 'not_found' });
    await page.goto(`${local.state.edge}/runs/run-999`);
    await expect.poll(() => page.locator('[data-test=error]').textContent()).toContain('no run "run-999"');
    await page.close();
  });

  it('answers a missing asset with a 404 that is not HTML, and a missing file with a 404 that is not the shell', async () => {
    const { page } = await openPage('/');
    const asset = await page.request.get(`${local.state.edge}/assets/index-Missing1.js`);
    expect(asset.status()).toBe(404);
    expect(asset.headers()['content-type'] ?? '').not.toMatch(/html/);
    const file = await page.request.get(`${local.state.edge}/logo-missing.png`);
    expect(file.status()).toBe(404);
    expect(await file.text()).not.toContain('id="app"');
    await page.close();
  });

  it('serves hashed assets with the immutable header and the shell with revalidation', async () => {
    const { page, response, responses } = await openPage('/runs');
    await expect.poll(() => page.locator('[data-test=runs] tbody tr').count()).toBeGreaterThan(0);
    const assets = responses.filter((r) => new URL(r.url).pathname.startsWith('/assets/'));
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) expect(asset.headers['cache-control'], asset.url).toBe(ASSET_CACHE_CONTROL);
    expect(response?.headers()['cache-control']).toMatch(/max-age=0/);
    expect(response?.headers()['x-shellfront-release']).toBe(firstRelease);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.close();
  });

  it('shows a second deploy within the TTL with nothing restarted, while an old tab still loads its lazy chunk', async () => {
    const old = await openPage('/');
    expect(await releaseShown(old.page)).toBe(firstRelease);

    const deployed = await runCli(['deploy', distB(), '--bucket', local.state.bucket, '--message', 'e2e second', '--json'], local.state.s3);
    secondRelease = String(deployed.json?.release);
    expect(secondRelease).not.toBe(firstRelease);
    const seen = await waitFor(
      async () => ((await liveReleaseInNewPage()) === secondRelease ? true : undefined),
      TTL_SECONDS * 1000 + 8000,
      'the second release',
    );
    console.log(`second release visible ${seen.ms} ms after the deploy finished (manifest TTL ${TTL_SECONDS} s)`);
    expect(local.process.exitCode).toBe(null);

    const fresh = await openPage('/about');
    await expect.poll(() => fresh.page.locator('[data-test=about-edition]').textContent()).toBe('second edition');
    await fresh.page.close();

    // The old tab never loaded its About chunk; it does now, from the first release's assets.
    await old.page.getByRole('link', { name: 'About', exact: true }).first().click();
    await expect.poll(() => old.page.locator('[data-test=about-edition]').textContent()).toBe('first edition');
    expect(await releaseShown(old.page)).toBe(firstRelease);
    expect(old.responses.some((r) => /\/assets\/AboutView-[\w-]+\.js$/.test(r.url) && r.status === 200)).toBe(true);
    expect(old.errors).toEqual([]);
    await old.page.close();
  });

  it('rolls back to the first release within the TTL', async () => {
    const rolledBack = await runCli(['rollback', '--bucket', local.state.bucket, '--json'], local.state.s3);
    expect(rolledBack.json?.release).toBe(firstRelease);
    const seen = await waitFor(
      async () => ((await liveReleaseInNewPage()) === firstRelease ? true : undefined),
      TTL_SECONDS * 1000 + 8000,
      'the rollback',
    );
    console.log(`rollback visible ${seen.ms} ms after the command finished`);
  });

  it('refuses a broken build (index.html names a script it lacks): nothing changes, the live site keeps working', async () => {
    const broken = join(dir, 'dist-broken');
    cpSync(distB(), broken, { recursive: true });
    // The day-one report: a script the build does not have (and no earlier deploy uploaded).
    const shell = readFileSync(join(broken, 'index.html'), 'utf8');
    writeFileSync(join(broken, 'index.html'), shell.replace(/\/assets\/index-[^"]+\.js/, '/assets/index-DEADBEEF.js'));
    const entry = 'index-DEADBEEF.js';
    const refused = await runCli(['deploy', broken, '--bucket', local.state.bucket, '--json'], local.state.s3).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(CliProcessError);
    const result = (refused as CliProcessError).result;
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(`assets/${entry}`);
    expect(result.stderr).toMatch(/Nothing was uploaded/);
    // Past a TTL, the browser still gets the release that was live, whole.
    await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1000 + 500));
    const { page, errors } = await openPage('/runs');
    expect(await releaseShown(page)).toBe(firstRelease);
    await expect.poll(() => page.locator('[data-test=runs] tbody tr').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("follows the release's _redirects: an old path lands on the new route, query kept", async () => {
    const { page, response, responses, errors } = await openPage('/pipelines/run-140?tab=steps');
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/runs/run-140?tab=steps');
    const moved = responses.find((r) => new URL(r.url).pathname === '/pipelines/run-140');
    expect(moved?.status).toBe(301);
    expect(moved?.headers.location).toBe('/runs/run-140?tab=steps');
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.locator('h1').first().textContent()).toContain('run-140');
    // The release's _headers reach the pages the edge generates.
    expect(response?.headers()['permissions-policy']).toBe('camera=(), microphone=(), geolocation=()');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('renders a dotted deep link (/runs/run.2026-11-23.1), and again after a reload', async () => {
    const { page, response, errors } = await openPage('/runs/run.2026-11-23.1');
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    await expect.poll(() => page.locator('h1').first().textContent()).toContain('run.2026-11-23.1');
    const reloaded = await page.reload();
    expect(reloaded?.status()).toBe(200);
    await expect.poll(() => page.locator('[data-test=steps] tbody tr').count()).toBe(6);
    // The reload may cut short the first load's favicon request: aborted by us, not a failure.
    expect(errors.filter((error) => !error.endsWith('/favicon.svg: net::ERR_ABORTED'))).toEqual([]);
    await page.close();
  });

  it("shows the app's own 404 page, with status 404, for a missing file-like path", async () => {
    const { page, response } = await openPage('/reports/2026/summary.pdf');
    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    expect(await page.locator('[data-test=app-404] h1').textContent()).toBe('There is no such file');
    expect(await page.content()).not.toContain('id="app"');
    await page.close();
  });

  it('rolls back to a release without the rule: the redirect is gone', async () => {
    const withoutRule = join(dir, 'dist-no-redirects');
    cpSync(distA(), withoutRule, { recursive: true });
    rmSync(join(withoutRule, '_redirects'));
    // Explicit ids: two deploys within one second would get the same default id (time, no git here).
    const plain = await runCli(
      ['deploy', withoutRule, '--bucket', local.state.bucket, '--release', 'e2e-no-redirects', '--json'],
      local.state.s3,
    );
    const plainRelease = String(plain.json?.release);
    const ruled = await runCli(['deploy', distA(), '--bucket', local.state.bucket, '--release', 'e2e-redirects', '--json'], local.state.s3);
    const ruledRelease = String(ruled.json?.release);
    expect(new Set([plainRelease, ruledRelease, firstRelease]).size).toBe(3);
    const redirected = async () => {
      const { page, responses } = await openPage('/pipelines/run-140');
      const status = responses.find((r) => new URL(r.url).pathname === '/pipelines/run-140')?.status;
      const release = await releaseShown(page);
      await page.close();
      return { status, release };
    };
    await waitFor(
      async () => ((await redirected()).release === ruledRelease ? true : undefined),
      TTL_SECONDS * 1000 + 8000,
      'the release with the rule',
    );
    expect(await redirected()).toEqual({ status: 301, release: ruledRelease });

    const rolledBack = await runCli(['rollback', '--bucket', local.state.bucket, '--json'], local.state.s3);
    expect(rolledBack.json?.release).toBe(plainRelease);
    await waitFor(
      async () => ((await redirected()).release === plainRelease ? true : undefined),
      TTL_SECONDS * 1000 + 8000,
      'the rollback',
    );
    // No redirect any more: the old path is a client route of the app (its own "no such page" view).
    const { page, response } = await openPage('/pipelines/run-140');
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/pipelines/run-140');
    await expect.poll(() => page.locator('[data-test=not-found]').count()).toBe(1);
    await page.close();
  });

  it('keeps a screenshot of the app', async () => {
    const { page } = await openPage('/runs');
    await page.setViewportSize({ width: 1100, height: 560 });
    await expect.poll(() => page.locator('[data-test=runs] tbody tr').count()).toBeGreaterThan(0);
    const file = join(ARTIFACTS, 'pipeline-ui.png');
    await page.screenshot({ path: file });
    expect(existsSync(file)).toBe(true);
    // The README's picture: refreshed on request, or written when it is missing.
    const readmeShot = join(PROJECT_ROOT, 'docs', 'screenshot.png');
    if (process.env.UPDATE_SCREENSHOT === '1' || !existsSync(readmeShot)) copyFileSync(file, readmeShot);
    await page.close();
  });

  it('stops everything cleanly on Ctrl-C', async () => {
    const code = await local.interrupt();
    expect(code).toBe(0);
    expect(local.output()).toContain('stopped');
    expect(existsSync(join(dir, 'data', 'local.json'))).toBe(false);
    await expect(fetch(local.state.s3)).rejects.toThrow();
    await expect(fetch(local.state.edge)).rejects.toThrow();
  });
});
