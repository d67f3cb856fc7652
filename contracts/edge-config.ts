/**
 * The edge config: the behavior table, the origin custom headers that carry the handler's
 * settings, their defaults and ranges, and the security headers. One definition, used by the
 * stack (infra/), the handler (lambda/) and the local edge (local/). Pure data; no I/O, no
 * dependencies, safe to bundle into the edge function.
 */

/** Lambda@Edge has no environment variables: the S3 origin's custom headers carry the config. */
export const CONFIG_HEADERS = {
  manifestTtlSeconds: 'x-shellfront-manifest-ttl',
  shellCdnSeconds: 'x-shellfront-shell-cdn-seconds',
  fetchTimeoutMs: 'x-shellfront-fetch-timeout-ms',
} as const;

export type ConfigName = keyof typeof CONFIG_HEADERS;

/**
 * Preview channels (contracts/channels.ts). The viewer-request CloudFront Function copies the
 * viewer's Host into `viewerHost` (the origin request's Host is the bucket's); the S3 origin's
 * custom header `previewDomain` names the domain whose sub-domains are channels.
 */
export const CHANNEL_HEADERS = {
  viewerHost: 'x-shellfront-viewer-host',
  previewDomain: 'x-shellfront-preview-domain',
  /** Set on responses to name the channel that served them. */
  servedChannel: 'x-shellfront-channel',
} as const;

/**
 * The pointer keys are not a setting: contracts/channels.ts derives every one of them
 * (`channelPointerKey`), for the CLI, the handler and the stack alike.
 */
export interface EdgeConfig {
  /** How long a container trusts its cached manifest before one conditional GET. */
  readonly manifestTtlSeconds: number;
  /** `s-maxage` of the shell: how long CloudFront may keep it. Browsers always revalidate. */
  readonly shellCdnSeconds: number;
  /** Bound on one manifest GET; past it the last good manifest keeps serving. */
  readonly fetchTimeoutMs: number;
}

export const DEFAULT_EDGE_CONFIG: EdgeConfig = {
  manifestTtlSeconds: 60,
  shellCdnSeconds: 10,
  /**
   * A cold GET from a distant regional edge cache to the bucket's region (say ap-southeast-2 to
   * eu-west-1, ~280 ms round trip) costs DNS + TCP + TLS + the request: about four round trips,
   * ~1.1 s before S3's own time. 3 s leaves room for that and a slow S3 answer; warm containers
   * reuse their connection (lambda/http-get.ts) and need one round trip. The function's timeout
   * follows (infra/edge-function.ts edgeTimeoutSeconds: 5 s).
   */
  fetchTimeoutMs: 3000,
};

/** Inclusive ranges for the numeric settings, checked by the stack at synth and the handler at run. */
export const CONFIG_RANGES = {
  manifestTtlSeconds: { min: 1, max: 3600 },
  shellCdnSeconds: { min: 0, max: 3600 },
  fetchTimeoutMs: { min: 100, max: 10_000 },
} as const;

/** Why `value` is not acceptable for setting `name`, or undefined when it is. */
export function configProblem(name: ConfigName, value: string | number): string | undefined {
  const range = CONFIG_RANGES[name];
  const number = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(number) || number < range.min || number > range.max) {
    return `${name} must be a whole number from ${range.min} to ${range.max}, got ${JSON.stringify(value)}`;
  }
  return undefined;
}

export interface ParsedEdgeConfig {
  readonly config: EdgeConfig;
  /** Settings that were present but invalid (the default was used instead). */
  readonly problems: readonly string[];
}

/**
 * Reads the config from header values (`read(headerName)`). Absent settings take their
 * defaults; invalid ones take their defaults too and are reported, so a typo degrades to the
 * documented behavior instead of taking the site down.
 */
export function parseEdgeConfig(read: (headerName: string) => string | undefined): ParsedEdgeConfig {
  const problems: string[] = [];
  const pick = <K extends ConfigName>(name: K): EdgeConfig[K] => {
    const raw = read(CONFIG_HEADERS[name]);
    if (raw === undefined || raw === '') return DEFAULT_EDGE_CONFIG[name];
    const problem = configProblem(name, raw);
    if (problem) {
      problems.push(`${CONFIG_HEADERS[name]}: ${problem}; using the default ${DEFAULT_EDGE_CONFIG[name]}`);
      return DEFAULT_EDGE_CONFIG[name];
    }
    return Number(raw) as EdgeConfig[K];
  };
  return {
    config: {
      manifestTtlSeconds: pick('manifestTtlSeconds'),
      shellCdnSeconds: pick('shellCdnSeconds'),
      fetchTimeoutMs: pick('fetchTimeoutMs'),
    },
    problems,
  };
}

