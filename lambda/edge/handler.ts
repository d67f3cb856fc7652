/**
 * The Lambda@Edge origin-request handler: reads the bucket from the origin and the config from
 * its custom headers, keeps one S3 reader and one manifest cache per container per
 * bucket+region(+key), and runs the core. Dependencies (env, fetch, clock, logger) are injected.
 */
import { parseEdgeConfig, type EdgeConfig } from '../../contracts/edge-config.ts';
import { parseManifest } from '../../contracts/release.ts';
import { handleRequest } from '../core/handle.ts';
import { ManifestCache } from '../core/manifest-cache.ts';
import { unavailable } from '../core/responses.ts';
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

export function createEdgeHandler(deps: EdgeDependencies): EdgeHandler {
  const readers = new Map<string, S3ObjectReader>();
  const caches = new Map<string, ManifestCache<PreparedRelease>>();
  const reported = new Set<string>();
  let lastConfig: { key: string; config: EdgeConfig } | undefined;

  /** Logs an error once per container per distinct message (no log line per request). */
  const reportOnce = (msg: string, fields: Record<string, unknown>): void => {
    const key = `${msg}\u0000${JSON.stringify(fields)}`;
    if (reported.has(key) || reported.size > 100) return;
    reported.add(key);
    deps.log({ level: 'error', msg, ...fields });
  };

  const configOf = (origin: OriginInfo): EdgeConfig => {
    const parsed = parseEdgeConfig(origin.header);
    const key = JSON.stringify(parsed.config);
    if (lastConfig?.key === key) return lastConfig.config;
    for (const problem of parsed.problems) reportOnce('config-invalid', { problem });
    lastConfig = { key, config: parsed.config };
    return parsed.config;
  };

  const cacheOf = (origin: OriginInfo, config: EdgeConfig): ManifestCache<PreparedRelease> => {
    const endpoint = deps.env.AWS_ENDPOINT_URL_S3 || undefined;
    const readerKey = `${origin.bucket}\u0000${origin.region}`;
    let reader = readers.get(readerKey);
    if (!reader) {
      const location = { bucket: origin.bucket, region: origin.region, ...(endpoint ? { endpoint } : {}) };
      reader = new S3ObjectReader(location, credentialsFromEnv(deps.env), deps.httpGet, deps.now);
      readers.set(readerKey, reader);
    }
    const cacheKey = `${readerKey}\u0000${config.manifestKey}`;
    let cache = caches.get(cacheKey);
    if (!cache) {
      cache = new ManifestCache({
        fetch: reader.manifestFetcher(config.manifestKey),
        accept: (text) => prepareRelease(parseManifest(text)),
        idOf: (release) => release.id,
        now: deps.now,
        log: deps.log,
        labels: { bucket: origin.bucket, key: config.manifestKey },
      });
      caches.set(cacheKey, cache);
    }
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
      const config = configOf(origin);
      const cache = cacheOf(origin, config);
      const settings = { ttlMs: config.manifestTtlSeconds * 1000, timeoutMs: config.fetchTimeoutMs };
      const manifest = async (): Promise<ManifestLookup> => {
        const lookup = await cache.get(settings);
        return lookup.kind === 'ready' ? { kind: 'ready', release: lookup.value } : lookup;
      };
      const result = await handleRequest(toPlainRequest(request), { config, manifest });
      return toCloudFrontResult(request, result);
    } catch (error) {
      deps.log({ level: 'error', msg: 'handler-error', uri: request.uri.slice(0, 200), error: errorFields(error) });
      return toCloudFrontResponse(unavailable(request.method, ERROR_RETRY_SECONDS));
    }
  };
}
