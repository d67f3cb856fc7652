/** S3 failures become messages that say what to do; a bad key is not a missing permission. */
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { Bucket } from '../../cli/bucket/bucket.ts';
import { AwsAccessError, EXIT } from '../../cli/shared/errors.ts';
import { s3Error } from './helpers.ts';

const bucket = new Bucket(new S3Client({ region: 'us-east-1' }), 'site');

describe('Bucket.translate', () => {
  it.each([
    ['InvalidAccessKeyId', /access key id does not exist.*AWS_ACCESS_KEY_ID/],
    ['SignatureDoesNotMatch', /secret access key does not match.*AWS_SECRET_ACCESS_KEY/],
    ['ExpiredToken', /session credentials have expired/],
    ['InvalidToken', /AWS_SESSION_TOKEN/],
    ['RequestTimeTooSkewed', /clock/],
  ])('%s (a 403) says what to check, not which permission to grant', (name, advice) => {
    const error = bucket.translate('GetObject', 'manifest.json', s3Error(name, 403));
    expect(error).toBeInstanceOf(AwsAccessError);
    expect(error.exitCode).toBe(EXIT.aws);
    expect(error.message).toMatch(advice);
    expect(error.message).toContain(`(${name})`);
    expect(error.message).not.toMatch(/needs s3:|Grant it/);
  });

  it('a real AccessDenied still names the missing permission', () => {
    const error = bucket.translate('PutObject', 'assets/a.js', s3Error('AccessDenied', 403));
    expect(error.message).toMatch(/needs s3:PutObject on arn:aws:s3:::site\/\*/);
  });
});
