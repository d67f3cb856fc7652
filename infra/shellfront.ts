/**
 * `Shellfront`: the whole edge of a single-page app in one construct. Bucket (versioned,
 * private, RETAIN), the Lambda@Edge shell function, the distribution with its behaviors,
 * optional DNS records, optional preview channels (`previewDomain`: wildcard alias, certificate,
 * records) and optional GitHub Actions deploy roles.
 *
 *   new Shellfront(this, 'Site', { apiDomain: 'api.example.com' });
 */
import { Annotations, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { GithubDeployRole } from './ci-role.ts';
import { SiteDistribution } from './distribution.ts';
import { EDGE_REGION, ShellFunction } from './edge-function.ts';
import { SiteMonitoring } from './monitoring.ts';
import { acknowledgeFindings } from './nag.ts';
import type { ShellfrontProps } from './props.ts';
import { resolveProps, ShellfrontConfigError, type ResolvedProps } from './validate.ts';

export interface ShellfrontConstructProps extends ShellfrontProps {
  /**
   * The edge function's code.
   * @default - the handler bundle shipped in the package (dist/edge/index.mjs, built by `npm run build`)
   * @example lambda.Code.fromAsset('my-fork/dist/edge')
   */
  readonly edgeCode?: lambda.Code;
  /**
   * The edge function's runtime. Lambda@Edge runs the current Lambda Node.js runtimes; the bundle
   * is built for Node 24.
   * @default lambda.Runtime.NODEJS_24_X (EDGE_RUNTIME)
   * @example lambda.Runtime.NODEJS_22_X
   */
  readonly edgeRuntime?: lambda.Runtime;
}

/**
 * Regions whose buckets CloudFront standard logging (legacy) does not deliver to: the opt-in
 * Regions. https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging-legacy-s3.html
 */
export const CLOUDFRONT_LOG_EXCLUDED_REGIONS: ReadonlySet<string> = new Set([
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-west-1',
  'eu-central-2',
  'eu-south-1',
  'eu-south-2',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
]);

export class Shellfront extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** The published shell function version (in us-east-1). */
  readonly edgeFunction: lambda.IVersion;
  /** The GitHub Actions deploy role, when `ciRole` is set. */
  readonly ciRole?: GithubDeployRole;
  /** The preview-only role for pull-request workflows, when `previewCiRole` is set. */
  readonly previewCiRole?: GithubDeployRole;
  /** The certificate the stack requested for `*.<previewDomain>` (only without `certificateArn`). */
  readonly previewCertificate?: acm.Certificate;
  /** `https://` + the first domain name, or the distribution's own name. */
  readonly siteUrl: string;
  readonly settings: ResolvedProps;
  /** The dashboard, the alarms (in us-east-1) and their topic. */
  readonly monitoring: SiteMonitoring;

  constructor(scope: Construct, id: string, props: ShellfrontConstructProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region)) {
      throw new ShellfrontConfigError(
        `${stack.stackName} has no region, but Lambda@Edge needs one to place the function in ${EDGE_REGION}: ` +
          "give the stack an env, e.g. new Stack(app, 'Site', { env: { region: 'eu-west-1' } }) " +
          '(the shellfront app: -c region=eu-west-1)',
      );
    }
    try {
      this.settings = resolveProps(props);
    } catch (error) {
      throw error instanceof ShellfrontConfigError ? error.at(this.node.path) : error;
    }
    if (!this.settings.apiDomain) {
      Annotations.of(this).addWarningV2(
        'shellfront:noApiDomain',
        `apiDomain is not set: no ${this.settings.apiPathPattern} behavior; set it (e.g. -c apiDomain=api.example.com) to serve an API through the distribution`,
      );
    }

    if (this.settings.accessLogs && !props.logBucket && CLOUDFRONT_LOG_EXCLUDED_REGIONS.has(stack.region)) {
      throw new ShellfrontConfigError(
        `accessLogs: CloudFront does not deliver standard logs to buckets in ${stack.region} (an opt-in Region), so the log bucket ` +
          'this stack would create there would never get them. Set accessLogs=false (-c accessLogs=false), or pass a logBucket ' +
          'in a Region CloudFront delivers to (e.g. us-east-1). See docs/stack.md.',
        'accessLogs',
        this.node.path,
      );
    }
    if (this.settings.previewDomain !== undefined && !this.settings.certificateArn && stack.region !== EDGE_REGION) {
      const wildcard = `*.${this.settings.previewDomain}`;
      throw new ShellfrontConfigError(
        `previewDomain: without certificateArn the stack would request the certificate for "${wildcard}" in ${stack.region}, ` +
          `but CloudFront only uses certificates from ${EDGE_REGION}: request it there (aws acm request-certificate --region ${EDGE_REGION} ` +
          `--domain-name "${wildcard}" --validation-method DNS) and pass its ARN as certificateArn, or deploy the stack in ${EDGE_REGION}`,
        'previewDomain',
        this.node.path,
      );
    }
    const ownLogBucket = this.settings.accessLogs && !props.logBucket ? this.createLogBucket() : undefined;
    const logBucket = this.settings.accessLogs ? (props.logBucket ?? ownLogBucket) : undefined;
    const bucketName = props.bucketName ?? (stack.region === EDGE_REGION ? undefined : this.crossRegionBucketName());
    this.bucket = this.createBucket(bucketName, logBucket);
    this.edgeFunction = new ShellFunction(this, 'ShellFunction', {
      bucketName: bucketName ?? this.bucket.bucketName,
      fetchTimeoutMs: this.settings.edgeConfig.fetchTimeoutMs,
      ...(props.edgeCode ? { code: props.edgeCode } : {}),
      ...(props.edgeRuntime ? { runtime: props.edgeRuntime } : {}),
    }).version;
    if (this.settings.previewDomain !== undefined && !this.settings.certificateArn && props.hostedZone) {
      this.previewCertificate = this.createPreviewCertificate(props.hostedZone, this.settings.previewDomain);
    }
    this.distribution = new SiteDistribution(this, 'Distribution', {
      bucket: this.bucket,
      settings: this.settings,
      edgeFunction: this.edgeFunction,
      ...(logBucket ? { logBucket } : {}),
      ...(this.previewCertificate ? { certificate: this.previewCertificate } : {}),
    }).distribution;
    if (props.hostedZone) this.createAliasRecords(props.hostedZone);
    this.monitoring = new SiteMonitoring(this, 'Monitoring', {
      distribution: this.distribution,
      additionalMetrics: this.settings.additionalMetrics,
      ...(this.settings.alarmEmail ? { alarmEmail: this.settings.alarmEmail } : {}),
    });
    if (this.settings.ciRole) {
      this.ciRole = new GithubDeployRole(this, 'CiRole', { bucket: this.bucket, options: this.settings.ciRole });
    }
    if (this.settings.previewCiRole) {
      this.previewCiRole = new GithubDeployRole(this, 'PreviewCiRole', {
        bucket: this.bucket,
        options: this.settings.previewCiRole,
        previewOnly: true,
        // One GitHub OIDC provider per account: the deploy role's, when there is one.
        ...(this.ciRole ? { provider: this.ciRole.provider } : {}),
      });
    }
    // Never the preview wildcard: the site is production.
    this.siteUrl = `https://${this.settings.domainNames[0] ?? this.distribution.distributionDomainName}`;
    acknowledgeFindings(
      { distribution: this.distribution, bucket: this.bucket, ...(ownLogBucket ? { logBucket: ownLogBucket } : {}) },
      this.settings,
    );
  }

  private createBucket(bucketName: string | undefined, logBucket: s3.IBucket | undefined): s3.Bucket {
    return new s3.Bucket(this, 'Bucket', {
      ...(bucketName ? { bucketName } : {}),
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // manifest.json is overwritten on every deploy: its history survives a bad flip.
      versioned: true,
      lifecycleRules: [
        {
          id: 'ExpireNoncurrentVersions',
          noncurrentVersionExpiration: Duration.days(this.settings.noncurrentVersionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        { id: 'RemoveExpiredDeleteMarkers', expiredObjectDeleteMarker: true },
      ],
      removalPolicy: this.settings.bucketRemovalPolicy,
      ...(logBucket ? { serverAccessLogsBucket: logBucket, serverAccessLogsPrefix: 's3/' } : {}),
    });
  }

  private createLogBucket(): s3.Bucket {
    return new s3.Bucket(this, 'LogBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.S3_MANAGED,
      // CloudFront standard logging writes with ACLs, so they cannot be disabled here.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'ExpireLogs', expiration: Duration.days(this.settings.accessLogRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * Outside us-east-1 the edge role (in the us-east-1 stack) must name the bucket without a
   * cross-region reference: a name from the construct path, the account and the region.
   */
  private crossRegionBucketName(): string {
    const stack = Stack.of(this);
    const hash = Names.uniqueId(this).slice(-8).toLowerCase();
    const prefix =
      stack.stackName
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .slice(0, 20)
        .replace(/^-+|-+$/g, '') || 'shellfront';
    return `${prefix}-${hash}-${stack.account}-${stack.region}`;
  }

  private createAliasRecords(zone: route53.IHostedZone): void {
    const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
    this.settings.domainNames.forEach((recordName, index) => {
      new route53.ARecord(this, `AliasRecord${index}`, { zone, recordName, target });
      new route53.AaaaRecord(this, `AliasRecordIpv6${index}`, { zone, recordName, target });
    });
    if (this.settings.previewDomain !== undefined) {
      // One wildcard pair serves every channel: no DNS change per pull request.
      const recordName = `*.${this.settings.previewDomain}`;
      new route53.ARecord(this, 'PreviewAliasRecord', { zone, recordName, target });
      new route53.AaaaRecord(this, 'PreviewAliasRecordIpv6', { zone, recordName, target });
    }
  }

  /**
   * The wildcard certificate for the preview domain, validated by DNS in `zone`. Only in us-east-1
   * (checked above): CloudFront uses certificates from there alone.
   */
  private createPreviewCertificate(zone: route53.IHostedZone, previewDomain: string): acm.Certificate {
    return new acm.Certificate(this, 'PreviewCertificate', {
      domainName: `*.${previewDomain}`,
      validation: acm.CertificateValidation.fromDns(zone),
    });
  }
}
