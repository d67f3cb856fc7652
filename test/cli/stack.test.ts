import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsAccessError, EXIT, InputError } from '../../cli/shared/errors.ts';
import { BUCKET_OUTPUT_KEY, bucketFromStack } from '../../cli/bucket/stack.ts';

const client = new CloudFormationClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const cfn = mockClient(client);

beforeEach(() => cfn.reset());

describe('--stack', () => {
  it('reads the bucket from the stack output BucketName', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'site' }).resolves({
      Stacks: [
        {
          StackName: 'site',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: 'DistributionDomainName', OutputValue: 'd1.cloudfront.net' },
            { OutputKey: BUCKET_OUTPUT_KEY, OutputValue: 'site-bucket-123' },
          ],
        },
      ],
    });
    await expect(bucketFromStack(client, 'site')).resolves.toBe('site-bucket-123');
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(1);
  });

  it('says which outputs exist when BucketName is not one of them', async () => {
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'other',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [{ OutputKey: 'ApiUrl', OutputValue: 'x' }],
        },
      ],
    });
    const error = await bucketFromStack(client, 'other').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/no "BucketName" output \(it has: ApiUrl\)/);
  });

  it('explains a stack that does not exist', async () => {
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id nope does not exist'), { name: 'ValidationError' }));
    const error = await bucketFromStack(client, 'nope').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AwsAccessError);
    expect((error as AwsAccessError).exitCode).toBe(EXIT.aws);
    expect((error as Error).message).toMatch(/Stack "nope" does not exist .* --region/);
  });

  it('names cloudformation:DescribeStacks when access is denied', async () => {
    cfn
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('User is not authorized to perform: cloudformation:DescribeStacks'), { name: 'AccessDenied' }));
    await expect(bucketFromStack(client, 'site')).rejects.toThrow(/needs cloudformation:DescribeStacks/);
  });
});

describe('--stack when CloudFormation cannot be reached', () => {
  it('exits 7 (network), not 6 (AWS refused)', async () => {
    cfn
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('getaddrinfo ENOTFOUND cloudformation.eu-west-1.amazonaws.com'), { code: 'ECONNREFUSED' }));
    const error = await bucketFromStack(client, 'site').catch((caught: unknown) => caught);
    expect((error as { exitCode: number }).exitCode).toBe(EXIT.transient);
    expect((error as Error).message).toMatch(/Could not reach CloudFormation to read stack "site".*or pass --bucket/);
  });
});
