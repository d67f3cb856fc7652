/**
 * A stack outside us-east-1: the function and its role go to a sibling us-east-1 stack, the
 * bucket gets a name that stack can use without a cross-region reference, and the distribution
 * reads the version ARN back through CDK's cross-region parameter reader.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS_PREFIX } from '../../contracts/channels.ts';
import { MANIFEST_KEY } from '../../contracts/release.ts';
import { EDGE_RUNTIME } from '../../contracts/edge-bundle.ts';
import type { ShellfrontStack } from '../../infra/stack.ts';
import { asArray, buildApp, buildStack, distributionConfig, policyStatements, STACK_TIMEOUT } from './helpers.ts';

describe('stack in eu-west-1', () => {
  let main: Template;
  let edge: Template;
  let edgeStack: Stack;
  let stack: ShellfrontStack;
  beforeAll(() => {
    const built = buildStack({ site: { apiDomain: 'api.example.com' } }, 'eu-west-1');
    stack = built.stack;
    edgeStack = built.app.node.findChild('Shellfront-edge-eu-west-1') as Stack;
    main = built.template;
    edge = Template.fromStack(edgeStack);
  }, STACK_TIMEOUT);

  it('puts the function, its version and its role in a us-east-1 stack the main stack depends on', () => {
    expect(edgeStack.region).toBe('us-east-1');
    expect(stack.dependencies).toContain(edgeStack);
    edge.resourceCountIs('AWS::Lambda::Function', 1);
    edge.resourceCountIs('AWS::Lambda::Version', 1);
    edge.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: EDGE_RUNTIME,
      FunctionName: 'Shellfront-Site-ShellFunction-09E8FA77-eu-west-1',
    });
    edge.resourceCountIs('AWS::IAM::Role', 1);
    main.resourceCountIs('AWS::Lambda::Version', 0);
  });

  it('names the bucket deterministically (stack, hash, account, region)', () => {
    const bucket = main.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: { Status: 'Enabled' } } });
    const name = Object.values(bucket)[0]!.Properties.BucketName;
    expect(name).toEqual({
      'Fn::Join': ['', [expect.stringMatching(/^shellfront-[0-9a-f]{8}-$/), { Ref: 'AWS::AccountId' }, '-eu-west-1']],
    });
  });

  it("lets the us-east-1 role read that bucket's pointers by name, not by a cross-region reference", () => {
    const s3 = policyStatements(edge)
      .map((s) => s.statement)
      .filter((s) => asArray(s.Action).some((a: string) => a === 's3:GetObject'));
    expect(s3).toHaveLength(1);
    const name = Object.values(
      main.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: { Status: 'Enabled' } } }),
    )[0]!.Properties.BucketName['Fn::Join'][1];
    const arn = (key: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${name[0]}`, { Ref: 'AWS::AccountId' }, `-eu-west-1/${key}`]],
    });
    expect(s3[0]!.Resource).toEqual([arn(`${CHANNELS_PREFIX}*`), arn(MANIFEST_KEY)]);
    expect(JSON.stringify(edge.toJSON())).not.toMatch(/Fn::ImportValue|SiteBucket/);
  });

  it('associates the version ARN read back from us-east-1 with the default behavior', () => {
    const reader = Object.keys(main.findResources('Custom::CrossRegionStringParameterReader'));
    expect(reader).toHaveLength(1);
    expect(distributionConfig(main).DefaultCacheBehavior.LambdaFunctionAssociations).toEqual([
      { EventType: 'origin-request', LambdaFunctionARN: { 'Fn::GetAtt': [reader[0], 'FunctionArn'] } },
    ]);
    main.hasOutput('EdgeFunctionVersionArn', { Value: { 'Fn::GetAtt': [reader[0], 'FunctionArn'] } });
  });
});

it(
  'passes cdk-nag in eu-west-1 with logs off and a pruning CI role',
  () => {
    const { app } = buildApp({
      region: 'eu-west-1',
      accessLogs: 'false',
      ciRepository: 'acme/storefront',
      ciAllowPrune: 'true',
      apiDomain: 'api.example.com',
    });
    const assembly = app.synth();
    expect(assembly.stacks.map((s) => `${s.stackName}@${s.environment.region}`).sort()).toEqual([
      'Shellfront-alarms-eu-west-1@us-east-1',
      'Shellfront-edge-eu-west-1@us-east-1',
      'Shellfront@eu-west-1',
    ]);
  },
  STACK_TIMEOUT,
);

it(
  'uses a given bucket name on both sides',
  () => {
    const built = buildStack({ site: { bucketName: 'acme-storefront-site', accessLogs: false } }, 'ap-southeast-2');
    built.template.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'acme-storefront-site' });
    const edge = Template.fromStack(built.app.node.findChild('Shellfront-edge-ap-southeast-2') as Stack);
    const s3 = policyStatements(edge)
      .map((s) => s.statement)
      .find((s) => s.Action === 's3:GetObject');
    const arn = (key: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::acme-storefront-site/${key}`]] });
    expect(s3?.Resource).toEqual([arn(`${CHANNELS_PREFIX}*`), arn(MANIFEST_KEY)]);
  },
  STACK_TIMEOUT,
);

describe('account-unique names across regions', () => {
  /** Every name CloudFormation must find free in the account: CloudFront's, Lambda's, CloudWatch dashboards'. */
  const NAMED: Record<string, string> = {
    'AWS::CloudFront::ResponseHeadersPolicy': 'ResponseHeadersPolicyConfig.Name',
    'AWS::CloudFront::OriginAccessControl': 'OriginAccessControlConfig.Name',
    'AWS::CloudFront::CachePolicy': 'CachePolicyConfig.Name',
    // CloudFront Functions are global to the account too (the preview channels' viewer function).
    'AWS::CloudFront::Function': 'Name',
    'AWS::Lambda::Function': 'FunctionName',
    // "All dashboards in your account are global, not region-specific" (AWS::CloudWatch::Dashboard).
    'AWS::CloudWatch::Dashboard': 'DashboardName',
  };
  function names(region: string): string[] {
    const built = buildApp({
      region,
      apiDomain: 'api.example.com',
      previewDomain: 'preview.example.com',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
    });
    const found: string[] = [];
    for (const child of built.app.node.children) {
      if (!(child instanceof Stack)) continue;
      for (const [type, path] of Object.entries(NAMED)) {
        for (const resource of Object.values(Template.fromStack(child).findResources(type))) {
          const name = path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)?.[key], resource.Properties);
          // Unnamed resources (CDK's own helpers) get a CloudFormation-generated, unique name.
          if (name !== undefined) found.push(`${type} ${typeof name === 'string' ? name : JSON.stringify(name)}`);
        }
      }
    }
    return found.sort();
  }

  it(
    'the stack (with preview channels) synthesized for us-east-1 and for eu-west-1 shares no such name',
    () => {
      const east = names('us-east-1');
      const west = names('eu-west-1');
      expect(east.length).toBeGreaterThanOrEqual(5);
      expect(east.some((name) => name.startsWith('AWS::CloudWatch::Dashboard '))).toBe(true);
      expect(east.some((name) => name.startsWith('AWS::CloudFront::Function '))).toBe(true);
      expect(west.length).toBe(east.length);
      for (const name of east) expect(name).toMatch(/-us-east-1"?$/);
      expect(east.filter((name) => west.includes(name))).toEqual([]);
    },
    STACK_TIMEOUT * 2,
  );
});
