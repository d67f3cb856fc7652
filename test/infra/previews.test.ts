/**
 * Preview channels in the stack (`previewDomain`): the viewer-request CloudFront Function on the
 * shell's behavior only, the preview domain in the S3 origin's headers, the viewer host in the
 * shell's cache key, the wildcard alias, its certificate and records, the output the CLI reads, the
 * preview-only CI role; and, without `previewDomain`, a stack exactly as before. Every cache policy
 * is compared with the contract's data (cachePolicySpecs), with and without previews.
 */
import { Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS_PREFIX, channelPointerKey, LEGACY_MANIFEST_KEY } from '../../contracts/channels.ts';
import { behaviorTable, CHANNEL_HEADERS, configHeaders, DEFAULT_EDGE_CONFIG } from '../../contracts/edge-config.ts';
import { cachePolicySpecs } from '../../contracts/cache-policies.ts';
import { OUTPUT_KEYS } from '../../contracts/stack-outputs.ts';
import { VIEWER_FUNCTION_RUNTIME, VIEWER_FUNCTION_SOURCE } from '../../contracts/viewer-function.ts';
import { PRODUCTION_POINTER_KEYS } from '../../infra/ci-role.ts';
import { asArray, buildApp, buildStack, distributionConfig, only, policyStatements, STACK_TIMEOUT } from './helpers.ts';

const PREVIEW_DOMAIN = 'preview.example.com';
const ZONE = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' };
const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e';
/** CloudFront's managed CachingDisabled policy. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';

const refOf = (value: unknown): string | undefined =>
  typeof value === 'object' && value !== null && 'Ref' in value ? (value as { Ref: string }).Ref : undefined;

/** Every behavior's synthesized cache policy equals its spec in cachePolicySpecs({ previews }). */
function expectPoliciesFromSpecs(template: Template, previews: boolean, apiPathPattern: string | null): void {
  const config = distributionConfig(template);
  const specs = cachePolicySpecs({ previews });
  const policies = template.findResources('AWS::CloudFront::CachePolicy');
  const behaviors = [...config.CacheBehaviors, config.DefaultCacheBehavior];
  const table = behaviorTable({ apiPathPattern });
  expect(behaviors).toHaveLength(table.length);
  table.forEach((behavior, index) => {
    const spec = specs[behavior.cachePolicy];
    const policyId = behaviors[index].CachePolicyId;
    if (spec.managed === 'CachingDisabled') {
      expect(policyId, behavior.pathPattern).toBe(CACHING_DISABLED);
      return;
    }
    const policy = policies[refOf(policyId) as string]!.Properties.CachePolicyConfig;
    const key = policy.ParametersInCacheKeyAndForwardedToOrigin;
    expect(
      {
        minTtl: policy.MinTTL,
        defaultTtl: policy.DefaultTTL,
        maxTtl: policy.MaxTTL,
        headers: key.HeadersConfig.HeaderBehavior === 'none' ? [] : key.HeadersConfig.Headers,
        queryStrings: key.QueryStringsConfig.QueryStringBehavior,
        cookies: key.CookiesConfig.CookieBehavior,
      },
      behavior.pathPattern,
    ).toEqual({
      minTtl: spec.minTtl,
      defaultTtl: spec.defaultTtl,
      maxTtl: spec.maxTtl,
      headers: [...spec.headers],
      queryStrings: spec.queryStrings,
      cookies: spec.cookies,
    });
    if (key.HeadersConfig.HeaderBehavior !== 'none') expect(key.HeadersConfig.HeaderBehavior).toBe('whitelist');
  });
}

