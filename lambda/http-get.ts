/**
 * A bounded HTTP(S) GET on node:http/https: an abort signal for the timeout, a cap on the body
 * size, and one keep-alive agent per container, so a refresh after the first reuses the TLS
 * connection instead of paying DNS + TCP + TLS again (several round trips from a distant edge
 * location to the bucket's region). A container is frozen between invocations and S3 may close an
 * idle connection meanwhile: a request that fails on a REUSED socket before any answer is sent
 * again once on a new connection (what Node's docs advise for `request.reusedSocket`).
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * Idle sockets are kept this long: past a TTL of 60 s, so the next refresh can reuse one. If S3
 * closed it meanwhile (or it froze with the container), the retry below opens a new one.
 */
const IDLE_SOCKET_MS = 120_000;
const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 8, timeout: IDLE_SOCKET_MS }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 8, timeout: IDLE_SOCKET_MS }),
};
const STALE_SOCKET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

export interface HttpAnswer {
  readonly status: number;
  /** Lowercase names, first value. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface HttpGetOptions {
  readonly headers: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  /** A longer body (by Content-Length or as it streams) fails with BodyTooLargeError. */
  readonly maxBytes: number;
}

export type HttpGet = (url: URL, options: HttpGetOptions) => Promise<HttpAnswer>;

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  readonly code = 'TooLarge';
  constructor(url: URL, limit: number, length?: number) {
    super(`GET ${url.origin}${url.pathname}: the body is ${length ? `${length} bytes` : 'larger than the limit'}; the limit is ${limit}`);
  }
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? (value[0] ?? '') : value;
  }
  return flat;
}

export const nodeHttpGet: HttpGet = async (url, options) => {
  try {
    return await getOnce(url, options);
  } catch (error) {
    const stale =
      (error as { reusedSocket?: boolean; code?: string }).reusedSocket && STALE_SOCKET.has((error as { code?: string }).code ?? '');
    if (!stale || options.signal.aborted) throw error;
    return getOnce(url, options);
  }
};

function getOnce(url: URL, options: HttpGetOptions): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    let request: ClientRequest;
    const failed = (error: Error) => reject(Object.assign(error, { reusedSocket: request.reusedSocket }));
    request = send(
      url,
      { method: 'GET', headers: options.headers, signal: options.signal, agent: secure ? agents.https : agents.http },
      (response) => {
        const headers = flatten(response.headers);
        const length = Number(headers['content-length'] ?? Number.NaN);
        if (length > options.maxBytes) {
          request.destroy(new BodyTooLargeError(url, options.maxBytes, length));
          return;
        }
        const chunks: Buffer[] = [];
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > options.maxBytes) request.destroy(new BodyTooLargeError(url, options.maxBytes));
          else chunks.push(chunk);
        });
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', reject);
        response.on('close', () => {
          if (!response.complete) reject(new Error(`GET ${url.origin}${url.pathname}: the connection closed before the body ended`));
        });
      },
    );
    request.on('error', failed);
    request.end();
  });
}
