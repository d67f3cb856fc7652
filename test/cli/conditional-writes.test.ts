/**
 * Conditional writes as real S3 answers them (aws-sdk-client-mock: s3rver does not enforce them):
 * a 409 ConditionalRequestConflict is retried; a 412 after a retried attempt is read back, since
 * the first attempt may have been applied before its answer was lost.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Bucket, PreconditionFailed } from '../../cli/bucket/bucket.ts';
import { EXIT, TransientError } from '../../cli/shared/errors.ts';
import { body, networkError, noSleep, s3Error } from './helpers.ts';

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const s3 = mockClient(client);
const bucket = new Bucket(client, 'site', noSleep);
const POINTER = '{"schema":1,"release":"r2"}';
const write = () => bucket.put('manifest.json', POINTER, { contentType: 'application/json', cacheControl: 'no-store', ifMatch: 'etag-1' });

beforeEach(() => s3.reset());

describe('conditional writes', () => {
  it('retries a 409 ConditionalRequestConflict with backoff, then succeeds', async () => {
    s3.on(PutObjectCommand).rejectsOnce(s3Error('ConditionalRequestConflict', 409)).resolves({});
    await expect(write()).resolves.toBeUndefined();
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(2);
  });

  it('a 409 on every attempt is contention (exit 7, re-run), not a lost race', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('ConditionalRequestConflict', 409));
    const error = await write().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).exitCode).toBe(EXIT.transient);
    const puts = s3.commandCalls(PutObjectCommand).length;
    expect(puts).toBeGreaterThan(1);
    expect((error as Error).message).toMatch(
      new RegExp(`409 ConditionalRequestConflict to all ${puts} attempts.*s3://site/manifest\\.json.*re-run`),
    );
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('a 409, then a 412 because the overlapping writer won: read back, another writer won', async () => {
    s3.on(PutObjectCommand).rejectsOnce(s3Error('ConditionalRequestConflict', 409)).rejects(s3Error('PreconditionFailed', 412));
    s3.on(GetObjectCommand, { Key: 'manifest.json' }).resolves({ Body: body('{"schema":1,"release":"other"}'), ETag: '"etag-3"' });
    await expect(write()).rejects.toBeInstanceOf(PreconditionFailed);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(2);
  });

  it('a 412 after a retried attempt whose write landed is a success (read back, same bytes)', async () => {
    s3.on(PutObjectCommand).rejectsOnce(s3Error('InternalError', 500)).rejects(s3Error('PreconditionFailed', 412));
    s3.on(GetObjectCommand, { Key: 'manifest.json' }).resolves({ Body: body(POINTER), ETag: '"etag-2"' });
    await expect(write()).resolves.toBeUndefined();
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
  });

  it('the same after a dropped connection', async () => {
    s3.on(PutObjectCommand).rejectsOnce(networkError('ECONNRESET')).rejects(s3Error('PreconditionFailed', 412));
    s3.on(GetObjectCommand, { Key: 'manifest.json' }).resolves({ Body: body(POINTER), ETag: '"etag-2"' });
    await expect(write()).resolves.toBeUndefined();
  });

  it('a 412 after a retried attempt when the object holds something else: another writer won', async () => {
    s3.on(PutObjectCommand).rejectsOnce(s3Error('InternalError', 500)).rejects(s3Error('PreconditionFailed', 412));
    s3.on(GetObjectCommand, { Key: 'manifest.json' }).resolves({ Body: body('{"schema":1,"release":"other"}'), ETag: '"etag-3"' });
    await expect(write()).rejects.toBeInstanceOf(PreconditionFailed);
  });

  it('a 412 on the first attempt is a lost race, without reading anything', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    await expect(write()).rejects.toBeInstanceOf(PreconditionFailed);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });
});