describe('with previewDomain and a hosted zone (us-east-1)', () => {
  let template: Template;
  let config: Record<string, any>;
  beforeAll(() => {
    const built = buildStack({
      site: {
        apiDomain: 'api.example.com',
        previewDomain: PREVIEW_DOMAIN,
        ciRole: { repository: 'acme/storefront' },
        previewCiRole: { repository: 'acme/storefront' },
      },
      hostedZone: ZONE,
    });
    template = built.template;
    config = distributionConfig(template);
  }, STACK_TIMEOUT);

  it("installs the contract's viewer function, cloudfront-js-2.0, published", () => {
    const fn = only(template, 'AWS::CloudFront::Function').Properties;
    expect(fn.FunctionCode).toBe(VIEWER_FUNCTION_SOURCE);
    expect(fn.FunctionConfig.Runtime).toBe(VIEWER_FUNCTION_RUNTIME);
    expect(fn.AutoPublish).toBe(true);
    expect(fn.Name).toMatch(/-us-east-1$/);
  });

  it('runs it on viewer-request of the behavior with the shell function, and nowhere else', () => {
    const fn = only(template, 'AWS::CloudFront::Function');
    const table = behaviorTable({ apiPathPattern: '/api/*' });
    const behaviors = [...config.CacheBehaviors, config.DefaultCacheBehavior];
    table.forEach((behavior, index) => {
      const associations = behaviors[index].FunctionAssociations;
      if (behavior.edgeFunction) {
        expect(associations).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fn.id, 'FunctionARN'] } }]);
        expect(behaviors[index].LambdaFunctionAssociations).toEqual([expect.objectContaining({ EventType: 'origin-request' })]);
      } else {
        expect(associations, behavior.pathPattern).toBeUndefined();
      }
    });
    expect(table.filter((b) => b.edgeFunction).map((b) => b.pathPattern)).toEqual(['*']);
  });

  it("tells the edge function the preview domain in the S3 origin's headers, beside its config", () => {
    const bucketOrigin = config.Origins.find((o: any) => o.S3OriginConfig);
    const headers = bucketOrigin.OriginCustomHeaders as Array<{ HeaderName: string; HeaderValue: string }>;
    expect(Object.fromEntries(headers.map((h) => [h.HeaderName, h.HeaderValue]))).toEqual({
      ...configHeaders(DEFAULT_EDGE_CONFIG),
      [CHANNEL_HEADERS.previewDomain]: PREVIEW_DOMAIN,
    });
    expect(config.Origins.find((o: any) => o.CustomOriginConfig).OriginCustomHeaders).toBeUndefined();
  });

  it('keys the shell on the viewer host (a preview never shares a cached shell), and builds every policy from the specs', () => {
    const shell = template.findResources('AWS::CloudFront::CachePolicy')[refOf(config.DefaultCacheBehavior.CachePolicyId)!]!;
    expect(shell.Properties.CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig).toEqual({
      HeaderBehavior: 'whitelist',
      Headers: [CHANNEL_HEADERS.viewerHost],
    });
    expectPoliciesFromSpecs(template, true, '/api/*');
  });

  it('serves *.<previewDomain> with a DNS-validated wildcard certificate, TLS 1.2_2021 and SNI', () => {
    expect(config.Aliases).toEqual([`*.${PREVIEW_DOMAIN}`]);
    const certificate = only(template, 'AWS::CertificateManager::Certificate');
    expect(certificate.Properties).toMatchObject({
      DomainName: `*.${PREVIEW_DOMAIN}`,
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: `*.${PREVIEW_DOMAIN}`, HostedZoneId: ZONE.hostedZoneId }],
    });
    expect(certificate.Properties.SubjectAlternativeNames).toBeUndefined();
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: { Ref: certificate.id },
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
  });

  it('points wildcard A and AAAA alias records at the distribution', () => {
    for (const type of ['A', 'AAAA']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: `*.${PREVIEW_DOMAIN}.`,
        Type: type,
        HostedZoneId: ZONE.hostedZoneId,
        AliasTarget: {
          DNSName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SiteDistribution'), 'DomainName'] },
          HostedZoneId: Match.anyValue(),
        },
      });
    }
    template.resourceCountIs('AWS::Route53::RecordSet', 2);
  });

  it('outputs the preview domain for the CLI, and keeps the site URL on production', () => {
    template.hasOutput(OUTPUT_KEYS.previewDomain, { Value: PREVIEW_DOMAIN });
    template.hasOutput(OUTPUT_KEYS.siteUrl, {
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('^SiteDistribution'), 'DomainName'] }]] },
    });
  });

  it('gives pull-request workflows a role, through the one OIDC provider, and outputs its ARN', () => {
    const provider = only(template, 'AWS::IAM::OIDCProvider').id;
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Federated: { Ref: provider } },
            Condition: {
              StringEquals: {
                'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
                'token.actions.githubusercontent.com:sub': 'repo:acme/storefront:pull_request',
              },
            },
          }),
        ],
      },
    });
    template.hasOutput(OUTPUT_KEYS.previewCiRoleArn, { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SitePreviewCiRole'), 'Arn'] } });
    template.hasOutput(OUTPUT_KEYS.ciRoleArn, { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SiteCiRole'), 'Arn'] } });
  });

  it('lets that role write releases, assets and preview pointers, and denies any write or delete of production pointers', () => {
    const statements = policyStatements(template)
      .filter((s) => s.policy.startsWith('SitePreviewCiRole'))
      .map((s) => s.statement);
    const bucket = Object.keys(
      template.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: { Status: 'Enabled' } } }),
    )[0];
    const object = (key: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, `/${key}`]] });
    expect(PRODUCTION_POINTER_KEYS).toEqual([channelPointerKey('production'), LEGACY_MANIFEST_KEY]);
    expect(statements.map((s) => [s.Sid, s.Effect, s.Action, s.Resource])).toEqual([
      ['ListSiteBucket', 'Allow', 's3:ListBucket', { 'Fn::GetAtt': [bucket, 'Arn'] }],
      ['ReadWriteSiteObjects', 'Allow', ['s3:GetObject', 's3:PutObject'], object('*')],
      ['DeleteChannelPointers', 'Allow', 's3:DeleteObject', object(`${CHANNELS_PREFIX}*`)],
      [
        'NeverTouchProduction',
        'Deny',
        ['s3:DeleteObject', 's3:PutObject'],
        [object('_shellfront/channels/production.json'), object('manifest.json')],
      ],
      ['ReadStackOutputs', 'Allow', 'cloudformation:DescribeStacks', expect.anything()],
    ]);
    // The deploy role is unchanged: it may move production.
    const deploy = policyStatements(template)
      .filter((s) => s.policy.startsWith('SiteCiRole'))
      .map((s) => s.statement);
    expect(deploy.some((s) => s.Effect === 'Deny')).toBe(false);
  });
});

