/**
 * The shell function (Lambda@Edge, origin-request) and its least-privilege role. Lambda@Edge
 * functions live in us-east-1: when the stack is elsewhere, the function and its role go to a
 * sibling us-east-1 stack (cloudfront.experimental.EdgeFunction) and this construct reads the
 * version ARN back across regions.
 */
import { Aws, Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CHANNELS_PREFIX, LEGACY_MANIFEST_KEY } from '../contracts/channels.ts';
import { EDGE_HANDLER, EDGE_RUNTIME } from '../contracts/edge-bundle.ts';
import { edgeBundleCode } from './edge-bundle-asset.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import { US_EAST_1, usEast1Sibling } from './sibling-stack.ts';

export const EDGE_REGION = US_EAST_1;

/**
 * Memory buys CPU (1,769 MB = one vCPU) and a cold start is mostly CPU: bench/results/edge.json
 * measures the whole cold start (import of the 21 KB bundle + SigV4-signed manifest GET + first
 * render, loopback S3) at ~33 ms over a bare `node -e ''` on a full core. At 128 MB (~1/14 vCPU)
 * that CPU work would stretch ~14x, to ~450 ms on every cold start; at 1,024 MB (~0.58 vCPU) it is
 * ~1.7x, ~55 ms. Cost barely moves: a warm request runs in microseconds and is billed the 1 ms
 * minimum, ~$0.05 per million at 1,024 MB against the $0.60 per million request fee.
 */
export const EDGE_MEMORY_MB = 1024;

export interface ShellFunctionProps {
  /**
   * The bucket's name as a string usable in the function's (possibly us-east-1) stack: a
   * literal, or tokens of pseudo parameters only, or a same-stack reference when in us-east-1.
   */
  readonly bucketName: string;
  /** The handler's bound on one manifest GET; the function's timeout leaves room above it. */
  readonly fetchTimeoutMs: number;
  /** @default - the handler bundle the package ships (dist/edge/index.mjs) */
  readonly code?: lambda.Code;
  /** @default - EDGE_RUNTIME (contracts/edge-config.ts), the runtime the bundle targets */
  readonly runtime?: lambda.Runtime;
}

/** Seconds: the fetch bound plus room for the cold start and the render, and never under 3. */
export function edgeTimeoutSeconds(fetchTimeoutMs: number): number {
  return Math.max(3, Math.ceil(fetchTimeoutMs / 1000) + 2);
}

export class ShellFunction extends Construct {
  /** The published version CloudFront invokes. */
  readonly version: lambda.IVersion;
  readonly role: iam.Role;
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: ShellFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const crossRegion = stack.region !== EDGE_REGION;
    const edgeStackId = `${stack.stackName}-edge-${stack.region}`;
    // An explicit name lets the role name the function's log groups without a dependency cycle;
    // the region suffix keeps copies of the app deployed to several regions apart in us-east-1.
    this.functionName = `${Names.uniqueResourceName(this, { maxLength: 63 - stack.region.length, separator: '-' })}-${stack.region}`;

    // The sibling EdgeFunction puts the function in, created first so the role can go there too.
    const roleScope = crossRegion
      ? usEast1Sibling(this, edgeStackId, `shellfront: the Lambda@Edge shell function of ${stack.stackName} (${stack.region})`)
      : this;
    this.role = this.createRole(roleScope, crossRegion ? `${Names.uniqueId(this)}Role` : 'Role', props);

