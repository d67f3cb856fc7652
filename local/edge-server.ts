/**
 * The local edge: what CloudFront does in front of the bucket and the API, on one HTTP port.
 * The behavior table comes from contracts/edge-config.ts (the stack's one definition):
 *   api      ⇒ proxied untouched to the API origin, never cached (CachingDisabled)
 *   assets   ⇒ from the cache, else GET from S3, answered with S3's status, metadata and body
 *   default  ⇒ with previews on, the stack's viewer-request CloudFront Function first
 *              (local/viewer-function.ts); then the cache; on a miss an origin-request event for
 *              the handler bundle: a returned request is fetched from S3 at its (rewritten) URI,
 *              a returned response is sent as is
 * and the response headers policy on every response. The cache (local/edge-cache.ts) keys and
 * expires as the behavior's cache policy says; see docs/local.md for what is and is not modelled.
 * local/edge-listen.ts puts this listener on the loopback addresses.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { previewDomainProblem } from '../contracts/channels.ts';
import { cachePolicySpecs } from '../contracts/cache-policies.ts';
import { type Behavior, CHANNEL_HEADERS, matchBehavior } from '../contracts/edge-config.ts';
import { checkPath } from '../lambda/core/path.ts';
import { proxyToApi } from './api-proxy.ts';
import { isCfResponse, originRequestEvent, splitTarget, type EdgeHandler } from './cloudfront-event.ts';
import { CACHE_HIT, CACHE_MISS, type CachedResponse, cacheKey, EdgeCache, policyCaches } from './edge-cache.ts';
import { deliverMiss, type MissContext, sendComplete, sendFunctionResponse, sendText } from './edge-delivery.ts';
import { headerListFromRaw, headerValue, viewerResponseFromLambda, type HeaderList } from './edge-response.ts';
import { CONDITIONAL_HEADERS, type S3Origin } from './s3-origin.ts';
import { functionHeader, loadViewerFunction, queryString, runViewerFunction, type ViewerFunction } from './viewer-function.ts';

export interface LocalEdgeOptions {
  readonly table: readonly Behavior[];
  readonly s3: S3Origin;
  readonly region: string;
  /** The API origin, e.g. http://127.0.0.1:8081; without it API paths answer 502. */
  readonly apiOrigin?: string;
  readonly handler: EdgeHandler;
  /** The S3 origin's custom headers: the handler's config (configHeaders()). */
  readonly customHeaders: Readonly<Record<string, string>>;
  readonly securityHeaders: Readonly<Record<string, string>>;
  /**
   * Preview channels on, as the stack's previewDomain: the domain whose one-label sub-domains are
   * channels (locally `localhost`: http://pr-7.localhost:8080). The default behavior then runs
   * the viewer function, its cache key includes the viewer host, and the S3 origin sends
   * CHANNEL_HEADERS.previewDomain. @default - previews off: every host is production
   */
  readonly previewDomain?: string;
  /** CloudFront's cache; `false` for none (every request reaches the origin). @default a new EdgeCache() */
  readonly cache?: EdgeCache | false;
  /** Called once per request, e.g. `GET /runs 200 default: handler response`. */
  readonly log?: (line: string) => void;
}

type Outcome = { status: number; note: string };

/** Everything one request needs, resolved once per edge. */
interface Edge {
  readonly options: LocalEdgeOptions;
  readonly security: Readonly<Record<string, string>>;
  readonly specs: ReturnType<typeof cachePolicySpecs>;
  readonly cache: EdgeCache | undefined;
  readonly viewerFunction: ViewerFunction | undefined;
  readonly originHeaders: Readonly<Record<string, string>>;
}

/** The request after the viewer stage: what the cache key and the origin request are built from. */
interface EdgeRequest {
  readonly method: string;
  readonly behavior: Behavior;
  readonly uri: string;
  readonly querystring: string;
  readonly header: (name: string) => string | undefined;
  readonly requestId: string;
}

