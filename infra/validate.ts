/**
 * Checks the construct's props and applies their defaults, once. Every message names the prop,
 * shows the value and says the fix. Unresolved tokens are skipped (they are known only at deploy).
 */
import { RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { previewDomainProblem } from '../contracts/channels.ts';
import {
  assetPatternProblem,
  behaviorTable,
  configProblem,
  cspProblem,
  DEFAULT_API_PATH_PATTERN,
  DEFAULT_ASSET_PATH_PATTERNS,
  DEFAULT_CSP,
  DEFAULT_EDGE_CONFIG,
  pathPatternProblem,
  type Behavior,
  type ConfigName,
  type EdgeConfig,
} from '../contracts/edge-config.ts';
import type { CiRoleOptions, ShellfrontProps } from './props.ts';

/**
 * A prop (or, from the app, a context key) that cannot make a working stack. Like aws-cdk-lib's
 * ValidationError it carries a stable code and, once the construct knows it, its path; `setting`
 * is the prop the message starts with, so the app can name the context key the user typed.
 */
export class ShellfrontConfigError extends Error {
  override readonly name = 'ShellfrontConfigError';
  /** Stable for tooling and tests; the message may be reworded. */
  readonly code = 'ShellfrontInvalidSetting';
  /** The construct path, when the error was raised inside a construct. */
  readonly constructPath: string | undefined;
  constructor(
    message: string,
    /** The prop or context key at fault, e.g. `ciRole.repository` or `shellCdnSeconds`. */
    readonly setting: string = message.split(/[\s:]/, 1)[0] ?? '',
    constructPath?: string,
  ) {
    super(constructPath ? `${constructPath}: ${message}` : message);
    this.constructPath = constructPath;
  }

  /** The same error, located at `path` (the Shellfront construct's). */
  at(path: string): ShellfrontConfigError {
    return this.constructPath ? this : new ShellfrontConfigError(this.message, this.setting, path);
  }
}

export const DEFAULT_ACCESS_LOG_RETENTION_DAYS = 90;
export const DEFAULT_NONCURRENT_VERSION_DAYS = 30;
export const DEFAULT_CI_REF = 'refs/heads/main';

/** A CI role's options with their defaults applied. */
export type ResolvedCiRole = CiRoleOptions & {
  readonly ref: string;
  readonly allowPrune: boolean;
  readonly pullRequest: boolean;
};

export interface ResolvedProps {
  readonly edgeConfig: EdgeConfig;
  /** CloudFront's evaluation order; the API behavior only when there is an API domain. */
  readonly behaviors: readonly Behavior[];
  readonly apiDomain: string | undefined;
  readonly apiPathPattern: string;
  readonly assetPathPatterns: readonly string[];
  readonly domainNames: readonly string[];
  /** The domain whose sub-domains are preview channels (contracts/channels.ts), if any. */
  readonly previewDomain: string | undefined;
  /** Every alias of the distribution: the domain names, then `*.<previewDomain>`. */
  readonly aliases: readonly string[];
  readonly certificateArn: string | undefined;
  readonly priceClass: cloudfront.PriceClass;
  readonly contentSecurityPolicy: string;
  readonly webAclArn: string | undefined;
  readonly accessLogs: boolean;
  readonly additionalMetrics: boolean;
  readonly alarmEmail?: string;
  readonly accessLogRetentionDays: number;
  readonly noncurrentVersionDays: number;
  readonly bucketRemovalPolicy: RemovalPolicy;
  readonly ciRole: ResolvedCiRole | undefined;
  readonly previewCiRole: ResolvedCiRole | undefined;
}

const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;
const WILDCARD_HOSTNAME = /^\*\.(.+)$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;
const WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:([a-z0-9-]+):\d{12}:(global|regional)\/webacl\/[A-Za-z0-9_-]+\/[A-Za-z0-9-]+$/;
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;
const REPOSITORY = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;
const GIT_REF = /^refs\/(heads|tags)\/[A-Za-z0-9._\/-]{1,200}$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ENVIRONMENT = /^[A-Za-z0-9._ -]{1,255}$/;

function fail(message: string): never {
  throw new ShellfrontConfigError(message);
}

const known = (value: string | undefined): value is string => value !== undefined && !Token.isUnresolved(value);

function checkEmail(value: string): string {
  if (known(value) && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value))
    fail(`alarmEmail must be an email address like "oncall@example.com", got ${JSON.stringify(value)}`);
  return value;
}

