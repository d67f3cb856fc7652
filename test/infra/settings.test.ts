/** Context (`-c key=value` strings or cdk.json JSON) ⇒ the app's settings, with clear errors. */
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, readSettings, unknownContextKeys } from '../../infra/settings.ts';
import { cdkContext } from './helpers.ts';

const read = (context: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => readSettings({ region: 'us-east-1', ...context }, env);
const refused = (context: Record<string, unknown>) => {
  try {
    read(context);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(context)} to be refused`);
};

describe('readSettings', () => {
  it("gives cdk.json's defaults: us-east-1, stack Shellfront, no optional parts", () => {
    const settings = readSettings(cdkContext());
    expect(settings).toEqual({ stackName: 'Shellfront', region: 'us-east-1', account: undefined, site: {} });
  });

  it('requires a region and says how to set it', () => {
    expect(() => readSettings({})).toThrow(/context region: missing.*-c region=eu-west-1.*cdk.json/);
    expect(refused({ region: 'Europe' })).toMatch(/expected an AWS region like "eu-west-1", got "Europe"/);
  });

  it('takes the account from context, else CDK_DEFAULT_ACCOUNT', () => {
    expect(read({}, { CDK_DEFAULT_ACCOUNT: '123456789012' }).account).toBe('123456789012');
    expect(read({ account: '210987654321' }, { CDK_DEFAULT_ACCOUNT: '123456789012' }).account).toBe('210987654321');
    expect(refused({ account: '1234' })).toMatch(/12-digit/);
  });

  it('parses -c strings and cdk.json values alike', () => {
    const fromCli = read({
      apiDomain: 'api.example.com',
      assetPathPatterns: '/js/*, /css/*',
      manifestTtlSeconds: '30',
      accessLogs: 'false',
      domainNames: 'www.example.com,example.com',
      priceClass: '100',
      csp: "default-src 'self'",
    });
    const fromJson = read({
      apiDomain: 'api.example.com',
      assetPathPatterns: ['/js/*', '/css/*'],
      manifestTtlSeconds: 30,
      accessLogs: false,
      domainNames: ['www.example.com', 'example.com'],
      priceClass: 'PriceClass_100',
      csp: "default-src 'self'",
    });
    expect(fromCli).toEqual(fromJson);
    expect(fromCli.site).toEqual({
      apiDomain: 'api.example.com',
      assetPathPatterns: ['/js/*', '/css/*'],
      manifestTtlSeconds: 30,
      accessLogs: false,
      domainNames: ['www.example.com', 'example.com'],
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      contentSecurityPolicy: "default-src 'self'",
    });
  });

  it('refuses values of the wrong shape, naming the key', () => {
    expect(refused({ manifestTtlSeconds: 'soon' })).toBe('context manifestTtlSeconds: expected a number, got "soon"');
    expect(refused({ csp: '' })).toMatch(/^context csp: is empty: give it a value .*or leave -c csp out to get the default/);
    expect(refused({ apiDomain: ' ' })).toMatch(/^context apiDomain: is empty/);
    expect(refused({ accessLogs: 'yes' })).toMatch(/context accessLogs: expected true or false/);
    expect(refused({ priceClass: 'cheap' })).toMatch(/expected 100, 200 or All/);
    expect(refused({ stackName: '1-stack' })).toMatch(/context stackName/);
  });

  it('reads the hosted zone only as a pair', () => {
    expect(read({ hostedZoneId: 'Z0123456789', hostedZoneName: 'example.com' }).hostedZone).toEqual({
      hostedZoneId: 'Z0123456789',
      zoneName: 'example.com',
    });
    expect(refused({ hostedZoneId: 'Z0123456789' })).toMatch(/context hostedZoneName: hostedZoneId and hostedZoneName go together/);
    expect(refused({ hostedZoneId: 'zone', hostedZoneName: 'example.com' })).toMatch(/Route 53 zone id/);
  });

  it('builds the CI role settings from ciRepository and refuses them without it', () => {
    expect(read({ ciRepository: 'acme/site', ciRef: 'refs/heads/release', ciAllowPrune: 'true' }).site.ciRole).toEqual({
      repository: 'acme/site',
      ref: 'refs/heads/release',
      allowPrune: true,
    });
    expect(refused({ ciAllowPrune: 'true' })).toMatch(/context ciAllowPrune: is set but ciRepository is not/);
  });

  it('reads previewDomain, and builds the preview-only role from ciRepository with ciPreviewRole', () => {
    expect(read({ previewDomain: 'preview.example.com' }).site).toEqual({ previewDomain: 'preview.example.com' });
    expect(refused({ previewDomain: '' })).toMatch(/^context previewDomain: is empty: give it a value .*or leave -c previewDomain out/);
    const arn = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
    expect(read({ ciRepository: 'acme/site', ciOidcProviderArn: arn, ciPreviewRole: 'true' }).site).toEqual({
      ciRole: { repository: 'acme/site', oidcProviderArn: arn },
      previewCiRole: { repository: 'acme/site', oidcProviderArn: arn, pullRequest: true },
    });
    expect(read({ ciRepository: 'acme/site', ciPreviewRole: false }).site.previewCiRole).toBeUndefined();
    expect(refused({ ciPreviewRole: 'true' })).toMatch(/context ciPreviewRole: is set but ciRepository is not/);
  });

  it('spots keys that look like settings but are not', () => {
    expect(unknownContextKeys({ apiDomian: 'x', apiDomain: 'y', '@aws-cdk/core:flag': true, 'aws:cdk:x': 1 })).toEqual(['apiDomian']);
    expect(unknownContextKeys(cdkContext())).toEqual([]);
    expect(Object.keys(CONTEXT_KEYS)).toContain('ciOidcProviderArn');
  });
});