async function handle(req: IncomingMessage, res: ServerResponse, edge: Edge): Promise<Outcome> {
  const { options, security } = edge;
  const method = req.method ?? 'GET';
  let url: URL;
  try {
    // CloudFront normalizes the path (RFC 3986 dot segments) before it matches a behavior.
    url = new URL(req.url ?? '/', 'http://edge.invalid');
  } catch {
    sendText(res, 400, '400 Bad Request', security);
    return { status: 400, note: 'bad request target' };
  }
  // ...and then sends the RAW path to the origin: the handler sees exactly what the viewer sent
  // (and answers 400 to dot segments), and S3 keys are literal (it never resolves "..").
  const raw = req.url ?? '/';
  if (!raw.startsWith('/')) {
    sendText(res, 400, '400 Bad Request', security);
    return { status: 400, note: 'bad request target' };
  }
  const behavior = matchBehavior(options.table, url.pathname);

  if (behavior.allowedMethods === 'GET_HEAD' && method !== 'GET' && method !== 'HEAD') {
    sendText(res, 403, `403 Forbidden: this distribution is not configured to allow the HTTP request method ${method} here`, security);
    return { status: 403, note: `${behavior.name}: method not allowed` };
  }

  if (behavior.origin === 'api') {
    if (!options.apiOrigin) {
      sendText(res, 502, '502 Bad Gateway: no API origin is configured', security);
      return { status: 502, note: 'api: no origin' };
    }
    // CachingDisabled: every request reaches the API, and CloudFront says it missed.
    const status = await proxyToApi(req, res, raw, { origin: options.apiOrigin, securityHeaders: { ...security, 'x-cache': CACHE_MISS } });
    return { status, note: 'api' };
  }

  const viewer = viewerStage(req, res, edge, behavior);
  if (viewer.kind === 'answered') return viewer.outcome;
  const request = viewer.request;

  const spec = edge.specs[behavior.cachePolicy];
  const key =
    edge.cache !== undefined && policyCaches(spec)
      ? cacheKey(behavior, spec, { path: request.uri, querystring: request.querystring, header: request.header })
      : undefined;
  const hit = key === undefined ? undefined : edge.cache?.lookup(key);
  if (hit) {
    const headers: HeaderList = [
      ['X-Cache', CACHE_HIT],
      ['Age', String(hit.ageSeconds)],
    ];
    const status = sendComplete(res, method, request.header, hit, headers, security);
    return { status, note: `${behavior.name}: hit, age ${hit.ageSeconds} s` };
  }
  const miss: MissContext = { method, key, spec, cache: edge.cache, requestHeader: request.header, security };
  return behavior.edgeFunction ? fromHandler(req, res, edge, request, miss) : fromBucket(req, res, edge, request, miss);
}

/**
 * The viewer-request function (default behavior, previews on), run as CloudFront runs it:
 * before the cache. Without it the request goes on as the viewer sent it.
 */
function viewerStage(
  req: IncomingMessage,
  res: ServerResponse,
  edge: Edge,
  behavior: Behavior,
): { kind: 'answered'; outcome: Outcome } | { kind: 'request'; request: EdgeRequest } {
  const method = req.method ?? 'GET';
  const raw = req.url ?? '/';
  const requestId = randomBytes(21).toString('base64url');
  const viewerHeaders = headerListFromRaw(req.rawHeaders);
  if (!behavior.edgeFunction || !edge.viewerFunction) {
    const target = splitTarget(raw);
    return { kind: 'request', request: { method, behavior, ...target, header: (name) => headerValue(viewerHeaders, name), requestId } };
  }
  let result: ReturnType<typeof runViewerFunction>;
  try {
    result = runViewerFunction(edge.viewerFunction, {
      method,
      url: raw,
      headers: viewerHeaders,
      clientIp: req.socket.remoteAddress ?? '127.0.0.1',
      requestId,
      distributionDomainName: req.headers.host ?? 'localhost',
    });
  } catch (error) {
    const text = `503 Service Unavailable: the viewer function failed (FunctionExecutionError): ${(error as Error).message}`;
    sendText(res, 503, text, edge.security);
    return { kind: 'answered', outcome: { status: 503, note: `${behavior.name}: viewer function failed` } };
  }
  if (result.kind === 'response') {
    const status = sendFunctionResponse(res, result.response, edge.security);
    return { kind: 'answered', outcome: { status, note: `${behavior.name}: viewer function response` } };
  }
  const fn = result.request;
  return {
    kind: 'request',
    request: {
      method,
      behavior,
      uri: fn.uri,
      querystring: queryString(fn.querystring),
      header: (name) => functionHeader(fn, name),
      requestId,
    },
  };
}

/** A behavior without the function (the asset folders): the object from S3. */
async function fromBucket(
  req: IncomingMessage,
  res: ServerResponse,
  edge: Edge,
  request: EdgeRequest,
  miss: MissContext,
): Promise<Outcome> {
  const { behavior } = request;
  // The handler's own path check (one definition): a traversal, control character or bad
  // encoding never reaches s3rver, which would resolve dot segments or fail with a 500.
  const check = checkPath(request.uri);
  if (!check.ok) {
    sendText(res, 400, `400 Bad Request: ${check.problem}`, edge.security);
    return { status: 400, note: `${behavior.name}: ${check.problem}` };
  }
  // With a cache, CloudFront asks the origin for the whole object and answers the viewer's
  // conditional itself; without one the conditional goes to S3 so 304s still work.
  const conditional: Record<string, string> = {};
  if (!edge.cache) {
    for (const name of CONDITIONAL_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') conditional[name] = value;
    }
  }
  const origin = await edge.options.s3.get(request.uri, { method: request.method === 'HEAD' ? 'HEAD' : 'GET', headers: conditional });
  return { status: await deliverMiss(res, miss, { kind: 'stream', origin }), note: `${behavior.name}: s3` };
}

