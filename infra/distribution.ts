/**
 * The CloudFront distribution, built from the behavior table in contracts/edge-config.ts:
 * each behavior's origin, function and named cache policy are mapped to CloudFront here.
 * Error responses set only how long CloudFront keeps each error (ERROR_CACHING_SECONDS), never a
 * response page: turning 403/404 into index.html is the bug shellfront replaces.
 */
import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  CACHE_SECONDS,
  configHeaders,
  DEFAULT_ROOT_OBJECT,
  ERROR_CACHING_SECONDS,
  type Behavior,
  type CachePolicyName,
} from '../contracts/edge-config.ts';
import { accountUniqueName } from './names.ts';
import { createResponseHeadersPolicy } from './response-headers.ts';
import type { ResolvedProps } from './validate.ts';

export interface SiteDistributionProps {
  readonly bucket: s3.IBucket;
  readonly settings: ResolvedProps;
  readonly edgeFunction: lambda.IVersion;
  /** Where CloudFront standard logs go; none when undefined. */
  readonly logBucket?: s3.IBucket;
}

/** CloudFront's policy for each named cache policy of the behavior table. */
function createCachePolicies(scope: Construct): Record<CachePolicyName, cloudfront.ICachePolicy> {
  const compressed = { enableAcceptEncodingGzip: true, enableAcceptEncodingBrotli: true };
  return {
    // The function sets Cache-Control (s-maxage = shellCdnSeconds); min TTL 0 lets it say "don't".
    shell: new cloudfront.CachePolicy(scope, 'ShellCachePolicy', {
      cachePolicyName: accountUniqueName(scope, 128, 'ShellCachePolicy'),
      comment: 'shellfront shell: honours the origin Cache-Control; path and query string in the cache key',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(CACHE_SECONDS.shellMax),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      // The query reaches the function only to be carried to a _redirects target (routing ignores it).
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      ...compressed,
    }),
    'immutable-assets': new cloudfront.CachePolicy(scope, 'AssetCachePolicy', {
      cachePolicyName: accountUniqueName(scope, 128, 'AssetCachePolicy'),
      comment: 'shellfront hashed assets: immutable, a year',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(CACHE_SECONDS.immutableAssets),
      maxTtl: Duration.seconds(CACHE_SECONDS.immutableAssets),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
      ...compressed,
    }),
    disabled: cloudfront.CachePolicy.CACHING_DISABLED,
  };
}

export class SiteDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: SiteDistributionProps) {
    super(scope, id);
    const { settings } = props;
    const cachePolicies = createCachePolicies(this);
    const responseHeadersPolicy = createResponseHeadersPolicy(this, 'SecurityHeaders', settings.contentSecurityPolicy);
    const bucketOrigin = origins.S3BucketOrigin.withOriginAccessControl(props.bucket, {
      // OAC names are unique per account: the region keeps two regions' stacks apart.
      originAccessControl: new cloudfront.S3OriginAccessControl(this, 'OriginAccessControl', {
        originAccessControlName: accountUniqueName(this, 64, 'oac'),
        description: 'shellfront: CloudFront reads the site bucket (SigV4)',
      }),
      // LIST: a missing key is a 404 from S3, not a 403.
      originAccessLevels: [cloudfront.AccessLevel.READ, cloudfront.AccessLevel.LIST],
      customHeaders: configHeaders(settings.edgeConfig),
    });
    const apiOrigin = settings.apiDomain
      ? new origins.HttpOrigin(settings.apiDomain, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        })
      : undefined;

    const toOptions = (behavior: Behavior): cloudfront.BehaviorOptions => {
      const origin = behavior.origin === 'api' ? apiOrigin : bucketOrigin;
      if (!origin) throw new Error(`behavior ${behavior.pathPattern} needs an API origin but apiDomain is not set`);
      return {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: behavior.allowedMethods === 'ALL' ? cloudfront.AllowedMethods.ALLOW_ALL : cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
        cachePolicy: cachePolicies[behavior.cachePolicy],
        ...(behavior.forwardAllViewerHeaders ? { originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER } : {}),
        compress: behavior.compress,
        responseHeadersPolicy,
        ...(behavior.edgeFunction
          ? { edgeLambdas: [{ functionVersion: props.edgeFunction, eventType: cloudfront.LambdaEdgeEventType.ORIGIN_REQUEST }] }
          : {}),
      };
    };

    const defaultBehavior = settings.behaviors.find((b) => b.pathPattern === '*');
    if (!defaultBehavior) throw new Error('the behavior table has no default behavior');
    const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {};
    for (const behavior of settings.behaviors) {
      if (behavior !== defaultBehavior) additionalBehaviors[behavior.pathPattern] = toOptions(behavior);
    }
    const custom = settings.domainNames.length > 0 && settings.certificateArn;

    this.distribution = new cloudfront.Distribution(this, 'Resource', {
      comment: 'shellfront: SPA shell at the edge',
      // The function answers "/" itself; naming a root object also means the bucket root (a
      // LIST with OAC's LIST access) can never be what "/" reaches, even if the function is removed.
      defaultRootObject: DEFAULT_ROOT_OBJECT,
      defaultBehavior: toOptions(defaultBehavior),
      additionalBehaviors,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      priceClass: settings.priceClass,
      ...(settings.webAclArn ? { webAclId: settings.webAclArn } : {}),
      ...(custom
        ? {
            domainNames: [...settings.domainNames],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', settings.certificateArn as string),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            sslSupportMethod: cloudfront.SSLMethod.SNI,
          }
        : {}),
      ...(props.logBucket ? { enableLogging: true, logBucket: props.logBucket, logFilePrefix: 'cloudfront/' } : {}),
      // Only how long each error is kept; no response page (that is the index.html-on-404 bug).
      errorResponses: Object.entries(ERROR_CACHING_SECONDS).map(([status, seconds]) => ({
        httpStatus: Number(status),
        ttl: Duration.seconds(seconds),
      })),
    });
  }
}
