/**
 * The default stack (us-east-1, an API origin): one synthesized template shared by read-only
 * assertions on every resource and property the stack promises.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  behaviorTable,
  CACHE_SECONDS,
  CONFIG_HEADERS,
  configHeaders,
  DEFAULT_EDGE_CONFIG,
  securityHeaders,
} from '../../contracts/edge-config.ts';
import { CHANNELS_PREFIX } from '../../contracts/channels.ts';
import { MANIFEST_KEY } from '../../contracts/release.ts';
import { EDGE_HANDLER, EDGE_RUNTIME } from '../../contracts/edge-bundle.ts';
import { EDGE_MEMORY_MB, edgeTimeoutSeconds, pointerKeyPatterns } from '../../infra/edge-function.ts';
import { OUTPUT_KEYS } from '../../infra/stack.ts';
import { asArray, buildStack, distributionConfig, only, policyStatements, STACK_TIMEOUT } from './helpers.ts';

const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

let template: Template;
let config: Record<string, any>;
let assetDir: string;

beforeAll(() => {
  const built = buildStack({ site: { apiDomain: 'api.example.com' } });
  template = built.template;
  config = distributionConfig(template);
  const outdir = built.app.synth().directory;
  const asset = readdirSync(outdir).find((name) => name.startsWith('asset.') && existsSync(join(outdir, name, 'index.mjs')));
  assetDir = join(outdir, asset ?? 'missing');
}, STACK_TIMEOUT);

const byId = (id: unknown) => (typeof id === 'object' && id && 'Ref' in id ? (id as { Ref: string }).Ref : id);

describe('bucket', () => {
  it('is private, TLS-only, S3-encrypted, owner-enforced, versioned, retained', () => {
    const bucket = template.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: { Status: 'Enabled' } } });
    expect(Object.keys(bucket)).toHaveLength(1);
    const [id, resource] = Object.entries(bucket)[0]!;
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
    expect(resource.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('expires noncurrent versions (manifest.json history) after 30 days', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' })]),
      },
    });
  });

  it('lets CloudFront (this distribution only) GET and LIST through Origin Access Control', () => {
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: ['s3:GetObject', 's3:ListBucket'],
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });
});

describe('edge function', () => {
  it('is pinned, x86_64, sized, short, and has no environment', () => {
    const fn = only(template, 'AWS::Lambda::Function').Properties;
    expect(fn).toMatchObject({
      Runtime: EDGE_RUNTIME,
      Handler: EDGE_HANDLER,
      Architectures: ['x86_64'],
      MemorySize: EDGE_MEMORY_MB,
      Timeout: edgeTimeoutSeconds(DEFAULT_EDGE_CONFIG.fetchTimeoutMs),
    });
    expect(fn.Environment).toBeUndefined();
    expect(fn.Code.S3Key).toMatch(/\.zip$/);
  });

  it('ships the real lambda/index.ts bundle, without its source map', () => {
    const files = readdirSync(assetDir);
    expect(files).toEqual(['index.mjs']);
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(code).toMatch(/export\s*\{[^}]*\bas handler\b|export\s*\{[^}]*\bhandler\b/);
    expect(code).toContain(CONFIG_HEADERS.manifestTtlSeconds);
  });

  it('publishes a version that the distribution runs on origin-request of the default behavior only', () => {
    const version = only(template, 'AWS::Lambda::Version');
    expect(config.DefaultCacheBehavior.LambdaFunctionAssociations).toEqual([
      { EventType: 'origin-request', LambdaFunctionARN: { Ref: version.id } },
    ]);
    for (const behavior of config.CacheBehaviors) expect(behavior.LambdaFunctionAssociations).toBeUndefined();
  });

  it('has a role assumable by Lambda and Lambda@Edge, with no managed policies', () => {
    const role = only(template, 'AWS::IAM::Role').Properties;
    expect(role.ManagedPolicyArns).toBeUndefined();
    const principals = role.AssumeRolePolicyDocument.Statement.flatMap((s: any) => asArray(s.Principal.Service));
    expect(principals.sort()).toEqual(['edgelambda.amazonaws.com', 'lambda.amazonaws.com']);
  });

  it('reads and lists the same pointer keys: one list (pointerKeyPatterns) drives GetObject and the s3:prefix condition', () => {
    expect(pointerKeyPatterns()).toEqual(['_shellfront/channels/*', 'manifest.json']);
    const statements = policyStatements(template).map((s) => s.statement);
    const list = statements.find((s) => s.Action === 's3:ListBucket');
    const get = statements.find((s) => s.Action === 's3:GetObject');
    const prefixes = list!.Condition.StringLikeIfExists['s3:prefix'] as string[];
    const objects = asArray(get!.Resource).map((r) => JSON.stringify(r));
    expect(objects).toHaveLength(prefixes.length);
    prefixes.forEach((prefix, index) => expect(objects[index]).toContain(`/${prefix}"`));
  });

  it('may read the channel pointers and the legacy manifest.json, list only those keys (so a missing one is a 404, not a 403) and write its own logs, nothing else', () => {
    const statements = policyStatements(template).map((s) => s.statement);
    const list = statements.filter((s) => s.Action === 's3:ListBucket');
    expect(list).toHaveLength(1);
    expect(list[0]!.Condition).toEqual({ StringLikeIfExists: { 's3:prefix': [`${CHANNELS_PREFIX}*`, MANIFEST_KEY] } });
    expect(JSON.stringify(list[0]!.Resource)).not.toContain('/');
    const s3 = statements.filter((s) => s !== list[0] && asArray(s.Action).some((a: string) => a.startsWith('s3:')));
    expect(s3).toHaveLength(1);
    expect(s3[0]!.Action).toBe('s3:GetObject');
    const resource = JSON.stringify(s3[0]!.Resource);
    expect(resource).toContain(`/${MANIFEST_KEY}"`);
    expect(resource).toContain(`/${CHANNELS_PREFIX}*"`);
    const siteBucket = Object.keys(
      template.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: { Status: 'Enabled' } } }),
    )[0];
    expect(resource).toContain(`{"Ref":"${siteBucket}"}`);

    const logs = statements.filter((s) => s !== s3[0] && s !== list[0]);
    expect(logs).toHaveLength(1);
    expect(logs[0]!.Action).toEqual(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']);
    for (const arn of asArray(logs[0]!.Resource).map((r) => JSON.stringify(r))) {
      expect(arn).toMatch(/:log-group:\/aws\/lambda\/(us-east-1\.)?Shellfront-Site-ShellFunction-[0-9A-F]{8}-us-east-1(:\*)?"/);
    }
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      expect(asArray(statement.Resource)).not.toContain('*');
      for (const action of asArray(statement.Action) as string[]) {
        expect(action).not.toMatch(/\*|Put(Object|Bucket)|Delete/);
      }
    }
  });
});

describe('distribution', () => {
  const table = behaviorTable({ apiPathPattern: '/api/*' });

  it("has the behavior table's patterns, in its order, with the default last", () => {
    expect(config.CacheBehaviors.map((b: any) => b.PathPattern)).toEqual(table.slice(0, -1).map((b) => b.pathPattern));
    expect(config.CacheBehaviors.map((b: any) => b.PathPattern)).toEqual(['/api/*', '/api', '/assets/*']);
  });

  it('maps every behavior of the table: origin, methods, compression, function, cache policy', () => {
    const origins = Object.fromEntries(config.Origins.map((o: any) => [o.Id, o]));
    const behaviors = [...config.CacheBehaviors, config.DefaultCacheBehavior];
    table.forEach((behavior, index) => {
      const actual = behaviors[index];
      const origin = origins[actual.TargetOriginId];
      expect(origin.S3OriginConfig ? 'bucket' : 'api').toBe(behavior.origin);
      expect(actual.AllowedMethods).toEqual(
        behavior.allowedMethods === 'ALL' ? ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'] : ['GET', 'HEAD'],
      );
      expect(actual.Compress).toBe(behavior.compress);
      expect(actual.ViewerProtocolPolicy).toBe('redirect-to-https');
      expect(Boolean(actual.LambdaFunctionAssociations)).toBe(behavior.edgeFunction);
      if (behavior.cachePolicy === 'disabled') expect(actual.CachePolicyId).toBe(CACHING_DISABLED);
      else expect(actual.CachePolicyId).toHaveProperty('Ref');
      expect(actual.OriginRequestPolicyId).toBe(behavior.forwardAllViewerHeaders ? ALL_VIEWER_EXCEPT_HOST_HEADER : undefined);
    });
  });

  it('sends the API over HTTPS only (TLS 1.2) to its own origin', () => {
    const api = config.Origins.find((o: any) => o.DomainName === 'api.example.com');
    expect(api.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
  });

  it('carries the handler config in exactly the origin headers the handler reads', () => {
    const bucketOrigin = config.Origins.find((o: any) => o.S3OriginConfig);
    const headers = bucketOrigin.OriginCustomHeaders as Array<{ HeaderName: string; HeaderValue: string }>;
    expect(headers.map((h) => h.HeaderName).sort()).toEqual(Object.values(CONFIG_HEADERS).sort());
    expect(Object.fromEntries(headers.map((h) => [h.HeaderName, h.HeaderValue]))).toEqual(configHeaders(DEFAULT_EDGE_CONFIG));
    expect(config.Origins.find((o: any) => o.CustomOriginConfig).OriginCustomHeaders).toBeUndefined();
  });

  it('caches the shell as the function says (min TTL 0) and assets for a year', () => {
    const shell = byId(config.DefaultCacheBehavior.CachePolicyId);
    const assets = byId(config.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === '/assets/*').CachePolicyId);
    const policies = template.findResources('AWS::CloudFront::CachePolicy');
    expect(policies[shell as string]!.Properties.CachePolicyConfig).toMatchObject({
      MinTTL: 0,
      DefaultTTL: 0,
      MaxTTL: CACHE_SECONDS.shellMax,
      ParametersInCacheKeyAndForwardedToOrigin: {
        EnableAcceptEncodingGzip: true,
        EnableAcceptEncodingBrotli: true,
        HeadersConfig: { HeaderBehavior: 'none' },
        CookiesConfig: { CookieBehavior: 'none' },
        QueryStringsConfig: { QueryStringBehavior: 'all' },
      },
    });
    expect(policies[assets as string]!.Properties.CachePolicyConfig).toMatchObject({
      DefaultTTL: CACHE_SECONDS.immutableAssets,
      MaxTTL: CACHE_SECONDS.immutableAssets,
    });
  });

  it('puts the security headers of contracts/edge-config.ts on every behavior', () => {
    const policy = only(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    for (const behavior of [...config.CacheBehaviors, config.DefaultCacheBehavior]) {
      expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policy.id });
    }
    const s = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const hsts = s.StrictTransportSecurity;
    const rendered = {
      'strict-transport-security': `max-age=${hsts.AccessControlMaxAgeSec}${hsts.IncludeSubdomains ? '; includeSubDomains' : ''}${hsts.Preload ? '; preload' : ''}`,
      'x-content-type-options': s.ContentTypeOptions ? 'nosniff' : undefined,
      'x-frame-options': s.FrameOptions.FrameOption,
      'referrer-policy': s.ReferrerPolicy.ReferrerPolicy,
      'content-security-policy': s.ContentSecurityPolicy.ContentSecurityPolicy,
    };
    expect(rendered).toEqual(securityHeaders());
    expect(s.ContentSecurityPolicy.ContentSecurityPolicy).toContain("frame-ancestors 'none'");
  });

  it('speaks HTTP/2 and HTTP/3 over IPv6, answers "/" with index.html, and never rewrites errors to the shell', () => {
    expect(config).toMatchObject({
      HttpVersion: 'http2and3',
      IPV6Enabled: true,
      DefaultRootObject: 'index.html',
      PriceClass: 'PriceClass_All',
    });
    // Error caching per status, and never a response page (no 404 turned into index.html).
    expect(config.CustomErrorResponses).toEqual([
      { ErrorCode: 400, ErrorCachingMinTTL: 300 },
      { ErrorCode: 404, ErrorCachingMinTTL: 0 },
      { ErrorCode: 405, ErrorCachingMinTTL: 0 },
      { ErrorCode: 503, ErrorCachingMinTTL: 0 },
    ]);
    for (const response of config.CustomErrorResponses) {
      expect(response.ResponsePagePath).toBeUndefined();
      expect(response.ResponseCode).toBeUndefined();
    }
  });

  it('logs to a retained, private log bucket that allows the ACLs CloudFront logging needs', () => {
    expect(config.Logging).toMatchObject({ Prefix: 'cloudfront/' });
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90 })] },
        PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true }),
      }),
    });
  });
});

describe('outputs', () => {
  it('exports the keys the CLI reads, and no CI role when none is configured', () => {
    const outputs = template.toJSON().Outputs as Record<string, unknown>;
    expect(Object.keys(outputs).sort()).toEqual(
      [
        OUTPUT_KEYS.bucketName,
        OUTPUT_KEYS.distributionId,
        OUTPUT_KEYS.distributionDomainName,
        OUTPUT_KEYS.siteUrl,
        OUTPUT_KEYS.edgeFunctionVersionArn,
      ].sort(),
    );
    expect(Object.values(OUTPUT_KEYS).sort()).toEqual([
      'BucketName',
      'CiRoleArn',
      'DistributionDomainName',
      'DistributionId',
      'EdgeFunctionVersionArn',
      'PreviewCiRoleArn',
      'PreviewDomain',
      'SiteUrl',
    ]);
    template.hasOutput('BucketName', { Value: { Ref: Match.stringLikeRegexp('^SiteBucket') } });
    template.hasOutput('EdgeFunctionVersionArn', { Value: { Ref: only(template, 'AWS::Lambda::Version').id } });
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
  });
});

describe('updates and redeploys', () => {
  it(
    'retains published edge versions (replicas block deletion for hours) and lets the unused log group go with the stack',
    () => {
      const { template } = buildStack({}, 'us-east-1');
      for (const version of Object.values(template.findResources('AWS::Lambda::Version'))) {
        expect(version.DeletionPolicy).toBe('Retain');
        expect(version.UpdateReplacePolicy).toBe('Retain');
      }
      const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
      const own = groups.filter((group) => JSON.stringify(group.Properties?.LogGroupName ?? '').includes('/aws/lambda/'));
      expect(own).toHaveLength(1);
      // A fixed function name + a retained group = "already exists" on the deploy after `cdk destroy`.
      expect(own[0]!.DeletionPolicy).toBe('Delete');
      expect(own[0]!.Properties?.RetentionInDays).toBe(7);
    },
    STACK_TIMEOUT,
  );
});
