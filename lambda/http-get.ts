/**
 * A bounded HTTP(S) GET on node:http/https: no keep-alive (a socket frozen with the container
 * would fail the next refresh), an abort signal for the timeout, and a cap on the body size.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

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

export const nodeHttpGet: HttpGet = (url, options) =>
  new Promise<HttpAnswer>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { method: 'GET', headers: options.headers, signal: options.signal, agent: false }, (response) => {
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
    });
    request.on('error', reject);
    request.end();
  });