/** The origin custom headers that carry `config` (what the stack and the local edge send). */
export function configHeaders(config: Partial<EdgeConfig> = {}): Record<string, string> {
  const full = { ...DEFAULT_EDGE_CONFIG, ...config };
  const headers: Record<string, string> = {};
  for (const name of Object.keys(CONFIG_HEADERS) as ConfigName[]) {
    headers[CONFIG_HEADERS[name]] = String(full[name]);
  }
  return headers;
}

// ---------------------------------------------------------------------------------------------
// Behaviors

export type OriginName = 'bucket' | 'api';
/** Named cache policies; the stack maps each to a CloudFront policy, the local edge to headers. */
export type CachePolicyName = 'shell' | 'immutable-assets' | 'disabled';

export interface Behavior {
  /** Stable name (construct ids derive from it). */
  readonly name: 'api' | 'assets' | 'default';
  /** CloudFront path pattern; `*` for the default behavior. */
  readonly pathPattern: string;
  readonly origin: OriginName;
  /** Whether the shell function runs on origin-request. */
  readonly edgeFunction: boolean;
  readonly cachePolicy: CachePolicyName;
  readonly allowedMethods: 'GET_HEAD' | 'ALL';
  /** API: forward every viewer header except Host, cookies and query strings. */
  readonly forwardAllViewerHeaders: boolean;
  readonly compress: boolean;
}

/**
 * The distribution's default root object: CloudFront rewrites a request for exactly `/` to it
 * before the origin-request function runs (the function answers it with the shell).
 */
export const DEFAULT_ROOT_OBJECT = 'index.html';

/**
 * How long CloudFront keeps each error status the function answers (its Error Caching Minimum
 * TTL), with no response page: nothing may turn into index.html. CloudFront honours the origin's
 * `no-store` only for 404, 410, 414 and 501 and otherwise caches errors for this TTL (10 s by
 * default); with `s-maxage` it keeps the larger of the two.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/custom-error-pages-expiration.html
 * - 400 (a hostile or malformed path): the same URL always gets it; keep it 5 min, fuzzers pay.
 * - 404: the function's `s-maxage` (the shell's CDN time) decides, so a file a new release adds
 *   is visible within TTL + shell CDN time, like the shell itself.
 * - 405 and 503 ("no release yet", S3 unreachable before any manifest loaded): never kept, so the
 *   first deploy and a recovery show at once (the function answers from memory; S3 is protected
 *   by its single-flight GET and backoff, not by CloudFront).
 */
export const ERROR_CACHING_SECONDS: Readonly<Record<400 | 404 | 405 | 503, number>> = { 400: 300, 404: 0, 405: 0, 503: 0 };

export const DEFAULT_API_PATH_PATTERN = '/api/*';
export const DEFAULT_ASSET_PATH_PATTERNS: readonly string[] = ['/assets/*'];

export const CACHE_SECONDS = {
  /** Hashed assets: a year at the edge and in browsers. */
  immutableAssets: 31_536_000,
  /** The shell behavior honours the origin's Cache-Control, up to a day. */
  shellMax: 86_400,
} as const;

export interface BehaviorTableOptions {
  /** Path pattern of the API behavior; `null` when there is no API origin. */
  readonly apiPathPattern?: string | null;
  readonly assetPathPatterns?: readonly string[];
}

/**
 * The behaviors in CloudFront's evaluation order: API first (the SPA fallback never sees it),
 * then the asset folders (no function, long caching), then the default (the shell function).
 */
export function behaviorTable(options: BehaviorTableOptions = {}): Behavior[] {
  const api = options.apiPathPattern === undefined ? DEFAULT_API_PATH_PATTERN : options.apiPathPattern;
  const assets = options.assetPathPatterns ?? DEFAULT_ASSET_PATH_PATTERNS;
  const patterns = [...(api ? [api] : []), ...assets];
  for (const pattern of patterns) {
    const problem = pathPatternProblem(pattern);
    if (problem) throw new Error(problem);
  }
  const seen = new Set<string>();
  for (const pattern of patterns.map(normalizePattern)) {
    if (seen.has(pattern)) throw new Error(`path pattern ${JSON.stringify(pattern)} is listed twice`);
    seen.add(pattern);
  }
  const table: Behavior[] = [];
  if (api) {
    // `/api/*` does not match `/api` itself, which would otherwise get the shell with 200: the bare
    // folder path goes to the API too (its own 404, not the app).
    const bare = api.endsWith('/*') && api.length > 2 ? api.slice(0, -2) : undefined;
    for (const pathPattern of bare ? [api, bare] : [api]) {
      table.push({
        name: 'api',
        pathPattern,
        origin: 'api',
        edgeFunction: false,
        cachePolicy: 'disabled',
        allowedMethods: 'ALL',
        forwardAllViewerHeaders: true,
        compress: false,
      });
    }
  }
  for (const pattern of assets) {
    table.push({
      name: 'assets',
      pathPattern: pattern,
      origin: 'bucket',
      edgeFunction: false,
      cachePolicy: 'immutable-assets',
      allowedMethods: 'GET_HEAD',
      forwardAllViewerHeaders: false,
      compress: true,
    });
  }
  table.push({
    name: 'default',
    pathPattern: '*',
    origin: 'bucket',
    edgeFunction: true,
    cachePolicy: 'shell',
    allowedMethods: 'GET_HEAD',
    forwardAllViewerHeaders: false,
    compress: true,
  });
  return table;
}

