/**
 * cdk-nag (AwsSolutions) findings that shellfront acknowledges rather than fixes, each on the
 * construct it concerns and only in the configuration where it arises, with the reason.
 * Findings about a single resource (the edge role's log groups, the CI role's object ARNs) are
 * acknowledged next to that resource.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { ResolvedProps } from './validate.ts';

export interface NagTargets {
  readonly distribution: cloudfront.Distribution;
  readonly bucket: s3.Bucket;
  /** The log bucket this construct created, if any. */
  readonly logBucket?: s3.Bucket;
}

function ack(scope: Construct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** cdk-nag's rendering of a resource string: `Ref`s as `<Name>`, `GetAtt`s as `<Name.Attr>`. */
export function nagResource(scope: Construct, resource: string): string {
  const render = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const object = value as Record<string, unknown>;
    if ('Ref' in object) return `<${String(object.Ref)}>`;
    if ('Fn::GetAtt' in object) return `<${(object['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(separator);
    }
    throw new Error(`cannot render ${JSON.stringify(value)} the way cdk-nag does`);
  };
  return render(Stack.of(scope).resolve(resource));
}

/** Acknowledges AwsSolutions-IAM5 for one wildcard resource of a policy attached to `scope`. */
export function acknowledgeWildcardResource(scope: Construct, resource: string, reason: string): void {
  ack(scope, `AwsSolutions-IAM5[Resource::${nagResource(scope, resource)}]`, reason);
}

export function acknowledgeFindings(targets: NagTargets, settings: ResolvedProps): void {
  const { distribution, bucket, logBucket } = targets;
  ack(
    distribution,
    'AwsSolutions-CFR1',
    'A public single-page app; geo restriction is a business decision, not a default (add it to the distribution or the WAF web ACL).',
  );
  if (!settings.webAclArn) {
    ack(
      distribution,
      'AwsSolutions-CFR2',
      'No WAF web ACL was configured (webAclArn); the site serves static files and a rendered shell. Set webAclArn to attach one.',
    );
  }
  if (!settings.accessLogs) {
    ack(distribution, 'AwsSolutions-CFR3', 'Access logging was turned off on purpose (accessLogs=false).');
    ack(bucket, 'AwsSolutions-S1', 'Access logging was turned off on purpose (accessLogs=false).');
  }
  if (settings.aliases.length === 0) {
    ack(
      distribution,
      'AwsSolutions-CFR4',
      'Without a custom domain CloudFront serves its *.cloudfront.net certificate, whose minimum protocol cannot be set; with domainNames or previewDomain the stack sets TLSv1.2_2021.',
    );
  }
  ack(
    distribution,
    '@aws-cdk/aws-cloudfront-origins:listBucketSecurityRisk',
    'LIST makes a missing key a 404 instead of a 403. "/" never reaches the bucket root: defaultRootObject is index.html, the shell function answers it, and no behavior forwards query strings.',
  );
  if (logBucket) {
    ack(logBucket, 'AwsSolutions-S1', 'This is the access-log bucket; logging its own access would log into itself.');
  }
}
