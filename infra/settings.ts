/**
 * The app's settings from CDK context (`-c key=value` or cdk.json): every key, its parsing and
 * its check. `-c` values arrive as strings, cdk.json values as JSON; both are accepted.
 * Range and shape checks of the props themselves live in validate.ts (one place for both the
 * app and teams embedding the construct).
 */
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type { ShellfrontProps } from './props.ts';
import { ShellfrontConfigError } from './validate.ts';

/** Every context key the app reads, with what it means (docs/stack.md lists the same). */
export const CONTEXT_KEYS = {
  region: 'AWS region of the stack (required; cdk.json sets us-east-1)',
  account: 'AWS account id of the stack (default: CDK_DEFAULT_ACCOUNT, else account-agnostic)',
  stackName: 'CloudFormation stack name (default Shellfront)',
  apiDomain: 'API origin host name; absent = no API behavior',
  apiPathPattern: 'API path pattern (default /api/*)',
  assetPathPatterns: 'comma-separated hashed-asset path patterns (default /assets/*)',
  manifestTtlSeconds: 'seconds the edge trusts its cached manifest (default 60)',
  shellCdnSeconds: 'seconds CloudFront keeps a shell (default 10)',
  fetchTimeoutMs: 'bound on one manifest GET (default 1000)',
  domainNames: 'comma-separated custom domain names',
  certificateArn: 'ACM certificate ARN in us-east-1 (with domainNames)',
  previewDomain: 'domain whose sub-domains serve preview channels, e.g. preview.example.com (pr-7.preview.example.com)',
  hostedZoneId: 'Route 53 zone id for alias records (with hostedZoneName)',
  hostedZoneName: 'Route 53 zone name, e.g. example.com',
  priceClass: '100, 200 or All (default All)',
  csp: 'Content-Security-Policy replacing the default',
  webAclArn: 'WAFv2 web ACL ARN (CLOUDFRONT scope)',
  accessLogs: 'true/false: CloudFront and S3 access logs (default true)',
  accessLogRetentionDays: 'days access logs are kept (default 90)',
  additionalMetrics: "true/false: CloudFront's additional metrics (default true)",
  alarmEmail: 'email address for the alarms (SNS, in us-east-1 with the alarms)',
  noncurrentVersionDays: 'days old object versions are kept (default 30)',
  bucketName: 'physical name of the site bucket (default generated)',
  ciRepository: 'GitHub owner/name allowed to deploy; absent = no CI role',
  ciRef: 'git ref the deploy workflow runs on (default refs/heads/main)',
  ciEnvironment: 'GitHub environment of the deploy job (instead of the ref)',
  ciOidcProviderArn: 'existing GitHub OIDC provider ARN (default: create one)',
  ciAllowPrune: 'true/false: allow s3:DeleteObject for shellfront prune (default false)',
  ciPreviewRole: "true/false: also a preview-only role for ciRepository's pull_request workflows (default false)",
} as const;

export type ContextKey = keyof typeof CONTEXT_KEYS;
export const DEFAULT_STACK_NAME = 'Shellfront';

export interface AppSettings {
  readonly stackName: string;
  readonly region: string;
  readonly account: string | undefined;
  readonly site: Omit<ShellfrontProps, 'hostedZone'>;
  readonly hostedZone?: { readonly hostedZoneId: string; readonly zoneName: string };
}

const PRICE_CLASSES: Record<string, cloudfront.PriceClass> = {
  '100': cloudfront.PriceClass.PRICE_CLASS_100,
  '200': cloudfront.PriceClass.PRICE_CLASS_200,
  all: cloudfront.PriceClass.PRICE_CLASS_ALL,
};
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const ACCOUNT = /^\d{12}$/;
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

function fail(key: string, problem: string): never {
  throw new ShellfrontConfigError(`context ${key}: ${problem}`, key);
}