describe('without previewDomain', () => {
  let template: Template;
  beforeAll(() => {
    template = buildStack({ site: { apiDomain: 'api.example.com', ciRole: { repository: 'acme/storefront' } } }).template;
  }, STACK_TIMEOUT);

  it('installs no CloudFront Function (nothing to map, and each run would be billed)', () => {
    template.resourceCountIs('AWS::CloudFront::Function', 0);
    const config = distributionConfig(template);
    for (const behavior of [...config.CacheBehaviors, config.DefaultCacheBehavior]) expect(behavior.FunctionAssociations).toBeUndefined();
  });

  it("keeps the shell's cache key as it was (path and query string, no header), and every policy from the specs", () => {
    const config = distributionConfig(template);
    const shell = template.findResources('AWS::CloudFront::CachePolicy')[refOf(config.DefaultCacheBehavior.CachePolicyId)!]!;
    expect(shell.Properties.CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin).toEqual({
      EnableAcceptEncodingGzip: true,
      EnableAcceptEncodingBrotli: true,
      HeadersConfig: { HeaderBehavior: 'none' },
      CookiesConfig: { CookieBehavior: 'none' },
      QueryStringsConfig: { QueryStringBehavior: 'all' },
    });
    expect(cachePolicySpecs().shell.headers).toEqual([]);
    expectPoliciesFromSpecs(template, false, '/api/*');
  });

  it('sends no preview header, adds no alias, and outputs no preview domain or preview role', () => {
    const config = distributionConfig(template);
    const headers = config.Origins.find((o: any) => o.S3OriginConfig).OriginCustomHeaders as Array<{ HeaderName: string }>;
    expect(headers.map((h) => h.HeaderName)).not.toContain(CHANNEL_HEADERS.previewDomain);
    expect(config.Aliases).toBeUndefined();
    const outputs = Object.keys(template.toJSON().Outputs as object);
    expect(outputs).not.toContain(OUTPUT_KEYS.previewDomain);
    expect(outputs).not.toContain(OUTPUT_KEYS.previewCiRoleArn);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
  });
});

