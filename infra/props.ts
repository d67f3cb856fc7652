/**
 * The public props of the `Shellfront` construct. Every optional prop says what happens when it
 * is left out; `resolveProps()` (validate.ts) applies these defaults once.
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Who may deploy: GitHub Actions workflows of one repository, on one ref, in one environment, or
 * run by pull requests (each is one OIDC `sub` claim the role trusts).
 */
export interface CiRoleOptions {
  /**
   * The repository whose workflows may assume the role, as `owner/name`.
   * @example 'acme/storefront'
   */
  readonly repository: string;
  /**
   * The git ref the workflow must run on (the OIDC `sub` claim `repo:<repository>:ref:<ref>`).
   * @default 'refs/heads/main'
   * @example 'refs/tags/v*' is NOT allowed (no wildcards); use one exact ref.
   */
  readonly ref?: string;
  /**
   * A GitHub deployment environment instead of a ref. Jobs that name an environment get the
   * `sub` claim `repo:<repository>:environment:<name>`, so set this when your deploy job does.
   * @default - the ref decides
   * @example 'production'
   */
  readonly environment?: string;
  /**
   * Trust workflows run by `pull_request` events instead of a ref: GitHub's `sub` claim is then
   * `repo:<repository>:pull_request` (any pull request from a branch of the repository). Meant for
   * `previewCiRole`; set at most one of `ref`, `environment` and `pullRequest`.
   * @default false for `ciRole`; for `previewCiRole`, true unless `ref` or `environment` is set
   * @example true
   */
  readonly pullRequest?: boolean;
  /**
   * ARN of the account's existing GitHub OIDC provider (an account can have only one).
   * @default - a new provider for token.actions.githubusercontent.com
   * @example 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'
   */
  readonly oidcProviderArn?: string;
  /**
   * Also allow `s3:DeleteObject`, which `shellfront prune` needs.
   * @default false
   */
  readonly allowPrune?: boolean;
}