/** The context key behind a construct prop, when they are named apart. */
const CONTEXT_KEY_OF_PROP: Readonly<Record<string, ContextKey>> = {
  contentSecurityPolicy: 'csp',
  'ciRole.repository': 'ciRepository',
  'ciRole.ref': 'ciRef',
  'ciRole.environment': 'ciEnvironment',
  'ciRole.oidcProviderArn': 'ciOidcProviderArn',
  'ciRole.allowPrune': 'ciAllowPrune',
  previewCiRole: 'ciPreviewRole',
  'previewCiRole.repository': 'ciRepository',
  'previewCiRole.oidcProviderArn': 'ciOidcProviderArn',
  hostedZone: 'hostedZoneId',
  behaviors: 'assetPathPatterns',
};

/**
 * A construct's refusal of a prop, reworded for someone who typed `-c key=value`: it names the
 * context key and the value given. Errors about props the app did not set pass through.
 */
export function inContextTerms(error: ShellfrontConfigError, context: Record<string, unknown>): ShellfrontConfigError {
  const prop = error.setting;
  const key = CONTEXT_KEY_OF_PROP[prop] ?? (prop in CONTEXT_KEYS ? (prop as ContextKey) : undefined);
  if (key === undefined || error.message.startsWith('context ')) return error;
  const given = context[key];
  const message = error.message.slice(error.message.indexOf(prop) + prop.length).replace(/^[\s:]+/, '');
  const value = given === undefined ? '' : ` (-c ${key}=${typeof given === 'string' ? given : JSON.stringify(given)})`;
  return new ShellfrontConfigError(`context ${key}${value}: ${message}`, key);
}

