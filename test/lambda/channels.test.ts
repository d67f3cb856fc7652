/**
 * The handler with preview channels on: the viewer host (copied by the viewer-request function)
 * picks the channel, each channel has its own manifest cache, production is never affected by a
 * preview, production falls back to the legacy manifest.json, and the preview caches are bounded.
 */
import { describe, expect, it } from 'vitest';
import { channelPointerKey, LEGACY_MANIFEST_KEY } from '../../contracts/channels.ts';
import { CHANNEL_HEADERS, CONFIG_HEADERS } from '../../contracts/edge-config.ts';
import { RELEASE_HEADER } from '../../contracts/release.ts';
import { createEdgeHandler, MAX_PREVIEW_CACHES } from '../../lambda/edge/handler.ts';
import type { CloudFrontResultResponse } from '../../lambda/edge/types.ts';
import { capturingLogger, fakeS3, makeManifest, makeRelease, manualClock, s3Event } from './helpers.ts';

const ENV = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };
const DOMAIN = 'preview.example.com';
const PRODUCTION = channelPointerKey('production');

function setup() {
  const s3 = fakeS3();
  const clock = manualClock();
  const logger = capturingLogger();
  const handler = createEdgeHandler({ env: ENV, now: clock.now, log: logger.log, httpGet: s3.get });
  return { s3, clock, logger, handler };
}

/** A request for `uri` as CloudFront sends it after the viewer function ran for `host`. */
/** `previewDomain` null: the origin carries no preview domain header. */
function at(host: string | undefined, uri = '/about', previewDomain: string | null = DOMAIN) {
  return s3Event({
    uri,
    headers: host === undefined ? {} : { [CHANNEL_HEADERS.viewerHost]: [{ key: CHANNEL_HEADERS.viewerHost, value: host }] },
    config: { [CHANNEL_HEADERS.previewDomain]: previewDomain ?? undefined, [CONFIG_HEADERS.manifestTtlSeconds]: '60' },
  });
}

function response(result: unknown): CloudFrontResultResponse {
  expect(result).toHaveProperty('status');
  return result as CloudFrontResultResponse;
}

const header = (r: CloudFrontResultResponse, name: string) => r.headers?.[name]?.[0]?.value;
const paths = (s3: ReturnType<typeof fakeS3>) => s3.calls.map((call) => new URL(call.url).pathname.slice(1));

