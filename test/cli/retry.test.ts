import { describe, expect, it } from 'vitest';
import { isRetryable, withRetry } from '../../cli/bucket/retry.ts';
import { networkError, s3Error } from './helpers.ts';

describe('retry policy', () => {
  it.each([
    ['SlowDown 503', s3Error('SlowDown', 503), true],
    ['500 InternalError', s3Error('InternalError', 500), true],
    ['429', s3Error('TooManyRequestsException', 429), true],
    ['ECONNRESET', networkError('ECONNRESET'), true],
    ['ECONNREFUSED', networkError('ECONNREFUSED'), true],
    ['AccessDenied 403', s3Error('AccessDenied', 403), false],
    ['NoSuchBucket 404', s3Error('NoSuchBucket', 404), false],
    ['PreconditionFailed 412', s3Error('PreconditionFailed', 412), false],
    ['501 NotImplemented', s3Error('NotImplemented', 501), false],
  ])('%s retryable: %s', (_label, error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });

  it('retries until success, with growing backoff ceilings', async () => {
    const delays: number[] = [];
    let calls = 0;
    const value = await withRetry(
      async () => {
        if (++calls < 4) throw s3Error('InternalError', 500);
        return 'done';
      },
      { attempts: 5, baseDelayMs: 100, sleep: async (ms) => void delays.push(ms) },
    );
    expect(value).toBe('done');
    expect(calls).toBe(4);
    delays.forEach((delay, index) => expect(delay).toBeLessThanOrEqual(100 * 2 ** index));
  });

  it('does not retry what cannot succeed', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw s3Error('AccessDenied', 403);
      }),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(calls).toBe(1);
  });
});
