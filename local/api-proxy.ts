/**
 * The API behavior of the local edge: the request goes to the API origin untouched (method,
 * path, query, headers, body) and its response comes back untouched (status, headers, body),
 * plus the response headers policy. Like CloudFront's AllViewerExceptHostHeader policy, only
 * Host changes (to the origin's), and Via / X-Forwarded-For are added.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream';
import { headerListFromRaw, withSecurityHeaders } from './edge-response.ts';

export interface ApiProxyOptions {
  /** The API origin, e.g. http://127.0.0.1:8081 (http or https). */
  readonly origin: string;
  readonly securityHeaders: Readonly<Record<string, string>>;
}

/** Proxies one viewer request; resolves with the origin's status (502 when it cannot be reached). */
export function proxyToApi(req: IncomingMessage, res: ServerResponse, target: string, options: ApiProxyOptions): Promise<number> {
  const origin = new URL(options.origin);
  const headers = headerListFromRaw(req.rawHeaders).filter(([name]) => name.toLowerCase() !== 'host');
  const clientIp = req.socket.remoteAddress ?? '127.0.0.1';
  const forwardedFor = req.headers['x-forwarded-for'];
  headers.push(['Host', origin.host]);
  headers.push(['X-Forwarded-For', forwardedFor ? `${forwardedFor}, ${clientIp}` : clientIp]);
  headers.push(['Via', '1.1 shellfront-local (CloudFront)']);

  return new Promise<number>((resolve) => {
    const request = origin.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstream = request(
      { hostname: origin.hostname, port: origin.port, method: req.method, path: target, headers: headers.flat() },
      (answer) => {
        const status = answer.statusCode ?? 502;
        res.writeHead(
          status,
          answer.statusMessage,
          withSecurityHeaders(headerListFromRaw(answer.rawHeaders), options.securityHeaders).flat(),
        );
        pipeline(answer, res, () => resolve(status));
      },
    );
    upstream.once('error', (error) => {
      if (res.headersSent) {
        res.destroy();
      } else {
        const body = `502 Bad Gateway: the API origin ${options.origin} did not answer (${error.message})\n`;
        res.writeHead(502, withSecurityHeaders([['Content-Type', 'text/plain; charset=utf-8']], options.securityHeaders).flat());
        res.end(body);
      }
      resolve(502);
    });
    req.pipe(upstream);
  });
}