describe('channels at the edge', () => {
  it('serves each channel its own release; production responses stay as they were', async () => {
    const { s3, handler } = setup();
    s3.put(PRODUCTION, makeManifest(makeRelease({ id: 'prod-1' })));
    s3.put(channelPointerKey('pr-7'), makeManifest(makeRelease({ id: 'pr7-1' })));

    const production = response(await handler(at('www.example.com')));
    expect(production.status).toBe('200');
    expect(header(production, RELEASE_HEADER)).toBe('prod-1');
    expect(header(production, 'x-robots-tag')).toBeUndefined();
    expect(header(production, CHANNEL_HEADERS.servedChannel)).toBeUndefined();

    const preview = response(await handler(at('pr-7.preview.example.com')));
    expect(preview.status).toBe('200');
    expect(header(preview, RELEASE_HEADER)).toBe('pr7-1');
    expect(header(preview, 'x-robots-tag')).toBe('noindex');
    expect(header(preview, CHANNEL_HEADERS.servedChannel)).toBe('pr-7');
    expect(paths(s3)).toEqual([PRODUCTION, channelPointerKey('pr-7')]);
  });

  it('passes a preview file request through to its release like production', async () => {
    const { s3, handler } = setup();
    s3.put(channelPointerKey('pr-7'), makeManifest(makeRelease({ id: 'pr7-1' })));
    const result = await handler(at('PR-7.Preview.Example.com:443', '/robots.txt'));
    expect(result).toMatchObject({ uri: '/releases/pr7-1/robots.txt' });
  });

  it('answers a preview that was never deployed with its own 404, named, kept the shell CDN time', async () => {
    const { s3, handler } = setup();
    s3.put(PRODUCTION, makeManifest());
    const missing = response(await handler(at('pr-404.preview.example.com')));
    expect(missing.status).toBe('404');
    expect(missing.body).toContain('There is no preview named pr-404');
    expect(header(missing, 'cache-control')).toBe('public, max-age=0, s-maxage=10');
    expect(header(missing, 'x-robots-tag')).toBe('noindex');
    // Production does not notice.
    expect(response(await handler(at('www.example.com'))).status).toBe('200');
  });

  it.each([
    'a.b.preview.example.com',
    'xn--bcher-kva.preview.example.com',
    `${'x'.repeat(64)}.preview.example.com`,
    '<script>.preview.example.com',
  ])('answers a host that names no channel (%j) with the 404 page, escaped, and reads nothing', async (host) => {
    const { s3, handler } = setup();
    const result = response(await handler(at(host)));
    expect(result.status).toBe('404');
    expect(result.body).toContain('There is no preview at this address');
    expect(result.body).not.toContain('<script>');
    expect(s3.calls).toHaveLength(0);
  });

  it('a corrupted preview pointer never affects production or another preview', async () => {
    const { s3, handler } = setup();
    s3.put(PRODUCTION, makeManifest(makeRelease({ id: 'prod-1' })));
    s3.put(channelPointerKey('pr-7'), '{"schema": 1, "release": ');
    s3.put(channelPointerKey('pr-8'), makeManifest(makeRelease({ id: 'pr8-1' })));
    const broken = response(await handler(at('pr-7.preview.example.com')));
    expect(broken.status).toBe('503');
    expect(header(broken, CHANNEL_HEADERS.servedChannel)).toBe('pr-7');
    expect(header(response(await handler(at('www.example.com'))), RELEASE_HEADER)).toBe('prod-1');
    expect(header(response(await handler(at('pr-8.preview.example.com'))), RELEASE_HEADER)).toBe('pr8-1');
  });

  it('a slow preview pointer does not hold up production', async () => {
    const { s3, handler } = setup();
    s3.put(PRODUCTION, makeManifest(makeRelease({ id: 'prod-1' })));
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The preview's GET hangs until released; production answers meanwhile.
    s3.respond(async (call) => {
      if (call.url.includes('pr-9')) {
        await gate;
        return new Response('<Error><Code>NoSuchKey</Code></Error>', { status: 404 });
      }
      const object = s3.objects.get(new URL(call.url).pathname.slice(1));
      return object
        ? new Response(object.text, { status: 200, headers: { etag: object.etag } })
        : new Response('<Error><Code>NoSuchKey</Code></Error>', { status: 404 });
    });
    const pending = handler(at('pr-9.preview.example.com'));
    const production = response(await handler(at('www.example.com')));
    expect(header(production, RELEASE_HEADER)).toBe('prod-1');
    release();
    expect(response(await pending).status).toBe('404');
  });

  it('ignores the viewer host when the stack sets no preview domain: every request is production', async () => {
    const { s3, handler } = setup();
    s3.put(PRODUCTION, makeManifest(makeRelease({ id: 'prod-1' })));
    const result = response(await handler(at('pr-7.preview.example.com', '/about', null)));
    expect(header(result, RELEASE_HEADER)).toBe('prod-1');
    expect(paths(s3)).toEqual([PRODUCTION]);
  });

  it('turns previews off, and logs once, for an invalid preview domain header', async () => {
    const { s3, logger, handler } = setup();
    s3.put(PRODUCTION, makeManifest());
    for (let i = 0; i < 3; i++) await handler(at('pr-7.x', '/about', '*.preview.example.com'));
    expect(paths(s3)).toEqual([PRODUCTION]);
    const problems = logger.lines.filter((line) => line.msg === 'config-invalid');
    expect(problems).toEqual([expect.objectContaining({ problem: expect.stringContaining('x-shellfront-preview-domain') })]);
  });
});

