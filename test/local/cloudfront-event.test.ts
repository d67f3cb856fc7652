import { describe, expect, it } from 'vitest';
import { CHANNEL_HEADERS, CONFIG_HEADERS, configHeaders } from '../../contracts/edge-config.ts';
import {
  isCfResponse,
  originRequestEvent,
  s3OriginDomain,
  splitTarget,
  toCfHeaders,
  type S3OriginOptions,
  type ViewerRequest,
} from '../../local/cloudfront-event.ts';

const viewer: ViewerRequest = { method: 'GET', url: '/runs/7/steps/train?tab=log', clientIp: '127.0.0.1', requestId: 'req-1' };
const origin: S3OriginOptions = {
  bucket: 'shellfront-local',
  region: 'us-east-1',
  customHeaders: configHeaders({ manifestTtlSeconds: 2 }),
  distributionDomainName: '127.0.0.1:8080',
};

describe('originRequestEvent', () => {
  it('builds a complete origin-request event for the S3 origin', () => {
    const event = originRequestEvent(viewer, origin);
    expect(event).toEqual({
      Records: [
        {
          cf: {
            config: {
              distributionDomainName: '127.0.0.1:8080',
              distributionId: 'ESHELLFRONTLOCAL',
              eventType: 'origin-request',
              requestId: 'req-1',
            },
            request: {
              clientIp: '127.0.0.1',
              method: 'GET',
              uri: '/runs/7/steps/train',
              querystring: 'tab=log',
              headers: {
                host: [{ key: 'Host', value: 'shellfront-local.s3.us-east-1.amazonaws.com' }],
                'user-agent': [{ key: 'User-Agent', value: 'Amazon CloudFront' }],
                via: [{ key: 'Via', value: '1.1 shellfront-local (CloudFront)' }],
                'x-forwarded-for': [{ key: 'X-Forwarded-For', value: '127.0.0.1' }],
                'x-amz-cf-id': [{ key: 'X-Amz-Cf-Id', value: 'req-1' }],
              },
              origin: {
                s3: {
                  authMethod: 'none',
                  customHeaders: expect.any(Object),
                  domainName: 'shellfront-local.s3.us-east-1.amazonaws.com',
                  path: '',
                  region: 'us-east-1',
                },
              },
            },
          },
        },
      ],
    });
  });

  it('carries every config header, lowercase, with the given values', () => {
    const customHeaders = originRequestEvent(viewer, origin).Records[0]!.cf.request.origin?.s3?.customHeaders;
    expect(Object.keys(customHeaders ?? {}).sort()).toEqual(Object.values(CONFIG_HEADERS).sort());
    expect(customHeaders?.[CONFIG_HEADERS.manifestTtlSeconds]).toEqual([{ key: CONFIG_HEADERS.manifestTtlSeconds, value: '2' }]);
  });

  it('rewrites exactly "/" to the default root object, as the distribution does', () => {
    expect(originRequestEvent({ ...viewer, url: '/?a=1' }, origin).Records[0]!.cf.request).toMatchObject({
      uri: '/index.html',
      querystring: 'a=1',
    });
    expect(originRequestEvent({ ...viewer, url: '/runs/' }, origin).Records[0]!.cf.request.uri).toBe('/runs/');
    expect(originRequestEvent({ ...viewer, url: '/' }, { ...origin, defaultRootObject: null }).Records[0]!.cf.request.uri).toBe('/');
  });

  it('adds the viewer headers the cache policy forwards (the viewer host the viewer function set), never over CloudFront own', () => {
    const forwardedHeaders = { [CHANNEL_HEADERS.viewerHost]: 'pr-7.localhost:8080', host: 'evil.example' };
    const headers = originRequestEvent({ ...viewer, forwardedHeaders }, origin).Records[0]!.cf.request.headers;
    expect(headers[CHANNEL_HEADERS.viewerHost]).toEqual([{ key: CHANNEL_HEADERS.viewerHost, value: 'pr-7.localhost:8080' }]);
    expect(headers.host).toEqual([{ key: 'Host', value: 'shellfront-local.s3.us-east-1.amazonaws.com' }]);
    expect(originRequestEvent(viewer, origin).Records[0]!.cf.request.headers[CHANNEL_HEADERS.viewerHost]).toBeUndefined();
  });

  it('keeps the method (HEAD reaches the handler as HEAD)', () => {
    expect(originRequestEvent({ ...viewer, method: 'HEAD' }, origin).Records[0]!.cf.request.method).toBe('HEAD');
  });

  it('names the bucket and region in the origin domain the way S3 does', () => {
    expect(s3OriginDomain('my-site', 'eu-west-1')).toBe('my-site.s3.eu-west-1.amazonaws.com');
  });
});

describe('splitTarget', () => {
  it.each([
    ['/', { uri: '/', querystring: '' }],
    ['/runs?x=1&y=2', { uri: '/runs', querystring: 'x=1&y=2' }],
    ['/a%20b?', { uri: '/a%20b', querystring: '' }],
    ['/q?a=?b', { uri: '/q', querystring: 'a=?b' }],
  ])('splits %s', (target, expected) => {
    expect(splitTarget(target)).toEqual(expected);
  });
});

describe('toCfHeaders', () => {
  it('lowercases map keys, keeps the original key, groups repeats', () => {
    expect(toCfHeaders({ 'Content-Type': 'text/html', 'X-Thing': 'a' })).toEqual({
      'content-type': [{ key: 'Content-Type', value: 'text/html' }],
      'x-thing': [{ key: 'X-Thing', value: 'a' }],
    });
  });
});

describe('isCfResponse', () => {
  it('tells a generated response from a (rewritten) request', () => {
    expect(isCfResponse({ status: '200' })).toBe(true);
    const request = originRequestEvent(viewer, origin).Records[0]!.cf.request;
    expect(isCfResponse({ ...request, uri: '/releases/r1/favicon.svg' })).toBe(false);
  });
});
