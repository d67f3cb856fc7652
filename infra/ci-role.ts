/**
 * The optional CI deploy role: GitHub Actions of one repository, on one ref (or environment),
 * assume it through OIDC (no long-lived keys) and may only Get/Put/List objects of the site
 * bucket (and Delete when pruning is allowed), plus read this stack's outputs for `--stack`.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from './nag.ts';
import type { CiRoleOptions } from './props.ts';

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

export interface GithubDeployRoleProps {
  readonly bucket: s3.IBucket;
  readonly options: CiRoleOptions & { readonly ref: string; readonly allowPrune: boolean };
}

/** The OIDC `sub` claim GitHub sends for the configured repository and ref or environment. */
export function githubSubject(options: CiRoleOptions & { readonly ref: string }): string {
  return options.environment
    ? `repo:${options.repository}:environment:${options.environment}`
    : `repo:${options.repository}:ref:${options.ref}`;
}

export class GithubDeployRole extends Construct {
  readonly role: iam.Role;
  readonly provider: iam.IOidcProvider;

  constructor(scope: Construct, id: string, props: GithubDeployRoleProps) {
    super(scope, id);
    const { options, bucket } = props;
    this.provider = options.oidcProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'Provider', options.oidcProviderArn)
      : new iam.OidcProviderNative(this, 'Provider', {
          url: `https://${GITHUB_OIDC_HOST}`,
          clientIds: ['sts.amazonaws.com'],
        });

    this.role = new iam.Role(this, 'Resource', {
      description: `shellfront deploy from GitHub Actions: ${githubSubject(options)}`,
      assumedBy: new iam.WebIdentityPrincipal(this.provider.oidcProviderArn, {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
          [`${GITHUB_OIDC_HOST}:sub`]: githubSubject(options),
        },
      }),
    });

    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListSiteBucket',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
      }),
    );
    const objects = bucket.arnForObjects('*');
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: options.allowPrune ? 'ReadWriteDeleteSiteObjects' : 'ReadWriteSiteObjects',
        actions: ['s3:GetObject', 's3:PutObject', ...(options.allowPrune ? ['s3:DeleteObject'] : [])],
        resources: [objects],
      }),
    );
    acknowledgeWildcardResource(
      this.role,
      objects,
      'A deploy writes content-hashed keys it cannot know in advance; the role is limited to objects of this one bucket.',
    );
    const stack = Stack.of(this);
    const stackArn = stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${stack.stackName}/*` });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadStackOutputs',
        actions: ['cloudformation:DescribeStacks'],
        resources: [stackArn],
      }),
    );
    acknowledgeWildcardResource(
      this.role,
      stackArn,
      'A stack ARN ends in a UUID assigned at creation; "/*" matches only this stack name (read-only, for shellfront --stack).',
    );
  }
}
