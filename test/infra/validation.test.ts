/**
 * Bad props fail at synth, before anything is built, with a message that names the setting,
 * shows the value and says the fix.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { describe, expect, it } from 'vitest';
import { CONFIG_RANGES } from '../../contracts/edge-config.ts';
import type { ShellfrontProps } from '../../infra/props.ts';
import { Shellfront } from '../../infra/shellfront.ts';
import { resolveProps, ShellfrontConfigError } from '../../infra/validate.ts';

const CERT = (region: string) => `arn:aws:acm:${region}:123456789012:certificate/0b1c2d3e-4f5a`;

function problem(props: ShellfrontProps): string {
  try {
    resolveProps(props);
  } catch (error) {
    expect(error).toBeInstanceOf(ShellfrontConfigError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(props)} to be refused`);
}

describe('Shellfront construct', () => {
  it('refuses a stack without a region, and says how to give it one', () => {
    const stack = new Stack(new App(), 'Team');
    expect(() => new Shellfront(stack, 'Site')).toThrow(/has no region.*env: \{ region: 'eu-west-1' \}.*-c region=eu-west-1/);
  });

  it('refuses bad props before building anything', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { region: 'us-east-1' } });
    expect(() => new Shellfront(stack, 'Site', { manifestTtlSeconds: 0 })).toThrow(ShellfrontConfigError);
    expect(stack.node.findAll().some((c) => c.node.id === 'Bucket')).toBe(false);
  });
});

describe('access logs in opt-in Regions', () => {
  it('refuses to create a log bucket CloudFront would never deliver to, and says the fix', () => {
    const stack = new Stack(new App(), 'Milan', { env: { region: 'eu-south-1' } });
    expect(() => new Shellfront(stack, 'Site')).toThrow(
      /CloudFront does not deliver standard logs to buckets in eu-south-1.*accessLogs=false.*logBucket/,
    );
    const quiet = new Stack(new App(), 'Milan', { env: { region: 'eu-south-1' } });
    expect(() => new Shellfront(quiet, 'Site', { accessLogs: false })).not.toThrow();
  }, 30_000);
});

describe('resolveProps', () => {
  it('applies the documented defaults', () => {
    const resolved = resolveProps({});
    expect(resolved.edgeConfig).toEqual({
      manifestTtlSeconds: 60,
      shellCdnSeconds: 10,
      fetchTimeoutMs: 3000,
    });
    expect(resolved.behaviors.map((b) => b.pathPattern)).toEqual(['/assets/*', '*']);
    expect(resolveProps({ apiDomain: 'api.example.com' }).behaviors.map((b) => b.pathPattern)).toEqual([
      '/api/*',
      '/api',
      '/assets/*',
      '*',
    ]);
    expect(resolved).toMatchObject({ accessLogs: true, accessLogRetentionDays: 90, noncurrentVersionDays: 30, domainNames: [] });
  });

  it('refuses a certificate outside us-east-1', () => {
    expect(problem({ domainNames: ['www.example.com'], certificateArn: CERT('eu-west-1') })).toMatch(
      /certificateArn must be in us-east-1.*got one in eu-west-1.*request or import the certificate in us-east-1/,
    );
    expect(problem({ domainNames: ['www.example.com'], certificateArn: 'arn:aws:iam::123456789012:role/x' })).toMatch(
      /ACM certificate ARN/,
    );
  });

  it('needs domain names and a certificate together, and names inside the zone', () => {
    expect(problem({ domainNames: ['www.example.com'] })).toMatch(/need certificateArn/);
    expect(problem({ certificateArn: CERT('us-east-1') })).toMatch(/domainNames is empty/);
    const zone = route53.HostedZone.fromHostedZoneAttributes(new Stack(), 'Z', { hostedZoneId: 'Z1', zoneName: 'example.com' });
    expect(problem({ domainNames: ['www.example.org'], certificateArn: CERT('us-east-1'), hostedZone: zone })).toMatch(
      /"www.example.org".*not inside the hosted zone "example.com"/,
    );
    expect(problem({ domainNames: ['https://www.example.com'], certificateArn: CERT('us-east-1') })).toMatch(
      /domainNames\[0\] must be a host name/,
    );
    expect(problem({ domainNames: ['a.example.com', 'a.example.com'], certificateArn: CERT('us-east-1') })).toMatch(/twice/);
  });

  it('refuses malformed path patterns, naming the setting', () => {
    expect(problem({ apiPathPattern: '/api/ *' })).toMatch(/apiPathPattern: path pattern "\/api\/ \*" is not valid/);
    expect(problem({ assetPathPatterns: ['/assets/*', '*'] })).toMatch(/assetPathPatterns: .*would match everything/);
    expect(problem({ assetPathPatterns: [] })).toMatch(/at least one/);
    // -c assetPathPatterns=/assets would route the folder's files to the shell function.
    expect(problem({ assetPathPatterns: ['/assets'] })).toMatch(
      /assetPathPatterns: "\/assets" is not a folder pattern: write it as "\/<folder>\/\*", e\.g\. "\/assets\/\*"/,
    );
    expect(problem({ apiDomain: 'api.example.com', apiPathPattern: '/assets/*' })).toMatch(/listed twice/);
  });

  it("refuses edge settings out of the contract's ranges", () => {
    expect(problem({ manifestTtlSeconds: 0 })).toMatch(
      `manifestTtlSeconds must be a whole number from ${CONFIG_RANGES.manifestTtlSeconds.min} to ${CONFIG_RANGES.manifestTtlSeconds.max}, got 0`,
    );
    expect(problem({ shellCdnSeconds: 3601 })).toMatch(/shellCdnSeconds .* got 3601/);
    expect(problem({ fetchTimeoutMs: 1.5 })).toMatch(/fetchTimeoutMs/);
    expect(problem({ noncurrentVersionDays: 0 })).toMatch(/noncurrentVersionDays must be a whole number from 1/);
  });

  it('refuses an API domain that is a URL, a bad CSP and a regional web ACL', () => {
    expect(problem({ apiDomain: 'https://api.example.com/v1' })).toMatch(/apiDomain must be a host name.*no scheme/);
    expect(problem({ contentSecurityPolicy: "default-src 'self'\nscript-src x" })).toMatch(/one non-empty line/);
    expect(problem({ contentSecurityPolicy: 'x'.repeat(1784) })).toMatch(/1784 characters; CloudFront allows 1783/);
    expect(problem({ bucketName: 'My_Bucket' })).toMatch(/bucketName must be 3-63 lowercase/);
    expect(problem({ webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/site/1a2b' })).toMatch(/CLOUDFRONT scope/);
  });

  it('refuses CI role settings that would let the wrong workflows in', () => {
    expect(problem({ ciRole: { repository: 'storefront' } })).toMatch(/"owner\/name"/);
    expect(problem({ ciRole: { repository: 'acme/storefront', ref: 'refs/heads/*' } })).toMatch(/one exact git ref.*no wildcards/);
    expect(problem({ ciRole: { repository: 'acme/storefront', ref: 'main' } })).toMatch(/refs\/heads\/main/);
    expect(problem({ ciRole: { repository: 'acme/x', oidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/example.com' } })).toMatch(
      /token\.actions\.githubusercontent\.com/,
    );
  });
});

describe('previewDomain', () => {
  const zone = () => route53.HostedZone.fromHostedZoneAttributes(new Stack(), 'Z', { hostedZoneId: 'Z1', zoneName: 'example.com' });
  const withCert = (previewDomain: string) => problem({ previewDomain, certificateArn: CERT('us-east-1') });

  it("refuses what the contract's rule refuses, with the fix", () => {
    expect(withCert('*.preview.example.com')).toMatch(
      /^previewDomain names the domain, not the wildcard: drop "\*\." \(e\.g\. "preview\.example\.com"/,
    );
    expect(withCert('Preview.Example.com')).toBe('previewDomain must be lowercase, got "Preview.Example.com"; use "preview.example.com"');
    expect(withCert('example')).toMatch(/^previewDomain "example" needs at least two labels \(e\.g\. "preview\.example\.com"/);
    const long = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.example.com`;
    expect(withCert(long)).toMatch(
      new RegExp(
        `^previewDomain is ${long.length} characters; at most 189 leave room for a 63-character channel name; choose a shorter preview domain$`,
      ),
    );
    expect(withCert('preview.example.com.')).toMatch(/must not end with "\."/);
    expect(withCert('pre view.example.com')).toMatch(/is not a domain name/);
    expect(withCert('localhost')).toMatch(/"localhost" is the local edge's preview domain.*e\.g\. "preview\.example\.com"/);
    expect(() => resolveProps({ previewDomain: 'preview.example.com', certificateArn: CERT('us-east-1') })).not.toThrow();
  });

  it('needs a certificate for the wildcard: certificateArn, or a hosted zone to request one in', () => {
    expect(problem({ previewDomain: 'preview.example.com' })).toBe(
      'previewDomain "preview.example.com" needs a certificate for "*.preview.example.com": pass certificateArn ' +
        '(an ACM certificate in us-east-1 covering "*.preview.example.com"), or hostedZone (the stack then requests one, validated by DNS)',
    );
    expect(problem({ previewDomain: 'preview.example.com', domainNames: ['www.example.com'], hostedZone: zone() })).toMatch(
      /domainNames \["www\.example\.com"\] need certificateArn: an ACM certificate in us-east-1 that covers them and "\*\.preview\.example\.com"/,
    );
    const resolved = resolveProps({ previewDomain: 'preview.example.com', hostedZone: zone() });
    expect(resolved.aliases).toEqual(['*.preview.example.com']);
    expect(resolved.certificateArn).toBeUndefined();
  });

  it('puts the wildcard after the domain names, once, inside the hosted zone', () => {
    const resolved = resolveProps({
      previewDomain: 'preview.example.com',
      domainNames: ['www.example.com'],
      certificateArn: CERT('us-east-1'),
    });
    expect(resolved.aliases).toEqual(['www.example.com', '*.preview.example.com']);
    expect(resolved.domainNames).toEqual(['www.example.com']);
    expect(
      problem({ previewDomain: 'preview.example.com', domainNames: ['*.preview.example.com'], certificateArn: CERT('us-east-1') }),
    ).toMatch(/domainNames lists "\*\.preview\.example\.com", which previewDomain adds by itself: remove it from domainNames/);
    expect(problem({ previewDomain: 'preview.example.org', hostedZone: zone() })).toMatch(
      /previewDomain "preview\.example\.org" is not inside the hosted zone "example\.com".*use a sub-domain of "example\.com"/,
    );
  });

  it('refuses to request the certificate outside us-east-1, and says to pass certificateArn', () => {
    const stack = new Stack(new App(), 'Site', { env: { region: 'eu-west-1' } });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z1', zoneName: 'example.com' });
    let error: unknown;
    try {
      new Shellfront(stack, 'Site', { previewDomain: 'preview.example.com', hostedZone, accessLogs: false });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ShellfrontConfigError);
    expect((error as ShellfrontConfigError).setting).toBe('previewDomain');
    expect((error as Error).message).toMatch(/^Site\/Site: previewDomain: .* in eu-west-1, .*us-east-1.*certificateArn/);
    expect(stack.node.findAll().some((c) => c.node.id === 'Bucket')).toBe(false);
  });
});

describe('previewCiRole', () => {
  it('trusts pull requests by default, or the one subject it is given', () => {
    expect(resolveProps({ previewCiRole: { repository: 'acme/site' } }).previewCiRole).toMatchObject({ pullRequest: true });
    expect(resolveProps({ previewCiRole: { repository: 'acme/site', environment: 'preview' } }).previewCiRole).toMatchObject({
      pullRequest: false,
    });
    expect(resolveProps({ ciRole: { repository: 'acme/site' } }).ciRole).toMatchObject({ pullRequest: false, ref: 'refs/heads/main' });
  });

  it('refuses two subjects at once and two different OIDC providers', () => {
    expect(problem({ previewCiRole: { repository: 'acme/site', pullRequest: true, ref: 'refs/heads/main' } })).toMatch(
      /^previewCiRole\.pullRequest is set with ref: .*set only one of ref, environment and pullRequest/,
    );
    expect(problem({ previewCiRole: { repository: 'site' } })).toMatch(/^previewCiRole\.repository must be "owner\/name"/);
    const arn = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
    expect(problem({ ciRole: { repository: 'acme/site' }, previewCiRole: { repository: 'acme/site', oidcProviderArn: arn } })).toMatch(
      /previewCiRole\.oidcProviderArn .* differs from ciRole\.oidcProviderArn .*give both the same ARN, or neither/,
    );
    expect(() =>
      resolveProps({
        ciRole: { repository: 'acme/site', oidcProviderArn: arn },
        previewCiRole: { repository: 'acme/site', oidcProviderArn: arn },
      }),
    ).not.toThrow();
  });
});