// CloudFront: up to 255 characters of A-Z a-z 0-9 _ - . * $ / ~ " ' @ : + and &.
const PATH_PATTERN = /^[A-Za-z0-9_\-.*$/~"'@:+&?]{1,255}$/;

/** Why `pattern` is not a valid CloudFront path pattern for a cache behavior, or undefined. */
export function pathPatternProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string') return `a path pattern must be a string, got ${typeof pattern}`;
  if (!PATH_PATTERN.test(pattern)) {
    return `path pattern ${JSON.stringify(pattern)} is not valid: use 1-255 characters of A-Z a-z 0-9 _ - . * ? $ / ~ " ' @ : + &, e.g. "/api/*"`;
  }
  if (pattern === '*' || pattern === '/*') {
    return `path pattern ${JSON.stringify(pattern)} would match everything: that is the default behavior`;
  }
  return undefined;
}

function normalizePattern(pattern: string): string {
  return pattern.startsWith('/') ? pattern : `/${pattern}`;
}

/** CloudFront's matching: case-sensitive, `*` any run of characters, `?` exactly one. */
export function pathPatternMatches(pattern: string, path: string): boolean {
  const p = normalizePattern(pattern);
  let regex = '^';
  for (const char of p) {
    if (char === '*') regex += '.*';
    else if (char === '?') regex += '.';
    else regex += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${regex}$`, 's').test(path);
}

/** The behavior CloudFront would pick for `path` (the first match; the default otherwise). */
export function matchBehavior(table: readonly Behavior[], path: string): Behavior {
  const found = table.find((b) => b.pathPattern !== '*' && pathPatternMatches(b.pathPattern, path));
  return found ?? (table[table.length - 1] as Behavior);
}

// ---------------------------------------------------------------------------------------------
// Security headers (the response headers policy on every behavior)

export const DEFAULT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const HSTS_MAX_AGE_SECONDS = 63_072_000; // two years, the preload list's minimum is one
export const REFERRER_POLICY = 'strict-origin-when-cross-origin';
export const FRAME_OPTIONS = 'DENY';

/** CloudFront's limit on one response-headers-policy CSP value. */
export const MAX_CSP_LENGTH = 1783;

/** Why `csp` cannot be the Content-Security-Policy (stack and local edge alike), or undefined. */
export function cspProblem(csp: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (csp.trim() === '' || /[\u0000-\u001f\u007f]/.test(csp)) {
    return `must be one non-empty line of CSP directives, e.g. "default-src 'self'", got ${JSON.stringify(csp)}`;
  }
  if (csp.length > MAX_CSP_LENGTH) return `is ${csp.length} characters; CloudFront allows ${MAX_CSP_LENGTH}`;
  return undefined;
}

/** The security headers every response gets, as lowercase name ⇒ value. */
export function securityHeaders(options: { readonly csp?: string } = {}): Record<string, string> {
  return {
    'strict-transport-security': `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains; preload`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': FRAME_OPTIONS,
    'referrer-policy': REFERRER_POLICY,
    'content-security-policy': options.csp ?? DEFAULT_CSP,
  };
}

/** The stack's asset path pattern for a CLI asset folder: `static/` ⇒ `/static/*`. */
export function assetPatternForDir(dir: string): string {
  return `/${dir.replace(/^\/+/, '').replace(/\/*$/, '')}/*`;
}

/**
 * Why `pattern` is not an asset folder pattern, or undefined. Asset behaviors serve whole folders
 * of hashed files (`/assets/*`): `/assets` alone would match only a file named "assets", so the
 * folder's files would reach the shell function instead.
 */
export function assetPatternProblem(pattern: string): string | undefined {
  const problem = pathPatternProblem(pattern);
  if (problem) return problem;
  if (!/^\/[^*?]+\/\*$/.test(pattern)) {
    const folder = pattern
      .replace(/^\/*/, '')
      .replace(/[/*?]+$/, '')
      .replace(/[*?]/g, '');
    return `${JSON.stringify(pattern)} is not a folder pattern: write it as "/<folder>/*"${folder ? `, e.g. "${assetPatternForDir(folder)}" (deploy with --asset-dirs ${folder}/)` : ''}`;
  }
  return undefined;
}