describe('a deleted channel', () => {
  it('turns a preview into the 404 page once its pointer is deleted; production keeps serving its last good one', async () => {
    const { s3, clock, handler } = setup();
    s3.put(PRODUCTION, makeManifest(makeRelease({ id: 'prod-1' })));
    s3.put(channelPointerKey('pr-7'), makeManifest(makeRelease({ id: 'pr7-1' })));
    expect(response(await handler(at('pr-7.preview.example.com'))).status).toBe('200');
    expect(response(await handler(at('www.example.com'))).status).toBe('200');
    s3.objects.delete(channelPointerKey('pr-7'));
    s3.objects.delete(PRODUCTION);
    clock.advance(60_000);
    const gone = response(await handler(at('pr-7.preview.example.com')));
    expect(gone.status).toBe('404');
    expect(gone.body).toContain('There is no preview named pr-7');
    // Production's pointer deleted by accident: the last good release stays (and the error is logged).
    expect(header(response(await handler(at('www.example.com'))), RELEASE_HEADER)).toBe('prod-1');
  });
});

describe('production before and after the pointer migration', () => {
  it('falls back to the legacy manifest.json, then follows the new pointer once a deploy writes it', async () => {
    const { s3, clock, handler } = setup();
    s3.put(LEGACY_MANIFEST_KEY, makeManifest(makeRelease({ id: 'old-1' })));
    expect(header(response(await handler(at(undefined))), RELEASE_HEADER)).toBe('old-1');
    expect(paths(s3)).toEqual([PRODUCTION, LEGACY_MANIFEST_KEY]);

    // Within the TTL: no read. After it: the new key (absent) then a conditional GET of the legacy one.
    clock.advance(60_000);
    await handler(at(undefined));
    expect(s3.calls.slice(2).map((call) => [new URL(call.url).pathname.slice(1), call.headers.get('if-none-match')])).toEqual([
      [PRODUCTION, null],
      [LEGACY_MANIFEST_KEY, '"etag-1"'],
    ]);

    s3.put(PRODUCTION, makeManifest(makeRelease({ id: 'new-1' })));
    clock.advance(60_000);
    expect(header(response(await handler(at(undefined))), RELEASE_HEADER)).toBe('new-1');
    clock.advance(60_000);
    await handler(at(undefined));
    // Migrated: one conditional GET of the new pointer per TTL, the legacy key never again.
    expect(s3.calls.at(-1)?.url).toContain(PRODUCTION);
    expect(s3.calls.at(-1)?.headers.get('if-none-match')).toBe('"etag-2"');
  });

  it('never serves the legacy manifest.json to a preview', async () => {
    const { s3, handler } = setup();
    s3.put(LEGACY_MANIFEST_KEY, makeManifest());
    expect(response(await handler(at('pr-1.preview.example.com'))).status).toBe('404');
    expect(paths(s3)).toEqual([channelPointerKey('pr-1')]);
  });

  it('serves a build whose own manifest.json is a release file (a web app manifest)', async () => {
    const { s3, handler } = setup();
    const release = makeRelease({ id: 'pwa-1' });
    const files = [...release.files, { ...release.files[0]!, path: 'manifest.json', contentType: 'application/manifest+json' }];
    s3.put(PRODUCTION, makeManifest({ ...release, files }));
    expect(await handler(at(undefined, '/manifest.json'))).toMatchObject({ uri: '/releases/pwa-1/manifest.json' });
  });
});

describe('bounded preview caches', () => {
  it(`keeps at most ${MAX_PREVIEW_CACHES} previews per container, least recently used out first, production never`, async () => {
    const { s3, handler } = setup();
    s3.put(PRODUCTION, makeManifest());
    await handler(at('www.example.com'));
    for (let i = 0; i <= MAX_PREVIEW_CACHES; i++) await handler(at(`pr-${i}.preview.example.com`));
    const reads = (key: string) => paths(s3).filter((path) => path === key).length;
    // pr-0 was evicted by the 201st preview: it is read again. pr-200 is still cached. Production too.
    await handler(at('pr-0.preview.example.com'));
    await handler(at(`pr-${MAX_PREVIEW_CACHES}.preview.example.com`));
    await handler(at('www.example.com'));
    expect(reads(channelPointerKey('pr-0'))).toBe(2);
    expect(reads(channelPointerKey(`pr-${MAX_PREVIEW_CACHES}`))).toBe(1);
    expect(reads(PRODUCTION)).toBe(1);
  });
});
