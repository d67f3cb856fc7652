/** The edge's log lines as CloudWatch Embedded Metric Format: the specification's required fields. */
import { describe, expect, it } from 'vitest';
import { METRIC_NAMESPACE, metricsOf, type LogRecord } from '../../lambda/log.ts';

/** What the EMF specification requires of a line for CloudWatch to extract its metrics. */
function expectValidEmf(line: Record<string, unknown>): void {
  const aws = line._aws as {
    Timestamp: unknown;
    CloudWatchMetrics: Array<{ Namespace: unknown; Dimensions: unknown; Metrics: Array<{ Name: string; Unit?: string }> }>;
  };
  expect(Number.isInteger(aws.Timestamp)).toBe(true);
  expect(Array.isArray(aws.CloudWatchMetrics) && aws.CloudWatchMetrics.length).toBeGreaterThan(0);
  for (const directive of aws.CloudWatchMetrics) {
    expect(typeof directive.Namespace).toBe('string');
    expect((directive.Namespace as string).length).toBeGreaterThan(0);
    const dimensionSets = directive.Dimensions as string[][];
    expect(Array.isArray(dimensionSets)).toBe(true);
    for (const set of dimensionSets) {
      expect(set.length).toBeLessThanOrEqual(30);
      for (const dimension of set) expect(typeof line[dimension]).toBe('string'); // each dimension's value at top level
    }
    expect(directive.Metrics.length).toBeLessThanOrEqual(100);
    for (const metric of directive.Metrics) {
      expect(typeof line[metric.Name]).toBe('number'); // each metric's value at top level
      expect(['Count', undefined]).toContain(metric.Unit);
    }
  }
}

const refresh = (outcome: string): LogRecord => ({
  level: outcome === 'error' ? 'error' : 'info',
  msg: 'manifest-refresh',
  outcome,
  bucket: 'site',
  release: 'r2',
});

describe('EMF log lines', () => {
  it.each([
    ['loaded', 0, 1],
    ['updated', 0, 1],
    ['unchanged', 0, 0],
    ['not-modified', 0, 0],
    ['error', 1, 0],
  ])('a %s refresh counts ManifestRefreshError=%i, ManifestUpdated=%i', (outcome, failed, updated) => {
    const line: Record<string, unknown> = { time: '…', ...refresh(outcome), ...metricsOf(refresh(outcome), 1_700_000_000_000) };
    expectValidEmf(line);
    expect(line).toMatchObject({ ManifestRefreshError: failed, ManifestUpdated: updated, Bucket: 'site', release: 'r2' });
    expect((line._aws as { CloudWatchMetrics: Array<{ Namespace: string }> }).CloudWatchMetrics[0]!.Namespace).toBe(METRIC_NAMESPACE);
  });

  it('counts handler errors, and leaves other lines alone', () => {
    const error: LogRecord = { level: 'error', msg: 'handler-error', error: { name: 'TypeError', message: 'x' } };
    const line: Record<string, unknown> = { ...error, ...metricsOf(error, 1) };
    expectValidEmf(line);
    expect(line).toMatchObject({ HandlerError: 1, Bucket: 'unknown' });
    expect(metricsOf({ level: 'warn', msg: 'config-invalid' }, 1)).toBeUndefined();
  });
});
