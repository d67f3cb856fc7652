/**
 * Routes what is expected out of `npm test`'s output: the edge handler's JSON log lines (it
 * writes them straight to stdout, as CloudWatch wants) are dropped unless SHELLFRONT_TEST_LOGS=1.
 * Tests that check log lines capture them through the handler's injected logger, not stdout.
 */
if (process.env.SHELLFRONT_TEST_LOGS !== '1') {
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  const EDGE_LOG_LINE = /^\{"time":"[^"]*","level":"(?:info|warn|error)",/;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && EDGE_LOG_LINE.test(chunk)) {
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
}
