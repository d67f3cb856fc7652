/**
 * The app as users run it: `cdk synth` offline with no credentials, cdk-nag attached and clean,
 * settings mistakes reported without a stack trace, and the construct embedded in a team's app.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/paths.ts';
import { Shellfront } from '../../infra/shellfront.ts';
import { ShellfrontConfigError } from '../../infra/validate.ts';
import { buildApp, newApp, STACK_TIMEOUT } from './helpers.ts';

const outdirs: string[] = [];
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123';
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** `npx cdk synth` with no AWS credentials or profile in the environment. */
function cdkSynth(...args: string[]) {
  const outdir = mkdtempSync(join(tmpdir(), 'shellfront-synth-'));
  outdirs.push(outdir);
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('CDK_')));
  const run = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', outdir, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...env, AWS_EC2_METADATA_DISABLED: 'true' },
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { ...run, outdir };
}

describe('npx cdk synth', () => {
  it("exits 0 offline with no credentials, from cdk.json's defaults", () => {
    const run = cdkSynth();
    expect(run.status, run.stderr).toBe(0);
    const template = JSON.parse(readFileSync(join(run.outdir, 'Shellfront.template.json'), 'utf8'));
    expect(Object.keys(template.Outputs)).toContain('BucketName');
    expect(run.stderr).toMatch(/apiDomain is not set/);
    expect(existsSync(join(run.outdir, 'Shellfront-edge-us-east-1.template.json'))).toBe(false);
  }, 120_000);

  it('reports a settings mistake in one line, with the fix, and exits non-zero', () => {
    const run = cdkSynth('-c', 'certificateArn=arn:aws:acm:eu-west-1:123456789012:certificate/abc', '-c', 'domainNames=www.example.com');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(
      /shellfront: context certificateArn \(-c certificateArn=arn:aws:acm:eu-west-1:[^)]*\): must be in us-east-1 .* got one in eu-west-1/,
    );
    expect(run.stderr).not.toMatch(/at readSettings|at resolveProps/);
  }, 120_000);
});

describe('cdk-nag (AwsSolutions)', () => {
  it(
    'passes with a custom domain, DNS, WAF, access logs and a CI role',
    () => {
      const { app } = buildApp({
        apiDomain: 'api.example.com',
        domainNames: 'www.example.com',
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
        hostedZoneId: 'Z0123456789ABC',
        hostedZoneName: 'example.com',
        webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/1a2b3c',
        ciRepository: 'acme/storefront',
      });
      expect(() => app.synth()).not.toThrow();
    },
    STACK_TIMEOUT,
  );

  it(
    'is really checking: an unacknowledged finding fails the synth',
    () => {
      const { app, stack } = buildApp({ apiDomain: 'api.example.com' });
      new s3.Bucket(stack, 'Careless');
      expect(() => app.synth()).toThrow(/AwsSolutions-S1[\s\S]*Careless|Careless[\s\S]*AwsSolutions-S1/);
    },
    STACK_TIMEOUT,
  );

  it(
    'acknowledges each finding only where it arises, always with a reason',
    () => {
      const acknowledged = (overrides: Record<string, unknown>) => {
        const { app } = buildApp(overrides);
        const entries = app.node
          .findAll()
          .flatMap((c) => c.node.metadata)
          .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((m) => Object.entries(m.data as Record<string, string>));
        for (const [id, reason] of entries) expect(reason.length, id).toBeGreaterThan(40);
        // Recorded as "<plugin>::<rule id>".
        return new Set(entries.map(([id]) => id.split('::').pop() as string));
      };
      const plain = acknowledged({});
      expect([...plain].filter((id) => /CFR[1-4]|S1$/.test(id)).sort()).toEqual([
        'AwsSolutions-CFR1',
        'AwsSolutions-CFR2',
        'AwsSolutions-CFR4',
        'AwsSolutions-S1',
      ]);
      const full = acknowledged({
        domainNames: 'www.example.com',
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
        webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/1a2b3c',
      });
      expect(full.has('AwsSolutions-CFR4')).toBe(false);
      expect(full.has('AwsSolutions-CFR2')).toBe(false);
      expect(acknowledged({ accessLogs: 'false' }).has('AwsSolutions-CFR3')).toBe(true);
      // The preview wildcard alone is a custom domain: TLSv1.2_2021, nothing to acknowledge.
      expect(acknowledged({ previewDomain: 'preview.example.com', certificateArn: CERT }).has('AwsSolutions-CFR4')).toBe(false);
    },
    STACK_TIMEOUT,
  );

  it(
    'names the context key the user typed, its value and the rule, not the construct prop',
    () => {
      const refusal = (context: Record<string, string>) => {
        try {
          buildApp(context);
        } catch (error) {
          expect(error).toBeInstanceOf(ShellfrontConfigError);
          expect((error as ShellfrontConfigError).code).toBe('ShellfrontInvalidSetting');
          return (error as Error).message;
        }
        throw new Error(`expected ${JSON.stringify(context)} to be refused`);
      };
      expect(refusal({ shellCdnSeconds: '-1' })).toBe(
        'context shellCdnSeconds (-c shellCdnSeconds=-1): must be a whole number from 0 to 3600, got -1',
      );
      expect(refusal({ ciRepository: 'nope' })).toMatch(/^context ciRepository \(-c ciRepository=nope\): must be "owner\/name"/);
      expect(refusal({ csp: 'x'.repeat(2000) })).toMatch(/^context csp \(-c csp=x+\): is 2000 characters; CloudFront allows 1783$/);
      expect(refusal({ previewDomain: 'Preview.Example.com', certificateArn: CERT })).toBe(
        'context previewDomain (-c previewDomain=Preview.Example.com): must be lowercase, got "Preview.Example.com"; use "preview.example.com"',
      );
      expect(refusal({ previewDomain: '*.preview.example.com', certificateArn: CERT })).toMatch(
        /^context previewDomain \(-c previewDomain=\*\.preview\.example\.com\): names the domain, not the wildcard: drop "\*\."/,
      );
      expect(
        refusal({
          region: 'eu-west-1',
          previewDomain: 'preview.example.com',
          hostedZoneId: 'Z0123456789ABC',
          hostedZoneName: 'example.com',
        }),
      ).toMatch(
        /^context previewDomain \(-c previewDomain=preview\.example\.com\): without certificateArn the stack would request .* in eu-west-1.*pass its ARN as certificateArn/,
      );
      expect(refusal({ assetPathPatterns: '/assets' })).toMatch(
        /^context assetPathPatterns \(-c assetPathPatterns=\/assets\): .*"\/assets\/\*"/,
      );
    },
    STACK_TIMEOUT,
  );

  it(
    'warns about context keys that are not settings (typos)',
    () => {
      const { stack } = buildApp({ apiDomian: 'api.example.com' });
      Annotations.fromStack(stack).hasWarning('/Shellfront/Site', Match.stringLikeRegexp('"apiDomian" is not a shellfront setting'));
    },
    STACK_TIMEOUT,
  );
});

describe("embedding the construct in a team's app", () => {
  it(
    'takes a few lines and passes cdk-nag there too',
    () => {
      const app: App = newApp();
      const stack = new Stack(app, 'Storefront', { env: { region: 'us-east-1' } });
      const site = new Shellfront(stack, 'Site', { apiDomain: 'api.example.com', accessLogs: false });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      expect(stack.resolve(site.siteUrl)).toEqual({
        'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^SiteDistribution/), 'DomainName'] }]],
      });
      expect(site.ciRole).toBeUndefined();
      expect(() => app.synth()).not.toThrow();
    },
    STACK_TIMEOUT,
  );
});
