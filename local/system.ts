/**
 * The whole system on one machine, composed the way production composes it: s3rver as the
 * bucket, the build deployed with the real CLI, the sample API as the separate origin, and
 * the local edge running the built handler bundle behind the stack's behavior table.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { channelPointerKey, PRODUCTION_CHANNEL } from '../contracts/channels.ts';
import {
  assetPatternForDir,
  type Behavior,
  behaviorTable,
  configHeaders,
  DEFAULT_EDGE_CONFIG,
  type EdgeConfig,
  securityHeaders,
} from '../contracts/edge-config.ts';
import { PROJECT_ROOT } from '../scripts/paths.ts';
import { startApiServer } from './api-server.ts';
import { liveManifest, runCli } from './deploy.ts';
import { EdgeCache } from './edge-cache.ts';
import { startLocalEdge, type RunningEdge } from './edge-listen.ts';
import { ensureHandlerBundle, loadHandler } from './handler-bundle.ts';
import { S3Origin } from './s3-origin.ts';
import { LOCAL_REGION, S3RVER_CREDENTIALS, startS3Server, type RunningS3Server } from './s3-server.ts';

export const LOCAL_BUCKET = 'shellfront-local';
/**
 * The local preview domain: channel `pr-7` is served at http://pr-7.localhost:8080 (browsers and
 * curl resolve every *.localhost name to loopback), `localhost` itself is production.
 */
export const LOCAL_PREVIEW_DOMAIN = 'localhost';
export const EXAMPLE_DIR = join(PROJECT_ROOT, 'examples', 'pipeline-ui');
export const EXAMPLE_DIST = join(EXAMPLE_DIR, 'dist');

export interface LocalSystemOptions {
  /** Folder for s3rver's data (kept across starts). */
  readonly dataDir: string;
  /** The build to serve; the example app's dist (built when missing) by default. */
  readonly dist?: string;
  /** 0 picks a free port. */
  readonly edgePort: number;
  readonly apiPort: number;
  /** An API of your own for /api/* (http or https URL) instead of the sample API. */
  readonly apiOrigin?: string;
  readonly s3Port: number;
  readonly manifestTtlSeconds: number;
  /** The shell's s-maxage, as the stack's shellCdnSeconds. @default DEFAULT_EDGE_CONFIG.shellCdnSeconds */
  readonly shellCdnSeconds?: number;
  /** Bound on one manifest GET, as the stack's fetchTimeoutMs. @default DEFAULT_EDGE_CONFIG.fetchTimeoutMs */
  readonly fetchTimeoutMs?: number;
  /** Content-Security-Policy for every response, as the stack's csp. @default the stack's default (DEFAULT_CSP) */
  readonly csp?: string;
  /**
   * Hashed-asset folder patterns, as the stack's assetPathPatterns; the deploy gets the matching
   * `--asset-dirs`. @default DEFAULT_ASSET_PATH_PATTERNS (and the CLI detects the build's folders)
   */
  readonly assetPathPatterns?: readonly string[];
  /** The API behavior's pattern, as the stack's apiPathPattern. @default DEFAULT_API_PATH_PATTERN */
  readonly apiPathPattern?: string;
  /**
   * Preview channels, as the stack's previewDomain; `null` runs the edge as a stack without one
   * (every host is production, no viewer function). @default LOCAL_PREVIEW_DOMAIN
   */
  readonly previewDomain?: string | null;
  /** The local CloudFront cache (local/edge-cache.ts); `false` sends every request to the origin. @default true */
  readonly edgeCache?: boolean;
  /** The edge cache's clock (tests). @default Date.now */
  readonly now?: () => number;
  /** Progress lines (deploy output, what was built). */
  readonly log?: (line: string) => void;
  /** One line per request through the edge. */
  readonly requestLog?: (line: string) => void;
}

export interface LocalSystem {
  readonly edge: RunningEdge;
  /** Where /api/* goes; `sample` when it is the sample API this start runs. */
  readonly api: { readonly url: string; readonly sample: boolean };
  readonly s3: RunningS3Server;
  readonly bucket: string;
  readonly dist: string;
  readonly config: EdgeConfig;
  /** The behaviors the edge routes by, in CloudFront's order. */
  readonly table: readonly Behavior[];
  /** Channels are served at http://<name>.<previewDomain>:<port>; undefined when previews are off. */
  readonly previewDomain: string | undefined;
  readonly handlerBundle: string;
  /** The live release after start, and whether this start deployed it. */
  readonly release: { readonly id: string; readonly deployed: boolean };
  stop(): Promise<void>;
}

/** Builds the example app with Vite when its dist is missing. */
export async function ensureExampleBuild(log: (line: string) => void = () => {}): Promise<boolean> {
  if (existsSync(join(EXAMPLE_DIST, 'index.html'))) return false;
  log(`building the example app into ${EXAMPLE_DIST}`);
  const { build } = await import('vite');
  await build({ configFile: join(EXAMPLE_DIR, 'vite.config.ts'), logLevel: 'warn' });
  return true;
}

