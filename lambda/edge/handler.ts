/**
 * The Lambda@Edge origin-request handler: reads the bucket from the origin and the config from
 * its custom headers, maps the viewer's host to a channel (contracts/channels.ts), keeps one S3
 * reader per bucket+region and one manifest cache per channel (production's never evicted, previews
 * in a bounded LRU), and runs the core. Dependencies (env, fetch, clock, logger) are injected.
 */
import { channelForHost, channelReadKeys, PRODUCTION_CHANNEL, previewDomainProblem, type HostChannel } from '../../contracts/channels.ts';
import { CHANNEL_HEADERS, CONFIG_HEADERS, parseEdgeConfig, type EdgeConfig } from '../../contracts/edge-config.ts';
import { parseManifest } from '../../contracts/release.ts';
import { handleRequest } from '../core/handle.ts';
import { ManifestCache, type ManifestFetcher } from '../core/manifest-cache.ts';
import { noPreview, previewResponse, unavailable } from '../core/responses.ts';
import { prepareRelease, type PreparedRelease } from '../core/shell.ts';
import type { ManifestLookup } from '../core/types.ts';
import type { HttpGet } from '../http-get.ts';
import { errorFields, type Logger } from '../log.ts';
import { credentialsFromEnv, S3ObjectReader } from '../s3-fetch.ts';
import { toCloudFrontResponse, toCloudFrontResult, toPlainRequest } from './adapter.ts';
import { originOf, type OriginInfo } from './origin.ts';
import type { CloudFrontRequestEvent, CloudFrontRequestResult } from './types.ts';

export interface EdgeDependencies {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => number;
  readonly log: Logger;
  /** The HTTP GET used for S3 (tests inject a fake; default node:http/https). */
  readonly httpGet?: HttpGet;
}

export type EdgeHandler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;

/** Retry-After for errors that are not about the manifest (misconfiguration, unexpected error). */
const ERROR_RETRY_SECONDS = 5;

/** The origin headers the handler's settings come from: the same values mean the same settings. */
const SETTINGS_HEADERS = [...Object.values(CONFIG_HEADERS), CHANNEL_HEADERS.previewDomain];

/** Preview channels a container keeps a manifest cache for; the least recently used goes first. */
export const MAX_PREVIEW_CACHES = 200;

/** One channel's manifest cache: its pointer read with the legacy fallback (production only). */
function pointerFetcher(reader: S3ObjectReader, keys: readonly string[]): ManifestFetcher {
  const fetchers = keys.map((key) => reader.manifestFetcher(key));
  // The key whose ETag the cache holds: a conditional GET goes to that key only.
  let served = 0;
  return async ({ etag, timeoutMs }) => {
    for (let index = 0; index < fetchers.length; index++) {
      const result = await (fetchers[index] as ManifestFetcher)({ etag: index === served ? etag : undefined, timeoutMs });
      if (result.kind === 'missing') continue;
      served = index;
      return result;
    }
    return { kind: 'missing' };
  };
}

interface ChannelSettings {
  readonly config: EdgeConfig;
  readonly previewDomain: string | undefined;
}

/** One bucket's reader and manifest caches: production's, never evicted, and the previews'. */
interface Site {
  readonly bucket: string;
  readonly region: string;
  readonly reader: S3ObjectReader;
  production?: ManifestCache<PreparedRelease>;
  /** Preview caches with the tick of their last use. */
  readonly previews: Map<string, { cache: ManifestCache<PreparedRelease>; used: number }>;
}