describe('with previewDomain and your own certificate', () => {
  it(
    'adds the wildcard to your domain names on your certificate, and creates none',
    () => {
      const { template } = buildStack({
        site: { domainNames: ['www.example.com'], certificateArn: CERTIFICATE, previewDomain: PREVIEW_DOMAIN, accessLogs: false },
        hostedZone: ZONE,
      });
      const config = distributionConfig(template);
      expect(config.Aliases).toEqual(['www.example.com', `*.${PREVIEW_DOMAIN}`]);
      expect(config.ViewerCertificate.AcmCertificateArn).toBe(CERTIFICATE);
      template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
      template.resourceCountIs('AWS::Route53::RecordSet', 4);
      template.hasOutput(OUTPUT_KEYS.siteUrl, { Value: 'https://www.example.com' });
    },
    STACK_TIMEOUT,
  );

  it(
    'works outside us-east-1 with certificateArn (no zone needed), and refuses to request the certificate there',
    () => {
      const { template } = buildStack(
        { site: { certificateArn: CERTIFICATE, previewDomain: PREVIEW_DOMAIN, accessLogs: false } },
        'eu-west-1',
      );
      expect(distributionConfig(template).Aliases).toEqual([`*.${PREVIEW_DOMAIN}`]);
      template.resourceCountIs('AWS::Route53::RecordSet', 0);
      expect(() => buildStack({ site: { previewDomain: PREVIEW_DOMAIN, accessLogs: false }, hostedZone: ZONE }, 'eu-west-1')).toThrow(
        /previewDomain: without certificateArn the stack would request the certificate for "\*\.preview\.example\.com" in eu-west-1, but CloudFront only uses certificates from us-east-1: .*aws acm request-certificate --region us-east-1 --domain-name "\*\.preview\.example\.com".*pass its ARN as certificateArn/,
      );
    },
    STACK_TIMEOUT,
  );
});

describe('cdk-nag (AwsSolutions) with preview channels', () => {
  it(
    'stays clean with previewDomain, a requested certificate, DNS, both CI roles; CFR4 is not acknowledged',
    () => {
      const { app, stack } = buildApp({
        apiDomain: 'api.example.com',
        previewDomain: PREVIEW_DOMAIN,
        hostedZoneId: 'Z0123456789ABC',
        hostedZoneName: 'example.com',
        ciRepository: 'acme/storefront',
        ciPreviewRole: 'true',
      });
      expect(() => app.synth()).not.toThrow();
      const acknowledged = stack.node
        .findAll()
        .flatMap((c) => c.node.metadata)
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.keys(m.data as Record<string, string>));
      expect(acknowledged.some((id) => id.endsWith('AwsSolutions-CFR4'))).toBe(false);
    },
    STACK_TIMEOUT,
  );

  it(
    'stays clean in eu-west-1 with previewDomain, a domain name and certificateArn',
    () => {
      const { app } = buildApp({
        region: 'eu-west-1',
        accessLogs: 'false',
        previewDomain: PREVIEW_DOMAIN,
        certificateArn: CERTIFICATE,
        domainNames: 'www.example.com',
      });
      expect(() => app.synth()).not.toThrow();
    },
    STACK_TIMEOUT,
  );
});

it(
  'the preview-only role may prune (Delete on every object) and is still denied production pointers',
  () => {
    const { template } = buildStack({
      site: { accessLogs: false, previewCiRole: { repository: 'acme/storefront', allowPrune: true } },
    });
    const statements = policyStatements(template)
      .filter((s) => s.policy.startsWith('SitePreviewCiRole'))
      .map((s) => s.statement);
    expect(asArray(statements.find((s) => s.Sid === 'ReadWriteDeleteSiteObjects')?.Action).sort()).toEqual([
      's3:DeleteObject',
      's3:GetObject',
      's3:PutObject',
    ]);
    expect(statements.find((s) => s.Sid === 'DeleteChannelPointers')).toBeUndefined();
    const deny = statements.find((s) => s.Effect === 'Deny');
    expect(asArray(deny?.Action).sort()).toEqual(['s3:DeleteObject', 's3:PutObject']);
    expect(JSON.stringify(deny?.Resource)).toContain('/_shellfront/channels/production.json');
    // Alone, it creates the GitHub OIDC provider itself.
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
  },
  STACK_TIMEOUT,
);