export interface ShellfrontProps {
  /**
   * Domain name of the API origin served under `apiPathPattern` (HTTPS only, never the shell).
   * @default - no API behavior; synth prints a warning
   * @example 'api.example.com'
   */
  readonly apiDomain?: string;
  /**
   * Path pattern of the API behavior.
   * @default '/api/*'
   */
  readonly apiPathPattern?: string;
  /**
   * Path patterns of the hashed-asset folders: no function, cached for a year.
   * @default ['/assets/*']
   * @example ['/js/*', '/css/*']
   */
  readonly assetPathPatterns?: readonly string[];
  /**
   * How long an edge container trusts its cached manifest (1-3600).
   * @default 60
   */
  readonly manifestTtlSeconds?: number;
  /**
   * How long CloudFront may keep a rendered shell (`s-maxage`, 0-3600).
   * @default 10
   */
  readonly shellCdnSeconds?: number;
  /**
   * Bound on one manifest GET from the edge, in milliseconds (100-10000).
   * @default 1000
   */
  readonly fetchTimeoutMs?: number;
  /**
   * Custom domain names (aliases) of the distribution. Needs `certificateArn`. (`previewDomain`
   * adds its own wildcard alias; do not list it here.)
   * @default - only the *.cloudfront.net name
   * @example ['www.example.com', 'example.com']
   */
  readonly domainNames?: readonly string[];
  /**
   * ARN of an ACM certificate in us-east-1 covering every domain name, and `*.<previewDomain>`
   * when `previewDomain` is set (you are responsible for that: the stack cannot read the
   * certificate's names, and CloudFront refuses an alias the certificate does not cover).
   * @default - none; required with `domainNames`. With only `previewDomain` and a `hostedZone`,
   *   the stack requests a DNS-validated certificate for `*.<previewDomain>` (stack in us-east-1)
   * @example 'arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-...'
   */
  readonly certificateArn?: string;
  /**
   * Route 53 zone in which to create A/AAAA alias records for every domain name, and the
   * wildcard `*.<previewDomain>` records when `previewDomain` is set (it must be inside the zone).
   * @default - no DNS records (point your DNS at the distribution yourself)
   */
  readonly hostedZone?: route53.IHostedZone;
  /**
   * The domain whose one-label sub-domains serve preview channels: `https://pr-7.<previewDomain>`
   * serves channel `pr-7` (contracts/channels.ts). The distribution gets the alias
   * `*.<previewDomain>`, a viewer-request CloudFront Function that copies the viewer's Host into a
   * cache-key header (billed per request, on the default behavior), and the S3 origin tells the
   * edge function the domain. The certificate must cover `*.<previewDomain>`: `certificateArn`,
   * or with a `hostedZone` and no `certificateArn` one the stack requests (stack in us-east-1).
   * Lowercase, no `*.`, no trailing dot, at most 189 characters.
   * @default - no preview channels: no CloudFront Function, the shell's cache key as without it,
   *   every host serves production
   * @example 'preview.example.com'
   */
  readonly previewDomain?: string;
  /**
   * CloudFront price class.
   * @default PriceClass.PRICE_CLASS_ALL
   */
  readonly priceClass?: cloudfront.PriceClass;
  /**
   * Content-Security-Policy sent on every response (replaces the default entirely).
   * @default DEFAULT_CSP from contracts/edge-config.ts
   * @example "default-src 'self'; connect-src 'self' https://api.example.com"
   */
  readonly contentSecurityPolicy?: string;
  /**
   * ARN of a WAFv2 web ACL with CLOUDFRONT scope (it lives in us-east-1).
   * @default - no web ACL
   * @example 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/site/1a2b3c'
   */
  readonly webAclArn?: string;
  /**
   * CloudFront standard logs and S3 server access logs, written to `logBucket`.
   * @default true
   */
  readonly accessLogs?: boolean;
  /**
   * CloudFront's additional distribution metrics (cache hit rate, per-status error rates, origin
   * latency), billed as CloudWatch metrics (docs/stack.md has the cost).
   * @default true
   */
  readonly additionalMetrics?: boolean;
  /**
   * Email address that receives the alarms (5xx rate, Lambda@Edge execution and validation
   * errors) through an SNS topic; it must confirm the subscription. The alarms and the topic live
   * in us-east-1, where CloudFront's metrics are: in the stack there, else in its us-east-1
   * sibling `<stack>-alarms-<region>`.
   * @default - alarms without notifications
   * @example 'oncall@example.com'
   */
  readonly alarmEmail?: string;
  /**
   * Where access logs go.
   * @default - a new bucket (ACLs enabled, as CloudFront logging requires), RETAIN
   */
  readonly logBucket?: s3.IBucket;
  /**
   * Days after which logs in the new log bucket expire.
   * @default 90
   */
  readonly accessLogRetentionDays?: number;
  /**
   * Days after which overwritten or deleted object versions expire (manifest.json history).
   * @default 30
   */
  readonly noncurrentVersionDays?: number;
  /**
   * Physical bucket name.
   * @default - generated by CloudFormation; when the stack is not in us-east-1 a deterministic
   *   name `<stack>-<hash>-<account>-<region>` (the us-east-1 edge role must name it)
   */
  readonly bucketName?: string;
  /**
   * What happens to the bucket when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly bucketRemovalPolicy?: RemovalPolicy;
  /**
   * A role GitHub Actions can assume to run `shellfront deploy`.
   * @default - no CI role
   * @example { repository: 'acme/storefront', ref: 'refs/heads/main' }
   */
  readonly ciRole?: CiRoleOptions;
  /**
   * A narrower role for pull-request workflows: it may list the bucket, read and write objects
   * (releases, assets, preview channel pointers) and delete preview channel pointers, and an
   * explicit Deny keeps it from writing or deleting production's pointer and the legacy
   * `manifest.json`. It shares the GitHub OIDC provider with `ciRole` (give both the same
   * `oidcProviderArn`, or neither).
   * @default - no preview-only role
   * @example { repository: 'acme/storefront' } // trusts repo:acme/storefront:pull_request
   */
  readonly previewCiRole?: CiRoleOptions;
}
