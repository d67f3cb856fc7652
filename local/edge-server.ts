/**
 * The local edge: what CloudFront does in front of the bucket and the API, on one HTTP port.
 * The behavior table comes from contracts/edge-config.ts (the stack's one definition):
 *   api      ⇒ proxied untouched to the API origin
 *   assets   ⇒ GET from S3, answered with S3's status, metadata and body
 *   default  ⇒ an origin-request event for the handler bundle; a returned request is fetched
 *              from S3 at its (rewritten) URI, a returned response is sent as is
 * and the response headers policy on every response. No caching layer (see docs/local.md).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { matchBehavior, type Behavior } from '../contracts/edge-config.ts';
import { checkPath } from '../lambda/core/path.ts';
import { proxyToApi } from './api-proxy.ts';
import { isCfResponse, originRequestEvent, type EdgeHandler } from './cloudfront-event.ts';
import { viewerResponseFromLambda, withSecurityHeaders, type HeaderList } from './edge-response.ts';
import { CONDITIONAL_HEADERS, type S3Origin, type OriginResponse } from './s3-origin.ts';

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
  /** Called once per request, e.g. `GET /runs 200 default:shell`. */
  readonly log?: (line: string) => void;
}

export interface RunningEdge {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  stop(): Promise<void>;
}

type Outcome = { status: number; note: string };

function send(
  res: ServerResponse,
  status: number,
  headers: HeaderList,
  body: Buffer | string,
  security: Readonly<Record<string, string>>,
): void {
  const length: HeaderList = [['Content-Length', String(Buffer.byteLength(body))]];
  const withoutLength = headers.filter(([name]) => name.toLowerCase() !== 'content-length');
  res.writeHead(status, withSecurityHeaders([...withoutLength, ...length], security).flat());
  res.end(body);
}

function sendText(res: ServerResponse, status: number, text: string, security: Readonly<Record<string, string>>): void {
  send(
    res,
    status,
    [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Cache-Control', 'no-store'],
    ],
    `${text}\n`,
    security,
  );
}

function streamOrigin(res: ServerResponse, origin: OriginResponse, security: Readonly<Record<string, string>>): void {
  res.writeHead(origin.status, withSecurityHeaders(origin.headers, security).flat());
  // pipeline, not pipe: a viewer that goes away also releases the S3 response.
  pipeline(origin.body, res, () => {});
}

async function handle(req: IncomingMessage, res: ServerResponse, options: LocalEdgeOptions): Promise<Outcome> {
  const security = options.securityHeaders;
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
  const target = raw;
  const rawPath = raw.split('?', 1)[0] as string;
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
    const status = await proxyToApi(req, res, target, { origin: options.apiOrigin, securityHeaders: security });
    return { status, note: 'api' };
  }

  const s3Method = method === 'HEAD' ? 'HEAD' : 'GET';
  if (!behavior.edgeFunction) {
    const conditional: Record<string, string> = {};
    for (const name of CONDITIONAL_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') conditional[name] = value;
    }
    // The handler's own path check (one definition): a traversal, control character or bad
    // encoding never reaches s3rver, which would resolve dot segments or fail with a 500.
    const check = checkPath(rawPath);
    if (!check.ok) {
      sendText(res, 400, `400 Bad Request: ${check.problem}`, security);
      return { status: 400, note: `${behavior.name}: ${check.problem}` };
    }
    const origin = await options.s3.get(rawPath, { method: s3Method, headers: conditional });
    streamOrigin(res, origin, security);
    return { status: origin.status, note: `${behavior.name}: s3` };
  }

  const requestId = randomBytes(21).toString('base64url');
  const event = originRequestEvent(
    { method, url: target, clientIp: req.socket.remoteAddress ?? '127.0.0.1', requestId },
    {
      bucket: options.s3.bucket,
      region: options.region,
      customHeaders: options.customHeaders,
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
    try {
      const response = viewerResponseFromLambda(result);
      send(res, response.status, response.headers, response.body, security);
      return { status: response.status, note: `${behavior.name}: handler response` };
    } catch (error) {
      sendText(
        res,
        502,
        `502 Bad Gateway: the edge function returned an invalid response (LambdaValidationError): ${(error as Error).message}`,
        security,
      );
      return { status: 502, note: `${behavior.name}: invalid handler response` };
    }
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
  const origin = await options.s3.get(result.uri, { method: s3Method });
  streamOrigin(res, origin, security);
  return { status: origin.status, note: `${behavior.name}: s3 ${result.uri}` };
}

/** The request listener of the local edge (exported so tests can mount it on their own server). */
export function localEdgeListener(options: LocalEdgeOptions) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res, options).then(
      (outcome) => options.log?.(`${req.method} ${req.url} ${outcome.status} ${outcome.note}`),
      (error: unknown) => {
        options.log?.(`${req.method} ${req.url} 502 ${(error as Error).message}`);
        if (!res.headersSent) sendText(res, 502, `502 Bad Gateway: ${(error as Error).message}`, options.securityHeaders);
        else res.destroy();
      },
    );
  };
}

export async function startLocalEdge(options: LocalEdgeOptions & { port?: number; host?: string }): Promise<RunningEdge> {
  const server = createServer(localEdgeListener(options));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
