/**
 * Translations between a viewer's HTTP request and the Lambda@Edge origin-request shapes, the
 * way CloudFront does it for the default (shell) behavior: pure functions, no I/O.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-event-structure.html
 */
import { DEFAULT_ROOT_OBJECT } from '../contracts/edge-config.ts';
import type { CloudFrontHeaders, CloudFrontRequest, CloudFrontRequestEvent, CloudFrontS3Origin } from '../lambda/edge/types.ts';

// The event shapes are the handler's own (lambda/edge/types.ts): one definition of what AWS documents.
export type CfHeaders = CloudFrontHeaders;
export type CfRequest = CloudFrontRequest;
export type CfS3Origin = CloudFrontS3Origin;

export interface CfResponse {
  status: string | number;
  statusDescription?: string;
  headers?: CfHeaders;
  body?: string;
  bodyEncoding?: 'text' | 'base64';
}

export type OriginRequestEvent = CloudFrontRequestEvent;

export type EdgeHandler = (event: OriginRequestEvent) => Promise<CfRequest | CfResponse>;

export interface ViewerRequest {
  readonly method: string;
  /** The raw request target, e.g. `/runs/7?tab=log` (path still percent-encoded). */
  readonly url: string;
  readonly clientIp: string;
  readonly requestId: string;
  /**
   * Viewer headers CloudFront forwards to the origin: the cache policy's key headers, as the
   * viewer-request function left them (e.g. CHANNEL_HEADERS.viewerHost). @default none
   */
  readonly forwardedHeaders?: Readonly<Record<string, string>>;
}

export interface S3OriginOptions {
  readonly bucket: string;
  readonly region: string;
  /** The config headers (contracts/edge-config.ts configHeaders()). */
  readonly customHeaders: Readonly<Record<string, string>>;
  readonly distributionDomainName: string;
  /** `null` for a distribution without one. @default DEFAULT_ROOT_OBJECT */
  readonly defaultRootObject?: string | null;
}

/** `<bucket>.s3.<region>.amazonaws.com`: the handler reads the bucket and region from it. */
export function s3OriginDomain(bucket: string, region: string): string {
  return `${bucket}.s3.${region}.amazonaws.com`;
}

/** A plain `name ⇒ value` map as CloudFront's lowercase-keyed `{key, value}` list map. */
export function toCfHeaders(headers: Readonly<Record<string, string>>): CfHeaders {
  const result: CfHeaders = {};
  for (const [key, value] of Object.entries(headers)) {
    (result[key.toLowerCase()] ??= []).push({ key, value });
  }
  return result;
}

/** Splits a request target into CloudFront's `uri` and `querystring` (no `?`). */
export function splitTarget(url: string): { uri: string; querystring: string } {
  const mark = url.indexOf('?');
  return mark === -1 ? { uri: url, querystring: '' } : { uri: url.slice(0, mark), querystring: url.slice(mark + 1) };
}

/** CloudFront's own origin-request headers plus the forwarded viewer headers that do not collide with them. */
function withForwarded(own: CfHeaders, forwarded: Readonly<Record<string, string>>): CfHeaders {
  const headers = { ...own };
  for (const [name, value] of Object.entries(forwarded)) headers[name.toLowerCase()] ??= [{ key: name, value }];
  return headers;
}

/**
 * The origin-request event for a viewer request on the default behavior. The origin sees what
 * CloudFront itself adds, and only the viewer headers the cache policy forwards.
 */
export function originRequestEvent(viewer: ViewerRequest, origin: S3OriginOptions): OriginRequestEvent {
  const domainName = s3OriginDomain(origin.bucket, origin.region);
  const target = splitTarget(viewer.url);
  const rootObject = origin.defaultRootObject === undefined ? DEFAULT_ROOT_OBJECT : origin.defaultRootObject;
  const uri = target.uri === '/' && rootObject ? `/${rootObject}` : target.uri;
  const { querystring } = target;
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: origin.distributionDomainName,
            distributionId: 'ESHELLFRONTLOCAL',
            eventType: 'origin-request',
            requestId: viewer.requestId,
          },
          request: {
            clientIp: viewer.clientIp,
            method: viewer.method,
            uri,
            querystring,
            headers: withForwarded(
              toCfHeaders({
                Host: domainName,
                'User-Agent': 'Amazon CloudFront',
                Via: '1.1 shellfront-local (CloudFront)',
                'X-Forwarded-For': viewer.clientIp,
                'X-Amz-Cf-Id': viewer.requestId,
              }),
              viewer.forwardedHeaders ?? {},
            ),
            origin: {
              s3: {
                authMethod: 'none',
                customHeaders: toCfHeaders(origin.customHeaders),
                domainName,
                path: '',
                region: origin.region,
              },
            },
          },
        },
      },
    ],
  };
}

/** CloudFront treats a result with a `status` as a generated response, anything else as the request. */
export function isCfResponse(result: CfRequest | CfResponse): result is CfResponse {
  return typeof result === 'object' && result !== null && 'status' in result;
}
