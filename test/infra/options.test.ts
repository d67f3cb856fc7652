/**
 * The optional parts: custom domain + certificate + Route 53, WAF, CI deploy role, no API,
 * no access logs, settings that change the behaviors and the headers.
 */
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_HEADERS } from '../../contracts/edge-config.ts';
import { edgeTimeoutSeconds } from '../../infra/edge-function.ts';
import { asArray, buildStack, distributionConfig, only, policyStatements, STACK_TIMEOUT } from './helpers.ts';

const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e';
const WEB_ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/1a2b3c4d-5e6f';
const CSP = "default-src 'self'; connect-src 'self' https://api.example.com";

describe('custom domain, WAF, CI role, no API, no logs, custom settings', () => {
  let template: Template;
  let annotations: Annotations;
  let config: Record<string, any>;
  beforeAll(() => {
    const built = buildStack({
      site: {
        domainNames: ['www.example.com', 'example.com'],
        certificateArn: CERTIFICATE,
        webAclArn: WEB_ACL,
        priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
        contentSecurityPolicy: CSP,
        accessLogs: false,
        assetPathPatterns: ['/js/*', '/css/*'],
        manifestTtlSeconds: 5,
        shellCdnSeconds: 0,
        fetchTimeoutMs: 4000,
        ciRole: { repository: 'acme/storefront' },
      },
      hostedZone: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' },
    });
    template = built.template;
    annotations = Annotations.fromStack(built.stack);
    config = distributionConfig(template);
  }, STACK_TIMEOUT);

  it('serves the domain names with the us-east-1 certificate, SNI and TLS 1.2_2021', () => {
    expect(config.Aliases).toEqual(['www.example.com', 'example.com']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: CERTIFICATE,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    template.hasOutput('SiteUrl', { Value: 'https://www.example.com' });
  });

  it('points A and AAAA alias records of every name at the distribution', () => {
    for (const type of ['A', 'AAAA']) {
      for (const name of ['www.example.com.', 'example.com.']) {
        template.hasResourceProperties('AWS::Route53::RecordSet', {
          Name: name,
          Type: type,
          HostedZoneId: 'Z0123456789ABCDEFGHIJ',
          AliasTarget: { DNSName: { 'Fn::GetAtt': [Match.anyValue(), 'DomainName'] }, HostedZoneId: Match.anyValue() },
        });
      }
    }
    template.resourceCountIs('AWS::Route53::RecordSet', 4);
  });

  it('attaches the web ACL, the price class and the replacement CSP', () => {
    expect(config.WebACLId).toBe(WEB_ACL);
    expect(config.PriceClass).toBe('PriceClass_100');
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: CSP, Override: false } } },
    });
  });

  it('has no API behavior without apiDomain, and says so at synth', () => {
    expect(config.CacheBehaviors.map((b: any) => b.PathPattern)).toEqual(['/js/*', '/css/*']);
    expect(config.Origins).toHaveLength(1);
    annotations.hasWarning('/Shellfront/Site', Match.stringLikeRegexp('apiDomain is not set'));
  });

  it('has no logging and no log bucket when access logs are off', () => {
    expect(config.Logging).toBeUndefined();
    template.resourceCountIs('AWS::S3::Bucket', 1);
    expect(only(template, 'AWS::S3::Bucket').Properties.LoggingConfiguration).toBeUndefined();
  });

  it('passes the edge settings in the origin headers and sizes the timeout above the fetch bound', () => {
    const headers = config.Origins[0].OriginCustomHeaders as Array<{ HeaderName: string; HeaderValue: string }>;
    expect(Object.fromEntries(headers.map((h) => [h.HeaderName, h.HeaderValue]))).toMatchObject({
      [CONFIG_HEADERS.manifestTtlSeconds]: '5',
      [CONFIG_HEADERS.shellCdnSeconds]: '0',
      [CONFIG_HEADERS.fetchTimeoutMs]: '4000',
    });
    expect(edgeTimeoutSeconds(4000)).toBe(6);
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 6 });
  });

  it("creates a GitHub OIDC provider and a role only the repository's main branch can assume", () => {
    template.hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
    const provider = only(template, 'AWS::IAM::OIDCProvider').id;
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRoleWithWebIdentity',
            Effect: 'Allow',
            Principal: { Federated: { Ref: provider } },
            Condition: {
              StringEquals: {
                'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
                'token.actions.githubusercontent.com:sub': 'repo:acme/storefront:ref:refs/heads/main',
              },
            },
          },
        ],
      },
    });
    template.hasOutput('CiRoleArn', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SiteCiRole'), 'Arn'] } });
  });

  it("lets the CI role Get/Put/List this bucket's objects and read this stack's outputs, and not delete", () => {
    const ci = policyStatements(template)
      .filter((s) => s.policy.startsWith('SiteCiRole'))
      .map((s) => s.statement);
    const bucket = only(template, 'AWS::S3::Bucket').id;
    expect(ci.map((s) => [s.Action, JSON.stringify(s.Resource)])).toEqual([
      ['s3:ListBucket', JSON.stringify({ 'Fn::GetAtt': [bucket, 'Arn'] })],
      [['s3:GetObject', 's3:PutObject'], JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] })],
      ['cloudformation:DescribeStacks', expect.stringContaining(':stack/Shellfront/*')],
    ]);
    for (const statement of ci) expect(asArray(statement.Resource)).not.toContain('*');
  });
});

describe('CI role variants', () => {
  it(
    'uses an existing OIDC provider, an environment subject, and allows Delete for pruning',
    () => {
      const provider = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
      const { template } = buildStack({
        site: {
          apiDomain: 'api.example.com',
          ciRole: { repository: 'acme/storefront', environment: 'production', oidcProviderArn: provider, allowPrune: true },
        },
      });
      template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            Match.objectLike({
              Principal: { Federated: provider },
              Condition: {
                StringEquals: Match.objectLike({
                  'token.actions.githubusercontent.com:sub': 'repo:acme/storefront:environment:production',
                }),
              },
            }),
          ],
        },
      });
      const actions = policyStatements(template)
        .filter((s) => s.policy.startsWith('SiteCiRole'))
        .flatMap((s) => asArray(s.statement.Action));
      expect(actions.sort()).toEqual(['cloudformation:DescribeStacks', 's3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    },
    STACK_TIMEOUT,
  );
});