export function createEdgeHandler(deps: EdgeDependencies): EdgeHandler {
  // Per-request work stays free of string building: the site, the settings and the host mapping
  // are looked up by the values the event carries, so a warm request costs the same with 50 preview
  // channels as with one (bench: edge).
  const sites: Site[] = [];
  let previewCount = 0;
  let tick = 0;
  /** Host → channel, worked out once per distinct host (a bounded set, like the previews), for one preview domain. */
  const hostChannels = new Map<string, HostChannel>();
  let hostChannelsDomain: string | undefined;
  const reported = new Set<string>();
  let lastSettings: { raw: readonly (string | undefined)[]; settings: ChannelSettings } | undefined;

  /** Logs an error once per container per distinct message (no log line per request). */
  const reportOnce = (msg: string, fields: Record<string, unknown>): void => {
    const key = `${msg}\u0000${JSON.stringify(fields)}`;
    if (reported.has(key) || reported.size > 100) return;
    reported.add(key);
    deps.log({ level: 'error', msg, ...fields });
  };

  const settingsOf = (origin: OriginInfo): ChannelSettings => {
    const last = lastSettings;
    if (last && SETTINGS_HEADERS.every((name, index) => origin.header(name) === last.raw[index])) return last.settings;
    const raw = SETTINGS_HEADERS.map(origin.header);
    const parsed = parseEdgeConfig(origin.header);
    const domain = origin.header(CHANNEL_HEADERS.previewDomain) || undefined;
    for (const problem of parsed.problems) reportOnce('config-invalid', { problem });
    const domainProblem = domain === undefined ? undefined : previewDomainProblem(domain);
    if (domainProblem) {
      reportOnce('config-invalid', { problem: `${CHANNEL_HEADERS.previewDomain}: ${domainProblem}; previews are off` });
    }
    const settings = { config: parsed.config, previewDomain: domainProblem ? undefined : domain };
    lastSettings = { raw, settings };
    return settings;
  };

  const siteOf = (origin: OriginInfo): Site => {
    // Nearly always one site per container: a short scan, no key to build.
    for (const site of sites) if (site.bucket === origin.bucket && site.region === origin.region) return site;
    const endpoint = deps.env.AWS_ENDPOINT_URL_S3 || undefined;
    const location = { bucket: origin.bucket, region: origin.region, ...(endpoint ? { endpoint } : {}) };
    const reader = new S3ObjectReader(location, credentialsFromEnv(deps.env), deps.httpGet, deps.now);
    const site: Site = { bucket: origin.bucket, region: origin.region, reader, previews: new Map() };
    sites.push(site);
    return site;
  };

  const channelOf = (host: string | undefined, previewDomain: string | undefined): HostChannel => {
    if (previewDomain === undefined || host === undefined) return channelForHost(host, previewDomain);
    if (previewDomain !== hostChannelsDomain) {
      hostChannels.clear();
      hostChannelsDomain = previewDomain;
    }
    let mapped = hostChannels.get(host);
    if (mapped === undefined) {
      mapped = channelForHost(host, previewDomain);
      if (hostChannels.size >= MAX_PREVIEW_CACHES * 4) hostChannels.clear();
      hostChannels.set(host, mapped);
    }
    return mapped;
  };

  const newCache = (site: Site, channel: string): ManifestCache<PreparedRelease> => {
    const keys = channelReadKeys(channel);
    const isProduction = channel === PRODUCTION_CHANNEL;
    return new ManifestCache({
      fetch: pointerFetcher(site.reader, keys),
      accept: (text) => prepareRelease(parseManifest(text)),
      idOf: (release) => release.id,
      now: deps.now,
      log: deps.log,
      labels: { bucket: site.bucket, key: keys[0] as string, channel },
      // A deleted preview pointer is `shellfront channels delete`; a deleted production one, an accident.
      keepWhenDeleted: isProduction,
    });
  };

  /** Past the bound (a container past 200 previews, rare): one scan for the least recently used. */
  const evictOldestPreview = (): void => {
    let oldest: { site: Site; channel: string; used: number } | undefined;
    for (const site of sites) {
      for (const [channel, entry] of site.previews) {
        if (!oldest || entry.used < oldest.used) oldest = { site, channel, used: entry.used };
      }
    }
    if (oldest && oldest.site.previews.delete(oldest.channel)) previewCount--;
  };

  const cacheOf = (origin: OriginInfo, channel: string): ManifestCache<PreparedRelease> => {
    const site = siteOf(origin);
    if (channel === PRODUCTION_CHANNEL) {
      site.production ??= newCache(site, channel);
      return site.production;
    }
    const entry = site.previews.get(channel);
    if (entry) {
      entry.used = ++tick;
      return entry.cache;
    }
    if (previewCount >= MAX_PREVIEW_CACHES) evictOldestPreview();
    const cache = newCache(site, channel);
    site.previews.set(channel, { cache, used: ++tick });
    previewCount++;
    return cache;
  };

  return async (event) => {
    const request = event.Records[0]?.cf.request;
    if (!request) throw new TypeError('not a CloudFront request event: Records[0].cf.request is missing');
    try {
      const origin = originOf(request);
      if (!origin) {
        const domain = request.origin?.s3?.domainName ?? request.origin?.custom?.domainName ?? null;
        reportOnce('origin-not-s3', {
          domain,
          problem:
            'the origin is not an S3 REST endpoint (<bucket>.s3.<region>.amazonaws.com); attach this function to the bucket behavior only',
        });
        return toCloudFrontResponse(unavailable(request.method, ERROR_RETRY_SECONDS));
      }
      const { config, previewDomain } = settingsOf(origin);
      const host = previewDomain === undefined ? undefined : request.headers[CHANNEL_HEADERS.viewerHost]?.[0]?.value;
      const mapped = channelOf(host, previewDomain);
      if (mapped.kind === 'unknown') {
        const response = noPreview(request.method, undefined, config.shellCdnSeconds, mapped.reason);
        return toCloudFrontResponse(previewResponse(response, 'none'));
      }
      const channel = mapped.channel;
      const cache = cacheOf(origin, channel);
      const settings = { ttlMs: config.manifestTtlSeconds * 1000, timeoutMs: config.fetchTimeoutMs };
      const manifest = async (): Promise<ManifestLookup> => {
        const lookup = await cache.get(settings);
        return lookup.kind === 'ready' ? { kind: 'ready', release: lookup.value } : lookup;
      };
      const context = { config, manifest, channel: { name: channel, preview: channel !== PRODUCTION_CHANNEL } };
      const result = await handleRequest(toPlainRequest(request), context);
      return toCloudFrontResult(request, result);
    } catch (error) {
      deps.log({ level: 'error', msg: 'handler-error', uri: request.uri.slice(0, 200), error: errorFields(error) });
      return toCloudFrontResponse(unavailable(request.method, ERROR_RETRY_SECONDS));
    }
  };
}
