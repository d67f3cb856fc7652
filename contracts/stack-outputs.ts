/**
 * The shellfront stack's output keys (CloudFormation output logical ids): written by the stack
 * (infra/stack.ts), read by the CLI's `--stack <name>` (cli/stack.ts). Keep them exact: renaming
 * one breaks every CI that reads it. Pure data; no I/O, no dependencies.
 */
export const OUTPUT_KEYS = {
  bucketName: 'BucketName',
  distributionId: 'DistributionId',
  distributionDomainName: 'DistributionDomainName',
  siteUrl: 'SiteUrl',
  ciRoleArn: 'CiRoleArn',
  edgeFunctionVersionArn: 'EdgeFunctionVersionArn',
  previewDomain: 'PreviewDomain',
} as const;