function checkNumber(name: string, value: number, min: number, max: number): number {
  if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < min || value > max)) {
    fail(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function resolveEdgeConfig(props: ShellfrontProps): EdgeConfig {
  const config: EdgeConfig = {
    manifestTtlSeconds: props.manifestTtlSeconds ?? DEFAULT_EDGE_CONFIG.manifestTtlSeconds,
    shellCdnSeconds: props.shellCdnSeconds ?? DEFAULT_EDGE_CONFIG.shellCdnSeconds,
    fetchTimeoutMs: props.fetchTimeoutMs ?? DEFAULT_EDGE_CONFIG.fetchTimeoutMs,
  };
  for (const name of Object.keys(config) as ConfigName[]) {
    const problem = configProblem(name, config[name]);
    if (problem) fail(problem);
  }
  return config;
}

function checkHostname(name: string, value: string, { wildcard = false } = {}): void {
  if (!known(value)) return;
  const bare = wildcard ? (WILDCARD_HOSTNAME.exec(value)?.[1] ?? value) : value;
  if (!HOSTNAME.test(bare)) {
    fail(`${name} must be a host name like "api.example.com" (no scheme, port or path), got ${JSON.stringify(value)}`);
  }
}

type CiRoleProp = 'ciRole' | 'previewCiRole';

function resolveCiRole(name: CiRoleProp, options: CiRoleOptions | undefined): ResolvedCiRole | undefined {
  if (!options) return undefined;
  if (!REPOSITORY.test(options.repository)) {
    fail(`${name}.repository must be "owner/name" of a GitHub repository, got ${JSON.stringify(options.repository)}`);
  }
  const ref = options.ref ?? DEFAULT_CI_REF;
  if (!GIT_REF.test(ref) || ref.includes('..')) {
    fail(`${name}.ref must be one exact git ref like "refs/heads/main" (no wildcards), got ${JSON.stringify(ref)}`);
  }
  if (options.environment !== undefined && !ENVIRONMENT.test(options.environment)) {
    fail(`${name}.environment must be a GitHub environment name like "production", got ${JSON.stringify(options.environment)}`);
  }
  if (options.pullRequest && (options.ref !== undefined || options.environment !== undefined)) {
    fail(
      `${name}.pullRequest is set with ${options.ref !== undefined ? 'ref' : 'environment'}: each names the one kind of workflow ` +
        'the role trusts (its OIDC subject); set only one of ref, environment and pullRequest',
    );
  }
  if (known(options.oidcProviderArn) && !OIDC_PROVIDER_ARN.test(options.oidcProviderArn)) {
    fail(
      `${name}.oidcProviderArn must be the ARN of the GitHub OIDC provider ` +
        `(arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com), got ${JSON.stringify(options.oidcProviderArn)}`,
    );
  }
  // A preview-only role trusts pull requests unless told otherwise; the deploy role trusts its ref.
  const pullRequest = options.pullRequest ?? (name === 'previewCiRole' && options.ref === undefined && options.environment === undefined);
  return { ...options, ref, allowPrune: options.allowPrune ?? false, pullRequest };
}

/** Both roles trust one GitHub OIDC provider: an account has only one for token.actions.githubusercontent.com. */
function checkSharedProvider(ciRole: CiRoleOptions | undefined, previewCiRole: CiRoleOptions | undefined): void {
  if (!ciRole || !previewCiRole || ciRole.oidcProviderArn === previewCiRole.oidcProviderArn) return;
  fail(
    `previewCiRole.oidcProviderArn (${JSON.stringify(previewCiRole.oidcProviderArn ?? null)}) differs from ciRole.oidcProviderArn ` +
      `(${JSON.stringify(ciRole.oidcProviderArn ?? null)}): an account has one GitHub OIDC provider and both roles trust it; ` +
      'give both the same ARN, or neither (the stack then creates one)',
  );
}

/**
 * The preview domain, checked by the contract's rule (the handler and the local edge use the same
 * one), with the fix for each kind of mistake.
 */
function checkPreviewDomain(domain: string | undefined): void {
  if (!known(domain)) return;
  const problem = previewDomainProblem(domain);
  if (problem) {
    const fix =
      domain.trim() !== domain.trim().toLowerCase()
        ? `; use ${JSON.stringify(domain.trim().toLowerCase())}`
        : /characters; at most/.test(problem)
          ? '; choose a shorter preview domain'
          : '';
    fail(`previewDomain ${problem}${fix}`);
  }
  if (domain === 'localhost') {
    fail(
      'previewDomain "localhost" is the local edge\'s preview domain (npm start); on AWS name a domain you control, e.g. "preview.example.com"',
    );
  }
}

export function resolveProps(props: ShellfrontProps): ResolvedProps {
  const edgeConfig = resolveEdgeConfig(props);

  const apiPathPattern = props.apiPathPattern ?? DEFAULT_API_PATH_PATTERN;
  const assetPathPatterns = props.assetPathPatterns ?? DEFAULT_ASSET_PATH_PATTERNS;
  if (assetPathPatterns.length === 0) fail('assetPathPatterns must list at least one folder pattern, e.g. ["/assets/*"]');
  const apiProblem = pathPatternProblem(apiPathPattern);
  if (apiProblem) fail(`apiPathPattern: ${apiProblem}`);
  for (const pattern of assetPathPatterns) {
    const problem = assetPatternProblem(pattern);
    if (problem) fail(`assetPathPatterns: ${problem}`);
  }
  if (props.apiDomain !== undefined) checkHostname('apiDomain', props.apiDomain);
  let behaviors: Behavior[];
  try {
    behaviors = behaviorTable({ apiPathPattern: props.apiDomain === undefined ? null : apiPathPattern, assetPathPatterns });
  } catch (error) {
    fail(`behaviors: ${(error as Error).message}`);
  }

  const domainNames = props.domainNames ?? [];
  domainNames.forEach((name, index) => checkHostname(`domainNames[${index}]`, name, { wildcard: true }));
  const duplicate = domainNames.find((name, index) => domainNames.indexOf(name) !== index);
  if (duplicate) fail(`domainNames lists ${JSON.stringify(duplicate)} twice`);
  const previewDomain = props.previewDomain;
  checkPreviewDomain(previewDomain);
  const previewAlias = previewDomain === undefined ? undefined : `*.${previewDomain}`;
  if (previewAlias !== undefined && domainNames.includes(previewAlias)) {
    fail(`domainNames lists ${JSON.stringify(previewAlias)}, which previewDomain adds by itself: remove it from domainNames`);
  }
  const aliases = previewAlias === undefined ? domainNames : [...domainNames, previewAlias];
  const certificateArn = props.certificateArn;
  if (domainNames.length > 0 && certificateArn === undefined) {
    fail(
      `domainNames ${JSON.stringify(domainNames)} need certificateArn: an ACM certificate in us-east-1 that covers them` +
        (previewAlias ? ` and ${JSON.stringify(previewAlias)}` : ''),
    );
  }
  if (certificateArn !== undefined && aliases.length === 0) {
    fail(
      'certificateArn is set but domainNames is empty (and there is no previewDomain): list the names the certificate covers, e.g. ["www.example.com"]',
    );
  }
  if (previewAlias !== undefined && certificateArn === undefined && !props.hostedZone) {
    fail(
      `previewDomain ${JSON.stringify(previewDomain)} needs a certificate for ${JSON.stringify(previewAlias)}: pass certificateArn ` +
        `(an ACM certificate in us-east-1 covering ${JSON.stringify(previewAlias)}), or hostedZone (the stack then requests one, validated by DNS)`,
    );
  }
  if (known(certificateArn)) {
    const region = CERTIFICATE_ARN.exec(certificateArn)?.[1];
    if (!region) fail(`certificateArn must be an ACM certificate ARN, got ${JSON.stringify(certificateArn)}`);
    if (region !== 'us-east-1') {
      fail(
        `certificateArn must be in us-east-1 (CloudFront only uses certificates from there), got one in ${region}: ` +
          `request or import the certificate in us-east-1 (${JSON.stringify(certificateArn)})`,
      );
    }
  }
  if (props.hostedZone && aliases.length === 0)
    fail('hostedZone is set but domainNames is empty (and there is no previewDomain): nothing to point at the distribution');
  const zoneName = props.hostedZone?.zoneName.replace(/\.$/, '');
  if (known(zoneName)) {
    const inZone = (name: string) => !known(name) || name === zoneName || name.endsWith(`.${zoneName}`);
    const outside = domainNames.filter((name) => !inZone(name));
    if (outside.length > 0) fail(`domainNames ${JSON.stringify(outside)} are not inside the hosted zone ${JSON.stringify(zoneName)}`);
    if (previewDomain !== undefined && !inZone(previewDomain)) {
      fail(
        `previewDomain ${JSON.stringify(previewDomain)} is not inside the hosted zone ${JSON.stringify(zoneName)}, where its ` +
          `${JSON.stringify(previewAlias)} records would go: use a sub-domain of ${JSON.stringify(zoneName)}, or pass the zone that holds it`,
      );
    }
  }

  const contentSecurityPolicy = props.contentSecurityPolicy ?? DEFAULT_CSP;
  if (known(contentSecurityPolicy)) {
    const problem = cspProblem(contentSecurityPolicy);
    if (problem) fail(`contentSecurityPolicy ${problem}`);
  }

  if (known(props.bucketName) && (!BUCKET_NAME.test(props.bucketName) || props.bucketName.includes('..'))) {
    fail(`bucketName must be 3-63 lowercase letters, digits, "." and "-" (an S3 bucket name), got ${JSON.stringify(props.bucketName)}`);
  }
  if (known(props.webAclArn)) {
    const match = WEB_ACL_ARN.exec(props.webAclArn);
    if (!match || match[1] !== 'us-east-1' || match[2] !== 'global') {
      fail(
        `webAclArn must be a WAFv2 web ACL with CLOUDFRONT scope (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>), ` +
          `got ${JSON.stringify(props.webAclArn)}`,
      );
    }
  }

  const ciRole = resolveCiRole('ciRole', props.ciRole);
  const previewCiRole = resolveCiRole('previewCiRole', props.previewCiRole);
  checkSharedProvider(props.ciRole, props.previewCiRole);

  return {
    edgeConfig,
    behaviors,
    apiDomain: props.apiDomain,
    apiPathPattern,
    assetPathPatterns,
    domainNames,
    previewDomain,
    aliases,
    certificateArn,
    priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_ALL,
    contentSecurityPolicy,
    webAclArn: props.webAclArn,
    accessLogs: props.accessLogs ?? true,
    additionalMetrics: props.additionalMetrics ?? true,
    ...(props.alarmEmail !== undefined ? { alarmEmail: checkEmail(props.alarmEmail) } : {}),
    accessLogRetentionDays: checkNumber(
      'accessLogRetentionDays',
      props.accessLogRetentionDays ?? DEFAULT_ACCESS_LOG_RETENTION_DAYS,
      1,
      3650,
    ),
    noncurrentVersionDays: checkNumber('noncurrentVersionDays', props.noncurrentVersionDays ?? DEFAULT_NONCURRENT_VERSION_DAYS, 1, 3650),
    bucketRemovalPolicy: props.bucketRemovalPolicy ?? RemovalPolicy.RETAIN,
    ciRole,
    previewCiRole,
  };
}
