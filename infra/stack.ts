/**
 * The shellfront stack: a thin user of the `Shellfront` construct plus the outputs the CLI's
 * `--stack <name>` reads (keep these output keys exact).
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { OUTPUT_KEYS } from '../contracts/stack-outputs.ts';
import type { ShellfrontProps } from './props.ts';
import { Shellfront } from './shellfront.ts';

/** The stack's output keys live in the contracts (the CLI reads them); re-exported here. */
export { OUTPUT_KEYS };

export interface ShellfrontStackProps extends StackProps {
  readonly site?: Omit<ShellfrontProps, 'hostedZone'>;
  /** A Route 53 zone by id and name (no lookup, so synth stays offline). */
  readonly hostedZone?: { readonly hostedZoneId: string; readonly zoneName: string };
  /** @default - the handler bundle shipped in the package (dist/edge/index.mjs) */
  readonly edgeCode?: lambda.Code;
}

export class ShellfrontStack extends Stack {
  readonly site: Shellfront;

  constructor(scope: Construct, id: string, props: ShellfrontStackProps = {}) {
    super(scope, id, {
      description: 'shellfront: a single-page app served from S3 through CloudFront with a Lambda@Edge shell',
      ...props,
    });
    const hostedZone = props.hostedZone ? route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', props.hostedZone) : undefined;
    this.site = new Shellfront(this, 'Site', {
      ...props.site,
      ...(hostedZone ? { hostedZone } : {}),
      ...(props.edgeCode ? { edgeCode: props.edgeCode } : {}),
    });

    const output = (key: string, value: string, description: string) => new CfnOutput(this, key, { value, description });
    output(OUTPUT_KEYS.bucketName, this.site.bucket.bucketName, 'Site bucket (shellfront deploy --bucket)');
    output(OUTPUT_KEYS.distributionId, this.site.distribution.distributionId, 'CloudFront distribution id');
    output(OUTPUT_KEYS.distributionDomainName, this.site.distribution.distributionDomainName, 'CloudFront domain name');
    output(OUTPUT_KEYS.siteUrl, this.site.siteUrl, 'Where the site is served');
    if (this.site.ciRole)
      output(
        OUTPUT_KEYS.ciRoleArn,
        this.site.ciRole.role.roleArn,
        'Role for GitHub Actions (aws-actions/configure-aws-credentials role-to-assume)',
      );
    output(OUTPUT_KEYS.edgeFunctionVersionArn, this.site.edgeFunction.edgeArn, 'Published Lambda@Edge version (us-east-1)');
    if (this.site.settings.previewDomain !== undefined)
      output(
        OUTPUT_KEYS.previewDomain,
        this.site.settings.previewDomain,
        'Preview channels are served at https://<channel>.<this domain>/',
      );
    if (this.site.previewCiRole)
      output(
        OUTPUT_KEYS.previewCiRoleArn,
        this.site.previewCiRole.role.roleArn,
        'Preview-only role for pull-request workflows (never writes the production pointer)',
      );
  }
}
