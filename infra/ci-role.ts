/**
 * The optional CI roles: GitHub Actions of one repository (on one ref, in one environment, or run
 * by pull requests) assume them through OIDC (no long-lived keys). The deploy role may only
 * Get/Put/List objects of the site bucket (and Delete when pruning is allowed); the preview-only
 * role may do the same and delete preview channel pointers, and an explicit Deny keeps it away
 * from production's pointers. Both may read this stack's outputs for `--stack`.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CHANNELS_PREFIX, channelPointerKey, LEGACY_MANIFEST_KEY, PRODUCTION_CHANNEL } from '../contracts/channels.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import type { CiRoleOptions } from './props.ts';
import type { ResolvedCiRole } from './validate.ts';

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** The keys a preview-only role may never write or delete: what production serves from. */
export const PRODUCTION_POINTER_KEYS: readonly string[] = [channelPointerKey(PRODUCTION_CHANNEL), LEGACY_MANIFEST_KEY];

export interface GithubDeployRoleProps {
  readonly bucket: s3.IBucket;
  readonly options: ResolvedCiRole;
  /**
   * The GitHub OIDC provider to trust (an account has one): the deploy role's, when both roles exist.
   * @default - `options.oidcProviderArn`, else a new provider
   */
  readonly provider?: iam.IOidcProvider;
  /**
   * Preview-only: may also delete preview channel pointers (`shellfront channels delete` when a pull
   * request closes), and is denied any write or delete of PRODUCTION_POINTER_KEYS.
   * @default false
   */
  readonly previewOnly?: boolean;
}

/** The OIDC `sub` claim GitHub sends for the configured repository and ref, environment or pull requests. */
export function githubSubject(options: CiRoleOptions & { readonly ref: string; readonly pullRequest?: boolean }): string {
  if (options.environment) return `repo:${options.repository}:environment:${options.environment}`;
  if (options.pullRequest) return `repo:${options.repository}:pull_request`;
  return `repo:${options.repository}:ref:${options.ref}`;
}

export class GithubDeployRole extends Construct {
  readonly role: iam.Role;
  readonly provider: iam.IOidcProvider;

  constructor(scope: Construct, id: string, props: GithubDeployRoleProps) {
    super(scope, id);
    const { options, bucket } = props;
    this.provider =
      props.provider ??
      (options.oidcProviderArn
        ? iam.OidcProviderNative.fromOidcProviderArn(this, 'Provider', options.oidcProviderArn)
        : new iam.OidcProviderNative(this, 'Provider', {
            url: `https://${GITHUB_OIDC_HOST}`,
            clientIds: ['sts.amazonaws.com'],
          }));

    this.role = new iam.Role(this, 'Resource', {
      description: `shellfront ${props.previewOnly ? 'preview-only deploy (never production)' : 'deploy'} from GitHub Actions: ${githubSubject(options)}`,
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
    if (props.previewOnly) this.guardProduction(bucket, options.allowPrune);
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

  /** Deletes of preview pointers allowed; any write or delete of production's pointers denied (a Deny beats every Allow). */
  private guardProduction(bucket: s3.IBucket, allowPrune: boolean): void {
    if (!allowPrune) {
      const pointers = bucket.arnForObjects(`${CHANNELS_PREFIX}*`);
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'DeleteChannelPointers',
          actions: ['s3:DeleteObject'],
          resources: [pointers],
        }),
      );
      acknowledgeWildcardResource(
        this.role,
        pointers,
        'One pointer per preview channel, named by each pull request; production pointers are denied by the NeverTouchProduction statement.',
      );
    }
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'NeverTouchProduction',
        effect: iam.Effect.DENY,
        actions: ['s3:PutObject', 's3:DeleteObject'],
        resources: PRODUCTION_POINTER_KEYS.map((key) => bucket.arnForObjects(key)),
      }),
    );
  }
}
