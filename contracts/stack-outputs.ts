/**
 * The shellfront stack's output keys (CloudFormation output logical ids): written by the stack
 * (infra/stack.ts), read by the CLI's `--stack <name>` (cli/bucket/stack.ts). Keep them exact: renaming
 * one breaks every CI that reads it. Pure data; no I/O, no dependencies.
 */
export const OUTPUT_KEYS = {
  bucketName: 'BucketName',
  distributionId: 'DistributionId',
  distributionDomainName: 'DistributionDomainName',
  siteUrl: 'SiteUrl',
  ciRoleArn: 'CiRoleArn',
  edgeFunctionVersionArn: 'EdgeFunctionVersionArn',
  /** Only with previewDomain: channels are served at `https://<channel>.<PreviewDomain>/` (channelUrl). */
  previewDomain: 'PreviewDomain',
  /** Only with previewCiRole: the role pull-request workflows assume (it can never move production). */
  previewCiRoleArn: 'PreviewCiRoleArn',
} as const;
