/**
 * `--stack <name>`: the bucket comes from the CloudFormation stack's outputs (the stack
 * exports it as `BucketName`), so CI does not hard-code it.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { OUTPUT_KEYS } from '../../contracts/stack-outputs.ts';
import { AwsAccessError, InputError, TransientError } from '../shared/errors.ts';
import { isRetryable } from './retry.ts';

export const BUCKET_OUTPUT_KEY = OUTPUT_KEYS.bucketName;

export function createCloudFormationClient(region: string): CloudFormationClient {
  return new CloudFormationClient({ region });
}

/** What the CLI reads from a shellfront stack: the bucket, and every output by key (SiteUrl, PreviewDomain…). */
export interface StackInfo {
  readonly bucket: string;
  readonly outputs: Readonly<Record<string, string>>;
}

export async function bucketFromStack(client: CloudFormationClient, stackName: string): Promise<string> {
  return (await readStack(client, stackName)).bucket;
}

export async function readStack(client: CloudFormationClient, stackName: string): Promise<StackInfo> {
  let answer;
  try {
    answer = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  } catch (error) {
    const name = (error as Error).name;
    const message = (error as Error).message ?? '';
    if (name === 'ValidationError' && /does not exist/.test(message)) {
      throw new AwsAccessError(
        `Stack "${stackName}" does not exist in this account and region. Check --stack and --region (or AWS_REGION).`,
        { cause: error },
      );
    }
    if (name === 'AccessDenied' || name === 'AccessDeniedException' || /not authorized/.test(message)) {
      throw new AwsAccessError(
        `Access denied reading stack "${stackName}": --stack needs cloudformation:DescribeStacks. Grant it, or pass --bucket instead.`,
        { cause: error },
      );
    }
    if (isRetryable(error)) {
      throw new TransientError(
        `Could not reach CloudFormation to read stack "${stackName}" (${name}: ${message}). Check the network (and proxy settings), then run again; or pass --bucket.`,
        { cause: error },
      );
    }
    throw new AwsAccessError(`Could not read stack "${stackName}" (${name}: ${message}).`, { cause: error });
  }
  const stack = answer.Stacks?.[0];
  const outputs = stack?.Outputs ?? [];
  const bucket = outputs.find((output) => output.OutputKey === BUCKET_OUTPUT_KEY)?.OutputValue;
  if (!bucket) {
    const keys = outputs.map((output) => output.OutputKey).filter(Boolean);
    throw new InputError(
      `Stack "${stackName}" has no "${BUCKET_OUTPUT_KEY}" output (it has: ${keys.join(', ') || 'none'}). ` +
        `Is it a shellfront stack, and has it finished deploying? Or pass --bucket.`,
    );
  }
  const byKey: Record<string, string> = {};
  for (const output of outputs) if (output.OutputKey && output.OutputValue !== undefined) byKey[output.OutputKey] = output.OutputValue;
  return { bucket, outputs: byKey };
}