export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const log = options.log ?? (() => {});
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    stops.length = 0;
  };
  try {
    const dist = options.dist ?? EXAMPLE_DIST;
    if (options.dist === undefined) await ensureExampleBuild(log);
    if (!existsSync(join(dist, 'index.html'))) {
      throw new Error(`${dist} has no index.html: build your app first (e.g. npm run build), then pass its output folder to --dist`);
    }
    const bundle = ensureHandlerBundle();
    if (bundle.built) log(`built the edge handler into ${bundle.path}`);

    const s3 = await startS3Server({ directory: join(options.dataDir, 's3'), buckets: [LOCAL_BUCKET], port: options.s3Port });
    stops.push(() => s3.stop());
    let api: LocalSystem['api'];
    if (options.apiOrigin) {
      api = { url: options.apiOrigin.replace(/\/+$/, ''), sample: false };
    } else {
      const sample = await startApiServer({ port: options.apiPort });
      stops.push(() => sample.stop());
      api = { url: sample.url, sample: true };
    }

    // The stack's settings, checked before anything is deployed (behaviorTable() throws on bad patterns).
    const table = behaviorTable({
      ...(options.apiPathPattern !== undefined ? { apiPathPattern: options.apiPathPattern } : {}),
      ...(options.assetPathPatterns ? { assetPathPatterns: options.assetPathPatterns } : {}),
    });
    const assetDirs = options.assetPathPatterns?.map((pattern) => `${pattern.slice(1, -2)}/`);

    const origin = new S3Origin({ endpoint: s3.endpoint, bucket: LOCAL_BUCKET, region: LOCAL_REGION, credentials: S3RVER_CREDENTIALS });
    // The CLI decides whether the build is already live (then it writes nothing), as it does in CI.
    log(`deploying ${dist} with the shellfront CLI`);
    const deployArgs = ['deploy', dist, '--bucket', LOCAL_BUCKET, '--message', 'npm start', '--json'];
    if (assetDirs) deployArgs.push('--asset-dirs', assetDirs.join(','));
    const result = await runCli(deployArgs, s3.endpoint);
    const deployed = result.json?.unchanged !== true;
    for (const line of result.stderr.trim().split('\n').filter(Boolean)) log(`  │ ${line}`);
    const manifest = await liveManifest(origin);
    if (!manifest) {
      throw new Error(
        `the deploy finished but the local bucket has no production pointer (${channelPointerKey(PRODUCTION_CHANNEL)} or manifest.json)`,
      );
    }
    const uncovered = uncoveredAssetPrefixes(manifest.release.assetPrefixes, table);
    if (uncovered.length > 0) {
      const patterns = uncovered.map(assetPatternForDir).join(',');
      log(
        `warning: the release's hashed assets under ${uncovered.join(', ')} have no asset behavior, so they go through the edge ` +
          `function instead of straight to S3 (in CloudFront too). Start with --asset-path-patterns ${patterns} ` +
          `and deploy the stack with -c assetPathPatterns=${patterns}.`,
      );
    }

    const handler = await loadHandler(bundle.path, { endpoint: s3.endpoint, credentials: S3RVER_CREDENTIALS });
    const config: EdgeConfig = {
      ...DEFAULT_EDGE_CONFIG,
      manifestTtlSeconds: options.manifestTtlSeconds,
      ...(options.shellCdnSeconds !== undefined ? { shellCdnSeconds: options.shellCdnSeconds } : {}),
      ...(options.fetchTimeoutMs !== undefined ? { fetchTimeoutMs: options.fetchTimeoutMs } : {}),
    };
    const previewDomain = options.previewDomain === null ? undefined : (options.previewDomain ?? LOCAL_PREVIEW_DOMAIN);
    const edge = await startLocalEdge({
      port: options.edgePort,
      table,
      s3: origin,
      region: LOCAL_REGION,
      apiOrigin: api.url,
      handler,
      customHeaders: configHeaders(config),
      securityHeaders: securityHeaders(options.csp !== undefined ? { csp: options.csp } : {}),
      ...(previewDomain !== undefined ? { previewDomain } : {}),
      cache: options.edgeCache === false ? false : new EdgeCache(options.now ? { now: options.now } : {}),
      ...(options.requestLog ? { log: options.requestLog } : {}),
    });
    stops.push(() => edge.stop());
    return {
      edge,
      api,
      s3,
      bucket: LOCAL_BUCKET,
      dist,
      config,
      table,
      previewDomain,
      handlerBundle: bundle.path,
      release: { id: manifest.release.id, deployed },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Asset prefixes of a release (`static/`) that no asset behavior of `table` serves. */
export function uncoveredAssetPrefixes(prefixes: readonly string[], table: readonly Behavior[]): string[] {
  const patterns = new Set(table.filter((behavior) => behavior.name === 'assets').map((behavior) => behavior.pathPattern));
  return prefixes.filter((prefix) => !patterns.has(assetPatternForDir(prefix)));
}
