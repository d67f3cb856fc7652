/**
 * Retries with exponential backoff and full jitter for throttling, 5xx answers and network
 * failures. The S3 client itself is built with maxAttempts 1 so this is the one retry policy
 * (and tests with a mocked client exercise it).
 */

export interface RetryOptions {
  /** Total attempts, including the first. @default 6 */
  readonly attempts?: number;
  /** First backoff ceiling in ms; doubles each attempt. @default 200 */
  readonly baseDelayMs?: number;
  /** Largest backoff ceiling in ms. @default 8000 */
  readonly maxDelayMs?: number;
  /** Replaced in tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each retry (the progress line shows throttling). */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export const DEFAULT_RETRY = { attempts: 6, baseDelayMs: 200, maxDelayMs: 8000 } as const;

const RETRYABLE_NAMES = new Set([
  // S3's 409 when two conditional writes to one key overlap; S3 documents retrying it.
  'ConditionalRequestConflict',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
  'NetworkingError',
]);

const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

export function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

export function isThrottling(error: unknown): boolean {
  const name = (error as Error | undefined)?.name ?? '';
  return name === 'SlowDown' || name.startsWith('Throttl') || name === 'TooManyRequestsException' || httpStatusOf(error) === 429;
}

/** A network failure: the request may never have reached S3. */
export function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  const name = (error as Error | undefined)?.name ?? '';
  return (code !== undefined && RETRYABLE_CODES.has(code)) || name === 'TimeoutError' || name === 'NetworkingError';
}

export function isRetryable(error: unknown): boolean {
  const status = httpStatusOf(error);
  const name = (error as Error | undefined)?.name ?? '';
  return (
    RETRYABLE_NAMES.has(name) || isThrottling(error) || isNetworkError(error) || (status !== undefined && status >= 500 && status !== 501)
  );
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? DEFAULT_RETRY.attempts;
  const base = options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const max = options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      // Throttling deserves a longer pause than a dropped connection.
      const ceiling = Math.min(max, base * 2 ** (attempt - 1) * (isThrottling(error) ? 2 : 1));
      const delay = Math.round(Math.random() * ceiling);
      options.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