/** Reads and checks the app's context. `env` supplies CDK_DEFAULT_ACCOUNT. */
export function readSettings(context: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): AppSettings {
  const empty = (key: ContextKey): never =>
    fail(key, `is empty: give it a value (${CONTEXT_KEYS[key]}), or leave -c ${key} out to get the default`);
  const str = (key: ContextKey): string | undefined => {
    const value = context[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string' && value.trim() === '') return empty(key);
    if (typeof value !== 'string') fail(key, `expected a string, got ${JSON.stringify(value)}`);
    return value.trim();
  };
  const num = (key: ContextKey): number | undefined => {
    const value = context[key];
    if (value === undefined) return undefined;
    if (value === '') return empty(key);
    // Negative and fractional numbers parse here; the prop's own check then states its range.
    const number =
      typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
    if (Number.isNaN(number)) fail(key, `expected a number, got ${JSON.stringify(value)}`);
    return number;
  };
  const bool = (key: ContextKey): boolean | undefined => {
    const value = context[key];
    if (value === undefined) return undefined;
    if (value === '') return empty(key);
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    return fail(key, `expected true or false, got ${JSON.stringify(value)}`);
  };
  const list = (key: ContextKey): string[] | undefined => {
    const value = context[key];
    if (value === undefined) return undefined;
    if (value === '') return empty(key);
    const items = Array.isArray(value)
      ? value
      : typeof value === 'string'
        ? value.split(',')
        : fail(key, `expected a comma-separated list, got ${JSON.stringify(value)}`);
    return items
      .map((item) => (typeof item === 'string' ? item.trim() : fail(key, `expected strings, got ${JSON.stringify(item)}`)))
      .filter(Boolean);
  };

  const region = str('region');
  if (!region) {
    fail(
      'region',
      'missing: shellfront needs an explicit region (Lambda@Edge goes to us-east-1 from it); pass -c region=eu-west-1 or set "region" in cdk.json',
    );
  }
  if (!REGION.test(region)) fail('region', `expected an AWS region like "eu-west-1", got ${JSON.stringify(region)}`);
  const account = str('account') ?? env.CDK_DEFAULT_ACCOUNT;
  if (account !== undefined && !ACCOUNT.test(account)) fail('account', `expected a 12-digit account id, got ${JSON.stringify(account)}`);
  const stackName = str('stackName') ?? DEFAULT_STACK_NAME;
  if (!STACK_NAME.test(stackName))
    fail('stackName', `expected letters, digits and hyphens starting with a letter, got ${JSON.stringify(stackName)}`);

  const priceClassText = str('priceClass');
  const priceClass = priceClassText === undefined ? undefined : PRICE_CLASSES[priceClassText.replace(/^PriceClass_/i, '').toLowerCase()];
  if (priceClassText !== undefined && !priceClass) fail('priceClass', `expected 100, 200 or All, got ${JSON.stringify(priceClassText)}`);

  const hostedZoneId = str('hostedZoneId');
  const zoneName = str('hostedZoneName');
  if ((hostedZoneId === undefined) !== (zoneName === undefined)) {
    fail(
      hostedZoneId ? 'hostedZoneName' : 'hostedZoneId',
      'hostedZoneId and hostedZoneName go together: set both, e.g. -c hostedZoneId=Z0123456789ABC -c hostedZoneName=example.com',
    );
  }
  if (hostedZoneId !== undefined && !/^Z[A-Z0-9]{1,31}$/.test(hostedZoneId)) {
    fail('hostedZoneId', `expected a Route 53 zone id like "Z0123456789ABCDEFGHIJ", got ${JSON.stringify(hostedZoneId)}`);
  }

  const ciRepository = str('ciRepository');
  for (const key of ['ciRef', 'ciEnvironment', 'ciOidcProviderArn', 'ciAllowPrune', 'ciPreviewRole'] as const) {
    if (context[key] !== undefined && !ciRepository)
      fail(key, 'is set but ciRepository is not: set -c ciRepository=owner/name to create the CI role');
  }

  const defined = <T extends object>(object: T): T =>
    Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
  const site: Omit<ShellfrontProps, 'hostedZone'> = defined({
    apiDomain: str('apiDomain'),
    apiPathPattern: str('apiPathPattern'),
    assetPathPatterns: list('assetPathPatterns'),
    manifestTtlSeconds: num('manifestTtlSeconds'),
    shellCdnSeconds: num('shellCdnSeconds'),
    fetchTimeoutMs: num('fetchTimeoutMs'),
    domainNames: list('domainNames'),
    certificateArn: str('certificateArn'),
    previewDomain: str('previewDomain'),
    priceClass,
    contentSecurityPolicy: str('csp'),
    webAclArn: str('webAclArn'),
    accessLogs: bool('accessLogs'),
    additionalMetrics: bool('additionalMetrics'),
    alarmEmail: str('alarmEmail'),
    accessLogRetentionDays: num('accessLogRetentionDays'),
    noncurrentVersionDays: num('noncurrentVersionDays'),
    bucketName: str('bucketName'),
    ciRole: ciRepository
      ? defined({
          repository: ciRepository,
          ref: str('ciRef'),
          environment: str('ciEnvironment'),
          oidcProviderArn: str('ciOidcProviderArn'),
          allowPrune: bool('ciAllowPrune'),
        })
      : undefined,
    // The preview-only role trusts the same repository's pull_request workflows, through the same provider.
    previewCiRole:
      ciRepository && bool('ciPreviewRole')
        ? defined({ repository: ciRepository, oidcProviderArn: str('ciOidcProviderArn'), pullRequest: true })
        : undefined,
  });
  return {
    stackName,
    region,
    account,
    site,
    ...(hostedZoneId && zoneName ? { hostedZone: { hostedZoneId, zoneName } } : {}),
  };
}

/** Context keys that look like ours but are not (typos): plain names without ':' or '@'. */
export function unknownContextKeys(context: Record<string, unknown>): string[] {
  return Object.keys(context).filter((key) => /^[A-Za-z][A-Za-z0-9]*$/.test(key) && !(key in CONTEXT_KEYS));
}
