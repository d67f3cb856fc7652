/**
 * The CloudFront distribution, built from the behavior table in contracts/edge-config.ts:
 * each behavior's origin, function and named cache policy are mapped to CloudFront here, and each
 * cache policy is built from its data (`cachePolicySpecs`), so the stack, the handler and the local
 * edge's cache cannot disagree. With a preview domain, the viewer-request CloudFront Function
 * (contracts/viewer-function.ts) runs on the behavior with the shell function, and the shell's
 * cache key includes the viewer host it copies. Error responses set only how long CloudFront
 * keeps each error (ERROR_CACHING_SECONDS), never a response page: turning 403/404 into
 * index.html is the bug shellfront replaces.
 */
import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { cachePolicySpecs, type CachePolicySpec } from '../contracts/cache-policies.ts';
import {
  CHANNEL_HEADERS,
  configHeaders,
  DEFAULT_ROOT_OBJECT,
  ERROR_CACHING_SECONDS,
  type Behavior,
  type CachePolicyName,
} from '../contracts/edge-config.ts';
import { VIEWER_FUNCTION_SOURCE } from '../contracts/viewer-function.ts';
import { accountUniqueName } from './names.ts';
import { createResponseHeadersPolicy } from './response-headers.ts';
import type { ResolvedProps } from './validate.ts';

export interface SiteDistributionProps {
  readonly bucket: s3.IBucket;
  readonly settings: ResolvedProps;
  readonly edgeFunction: lambda.IVersion;
  /** Where CloudFront standard logs go; none when undefined. */
  readonly logBucket?: s3.IBucket;
  /**
   * The certificate covering `settings.aliases`.
   * @default - `settings.certificateArn`, else none (only the *.cloudfront.net name)
   */
  readonly certificate?: acm.ICertificate;
}

/** Construct id (public: renaming one replaces the policy) and comment of each policy of our own. */
const OWN_POLICIES: Readonly<Partial<Record<CachePolicyName, { readonly id: string; readonly comment: string }>>> = {
  shell: { id: 'ShellCachePolicy', comment: 'shellfront shell: honours the origin Cache-Control' },
  'immutable-assets': { id: 'AssetCachePolicy', comment: 'shellfront hashed assets: immutable, a year' },
};

/**
 * CloudFront's policy for each named cache policy of the behavior table, built from its data:
 * TTLs, the headers in the key, the query strings; `managed` ones are CloudFront's own.
 */
function createCachePolicies(scope: Construct, previews: boolean): Record<CachePolicyName, cloudfront.ICachePolicy> {
  const specs = cachePolicySpecs({ previews });
  const build = (name: CachePolicyName): cloudfront.ICachePolicy => {
    const spec = specs[name];
    if (spec.managed === 'CachingDisabled') return cloudfront.CachePolicy.CACHING_DISABLED;
    const own = OWN_POLICIES[name];
    if (!own) throw new Error(`cache policy "${name}" has no construct id: add it to OWN_POLICIES in infra/distribution.ts`);
    const { id, comment } = own;
    return new cloudfront.CachePolicy(scope, id, {
      cachePolicyName: accountUniqueName(scope, 128, id),
      comment: `${comment}${describeKey(spec)}`,
      minTtl: Duration.seconds(spec.minTtl),
      defaultTtl: Duration.seconds(spec.defaultTtl),
      maxTtl: Duration.seconds(spec.maxTtl),
      headerBehavior:
        spec.headers.length > 0 ? cloudfront.CacheHeaderBehavior.allowList(...spec.headers) : cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      queryStringBehavior:
        spec.queryStrings === 'all' ? cloudfront.CacheQueryStringBehavior.all() : cloudfront.CacheQueryStringBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
  };
  const names = Object.keys(specs) as CachePolicyName[];
  return Object.fromEntries(names.map((name) => [name, build(name)])) as Record<CachePolicyName, cloudfront.ICachePolicy>;
}

/** `; path and query string in the cache key`, or nothing when the key is the path alone. */
function describeKey(spec: CachePolicySpec): string {
  const parts = ['path', ...(spec.queryStrings === 'all' ? ['query string'] : []), ...spec.headers];
  if (parts.length === 1) return '';
  return `; ${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]} in the cache key`;
}

/**
 * The viewer-request CloudFront Function of preview channels: the contract's exact source, on the
 * cloudfront-js-2.0 runtime. Functions are global to the account, hence the region in the name.
 */
function createViewerFunction(scope: Construct): cloudfront.Function {
  return new cloudfront.Function(scope, 'ViewerFunction', {
    functionName: accountUniqueName(scope, 64, 'viewer'),
    comment: `shellfront preview channels: copies the viewer Host into ${CHANNEL_HEADERS.viewerHost}`,
    runtime: cloudfront.FunctionRuntime.JS_2_0,
    code: cloudfront.FunctionCode.fromInline(VIEWER_FUNCTION_SOURCE),
  });
}

export class SiteDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;
  /** The viewer-request function, when preview channels are on. */
  readonly viewerFunction?: cloudfront.Function;

  constructor(scope: Construct, id: string, props: SiteDistributionProps) {
    super(scope, id);
    const { settings } = props;
    const previews = settings.previewDomain !== undefined;
    const cachePolicies = createCachePolicies(this, previews);
    const viewerFunction = previews ? createViewerFunction(this) : undefined;
    this.viewerFunction = viewerFunction;
    const responseHeadersPolicy = createResponseHeadersPolicy(this, 'SecurityHeaders', settings.contentSecurityPolicy);
    const bucketOrigin = origins.S3BucketOrigin.withOriginAccessControl(props.bucket, {
      // OAC names are unique per account: the region keeps two regions' stacks apart.
      originAccessControl: new cloudfront.S3OriginAccessControl(this, 'OriginAccessControl', {
        originAccessControlName: accountUniqueName(this, 64, 'oac'),
        description: 'shellfront: CloudFront reads the site bucket (SigV4)',
      }),
      // LIST: a missing key is a 404 from S3, not a 403.
      originAccessLevels: [cloudfront.AccessLevel.READ, cloudfront.AccessLevel.LIST],
      customHeaders: {
        ...configHeaders(settings.edgeConfig),
        ...(settings.previewDomain ? { [CHANNEL_HEADERS.previewDomain]: settings.previewDomain } : {}),
      },
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
        // Where the shell function runs, the viewer host must reach it: only there (each run is billed).
        ...(behavior.edgeFunction && viewerFunction
          ? { functionAssociations: [{ function: viewerFunction, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }] }
          : {}),
      };
    };

    const defaultBehavior = settings.behaviors.find((b) => b.pathPattern === '*');
    if (!defaultBehavior) throw new Error('the behavior table has no default behavior');
    const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {};
    for (const behavior of settings.behaviors) {
      if (behavior !== defaultBehavior) additionalBehaviors[behavior.pathPattern] = toOptions(behavior);
    }
    const certificate =
      props.certificate ??
      (settings.certificateArn ? acm.Certificate.fromCertificateArn(this, 'Certificate', settings.certificateArn) : undefined);
    const custom = settings.aliases.length > 0 && certificate;

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
            domainNames: [...settings.aliases],
            certificate,
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