    const fn = new cloudfront.experimental.EdgeFunction(this, 'Resource', {
      stackId: edgeStackId,
      functionName: this.functionName,
      code: props.code ?? edgeBundleCode(),
      handler: EDGE_HANDLER,
      runtime: props.runtime ?? edgeRuntime(),
      architecture: lambda.Architecture.X86_64,
      memorySize: EDGE_MEMORY_MB,
      timeout: Duration.seconds(edgeTimeoutSeconds(props.fetchTimeoutMs)),
      role: this.role,
      description: 'shellfront: renders the SPA shell from manifest.json (origin-request)',
    });
    this.version = fn;
    for (const child of fn.lambda.node.findAll()) {
      // A version CloudFront has replicated cannot be deleted for hours after it is detached:
      // CloudFormation would fail (and slow) every update trying. Kept; docs/stack.md says how to
      // delete old ones later.
      if (child instanceof lambda.CfnVersion) child.applyRemovalPolicy(RemovalPolicy.RETAIN);
      // /aws/lambda/<name> only ever receives direct invocations (replicas log to
      // us-east-1.<name> groups). Retained, with the fixed function name it would make the next
      // deploy after `cdk destroy` fail with "already exists": it goes with the stack.
      if (child instanceof logs.CfnLogGroup) {
        child.applyRemovalPolicy(RemovalPolicy.DESTROY);
        child.retentionInDays = 7;
      }
    }
    Validations.of(fn.lambda).acknowledge({
      id: 'AwsSolutions-L1',
      reason: `Pinned to ${(props.runtime ?? edgeRuntime()).name} (default ${EDGE_RUNTIME}, the Node version the bundle targets, lambda/build.ts); raise both together.`,
    });
  }

  private createRole(scope: Construct, id: string, props: ShellFunctionProps): iam.Role {
    const role = new iam.Role(scope, id, {
      // EdgeFunction adds edgelambda.amazonaws.com to the trust policy.
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'shellfront shell function: reads the manifest, writes its own logs',
    });
    const pointers = pointerKeyPatterns();
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadManifest',
        actions: ['s3:GetObject'],
        resources: pointers.map((pattern) => `arn:${Aws.PARTITION}:s3:::${props.bucketName}/${pattern}`),
      }),
    );
    for (const pattern of pointers.filter((key) => key.includes('*'))) {
      acknowledgeWildcardResource(
        role,
        `arn:${Aws.PARTITION}:s3:::${props.bucketName}/${pattern}`,
        'One pointer object per preview channel, named at deploy time (contracts/channels.ts); the function reads no other key.',
      );
    }
    // Without s3:ListBucket, S3 answers a GET of a missing key with 403 instead of 404, so "no
    // release yet" would look like an outage (docs/stack.md cites the page). The s3:prefix
    // condition limits real listings to the pointer keys; the existence check inside a GET carries
    // no prefix, hence ...IfExists.
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'TellMissingManifestFromDenied',
        actions: ['s3:ListBucket'],
        resources: [`arn:${Aws.PARTITION}:s3:::${props.bucketName}`],
        conditions: { StringLikeIfExists: { 's3:prefix': pointers } },
      }),
    );
    // Replicas log to /aws/lambda/us-east-1.<name> in whichever region served the request.
    const logGroups = [`/aws/lambda/us-east-1.${this.functionName}`, `/aws/lambda/${this.functionName}`];
    const logArns = logGroups.map((group) => `arn:${Aws.PARTITION}:logs:*:${Aws.ACCOUNT_ID}:log-group:${group}`);
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [...logArns, ...logArns.map((arn) => `${arn}:*`)],
      }),
    );
    for (const arn of logArns) {
      acknowledgeWildcardResource(
        role,
        arn,
        "Lambda@Edge creates its log group in every region that serves a request (region *); scoped to this function's log group.",
      );
      acknowledgeWildcardResource(
        role,
        `${arn}:*`,
        "Lambda@Edge writes its logs in every region that serves a request (region *), to streams it names itself (:*); scoped to this function's log group.",
      );
    }
    return role;
  }
}

/**
 * The keys the edge function may read and list (IAM patterns, `*` a wildcard): the channel
 * pointers and the legacy production pointer it falls back to (contracts/channels.ts), nothing
 * else. Both the GetObject resources and the ListBucket `s3:prefix` condition come from this list.
 */
export function pointerKeyPatterns(): readonly string[] {
  return [`${CHANNELS_PREFIX}*`, LEGACY_MANIFEST_KEY];
}

/** The lambda.Runtime named by EDGE_RUNTIME (contracts/edge-config.ts pins it). */
export function edgeRuntime(): lambda.Runtime {
  const known = Object.values(lambda.Runtime).find((r): r is lambda.Runtime => r instanceof lambda.Runtime && r.name === EDGE_RUNTIME);
  return known ?? new lambda.Runtime(EDGE_RUNTIME, lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true });
}
