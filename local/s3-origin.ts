/**
 * The bucket origin of the local edge: signed GET/HEAD requests to s3rver (the way an Origin
 * Access Control signs CloudFront's requests to S3), answered with S3's own status, metadata
 * and body, streamed.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { AwsClient } from 'aws4fetch';
import { headerListFromRaw, type HeaderList } from './edge-response.ts';

export interface S3OriginConfig {
  /** s3rver's endpoint, e.g. http://127.0.0.1:4569 (path-style). */
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface OriginResponse {
  readonly status: number;
  readonly headers: HeaderList;
  readonly body: IncomingMessage;
}

/** Viewer headers CloudFront's cache would answer from; locally they go to S3 so 304s still work. */
export const CONDITIONAL_HEADERS: readonly string[] = ['if-none-match', 'if-modified-since'];

export class S3Origin {
  readonly #config: S3OriginConfig;
  readonly #signer: AwsClient;

  constructor(config: S3OriginConfig) {
    this.#config = config;
    this.#signer = new AwsClient({ ...config.credentials, service: 's3', region: config.region });
  }

  get bucket(): string {
    return this.#config.bucket;
  }

  /**
   * Fetches the object at `uri` (a percent-encoded path starting with `/`, as CloudFront sends
   * it: the key is the path without its leading slash).
   */
  async get(uri: string, options: { method?: 'GET' | 'HEAD'; headers?: Record<string, string> } = {}): Promise<OriginResponse> {
    if (!uri.startsWith('/')) throw new Error(`an origin path starts with "/", got ${JSON.stringify(uri)}`);
    const url = `${this.#config.endpoint}/${this.#config.bucket}${uri}`;
    const method = options.method ?? 'GET';
    const signed = await this.#signer.sign(url, { method, headers: options.headers ?? {} });
    const target = new URL(signed.url);
    const headers: Record<string, string> = {};
    signed.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return new Promise<OriginResponse>((resolve, reject) => {
      const req = httpRequest(
        { hostname: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method, headers },
        (res) => resolve({ status: res.statusCode ?? 502, headers: headerListFromRaw(res.rawHeaders), body: res }),
      );
      req.once('error', reject);
      req.end();
    });
  }
}