/** The default behavior: the origin-request handler, then S3 at the URI it returns (or its response). */
async function fromHandler(
  req: IncomingMessage,
  res: ServerResponse,
  edge: Edge,
  request: EdgeRequest,
  miss: MissContext,
): Promise<Outcome> {
  const { options, security } = edge;
  const { behavior } = request;
  // The cache policy's key headers are the ones CloudFront forwards to the origin.
  const forwardedHeaders: Record<string, string> = {};
  for (const name of miss.spec.headers) {
    const value = request.header(name);
    if (value !== undefined) forwardedHeaders[name] = value;
  }
  const event = originRequestEvent(
    {
      method: request.method,
      url: request.querystring ? `${request.uri}?${request.querystring}` : request.uri,
      clientIp: req.socket.remoteAddress ?? '127.0.0.1',
      requestId: request.requestId,
      forwardedHeaders,
    },
    {
      bucket: options.s3.bucket,
      region: options.region,
      customHeaders: edge.originHeaders,
      distributionDomainName: req.headers.host ?? 'localhost',
    },
  );
  let result: Awaited<ReturnType<EdgeHandler>>;
  try {
    result = await options.handler(event);
  } catch (error) {
    sendText(res, 503, `503 Service Unavailable: the edge function failed (LambdaExecutionError): ${(error as Error).message}`, security);
    return { status: 503, note: `${behavior.name}: handler threw` };
  }
  if (isCfResponse(result)) {
    let response: CachedResponse;
    try {
      response = viewerResponseFromLambda(result);
    } catch (error) {
      const text = `502 Bad Gateway: the edge function returned an invalid response (LambdaValidationError): ${(error as Error).message}`;
      sendText(res, 502, text, security);
      return { status: 502, note: `${behavior.name}: invalid handler response` };
    }
    return { status: await deliverMiss(res, miss, { kind: 'complete', response }), note: `${behavior.name}: handler response` };
  }
  if (typeof result?.uri !== 'string' || !result.uri.startsWith('/')) {
    sendText(res, 502, '502 Bad Gateway: the edge function returned a request without a valid uri (LambdaValidationError)', security);
    return { status: 502, note: `${behavior.name}: invalid handler request` };
  }
  const uriCheck = checkPath(result.uri.split('?', 1)[0] as string);
  if (!uriCheck.ok) {
    sendText(res, 502, `502 Bad Gateway: the edge function returned a uri that would leave its release (${uriCheck.problem})`, security);
    return { status: 502, note: `${behavior.name}: unsafe handler uri` };
  }
  const origin = await options.s3.get(result.uri, { method: request.method === 'HEAD' ? 'HEAD' : 'GET' });
  return { status: await deliverMiss(res, miss, { kind: 'stream', origin }), note: `${behavior.name}: s3 ${result.uri}` };
}

function resolveEdge(options: LocalEdgeOptions): Edge {
  const previews = options.previewDomain !== undefined;
  if (previews) {
    const problem = previewDomainProblem(options.previewDomain as string);
    if (problem) throw new Error(`the preview domain ${problem}`);
  }
  return {
    options,
    security: options.securityHeaders,
    specs: cachePolicySpecs({ previews }),
    cache: options.cache === false ? undefined : (options.cache ?? new EdgeCache()),
    viewerFunction: previews ? loadViewerFunction() : undefined,
    // As the stack: with previews on, the S3 origin also carries the preview domain.
    originHeaders: previews
      ? { ...options.customHeaders, [CHANNEL_HEADERS.previewDomain]: options.previewDomain as string }
      : options.customHeaders,
  };
}

/** The request listener of the local edge (exported so tests can mount it on their own server). */
export function localEdgeListener(
  options: LocalEdgeOptions,
): ((req: IncomingMessage, res: ServerResponse) => void) & { cache: EdgeCache | undefined } {
  const edge = resolveEdge(options);
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res, edge).then(
      (outcome) => options.log?.(`${req.method} ${req.url} ${outcome.status} ${outcome.note}`),
      (error: unknown) => {
        options.log?.(`${req.method} ${req.url} 502 ${(error as Error).message}`);
        if (!res.headersSent) sendText(res, 502, `502 Bad Gateway: ${(error as Error).message}`, options.securityHeaders);
        else res.destroy();
      },
    );
  };
  return Object.assign(listener, { cache: edge.cache });
}
