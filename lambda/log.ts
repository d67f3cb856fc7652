/**
 * Structured logs: one JSON line per manifest refresh outcome and per error, nothing per
 * successful request. Written straight to stdout so CloudWatch gets the line unprefixed.
 */

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogRecord {
  readonly level: LogLevel;
  /** What happened, e.g. `manifest-refresh`, `config-invalid`, `handler-error`. */
  readonly msg: string;
  readonly [field: string]: unknown;
}

export type Logger = (record: LogRecord) => void;

/** The namespace of the metrics the function's log lines carry. */
export const METRIC_NAMESPACE = 'Shellfront/Edge';

/**
 * The CloudWatch Embedded Metric Format envelope for a log line that is worth counting: a manifest
 * refresh (`ManifestRefreshError` 0/1, `ManifestUpdated` 0/1) or a handler error (`HandlerError`).
 * CloudWatch Logs turns it into metrics in whichever Region the edge location logged, with no SDK
 * call and no extra latency. Dimension: the bucket (the release id stays a plain field, searchable
 * in Logs Insights: a dimension per release would create a metric per deploy).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export function metricsOf(record: LogRecord, timestamp: number): Record<string, unknown> | undefined {
  let values: Record<string, number> | undefined;
  if (record.msg === 'manifest-refresh') {
    values = {
      ManifestRefreshError: record.outcome === 'error' ? 1 : 0,
      ManifestUpdated: record.outcome === 'loaded' || record.outcome === 'updated' ? 1 : 0,
    };
  } else if (record.level === 'error') {
    values = { HandlerError: 1 };
  }
  if (!values) return undefined;
  const bucket = typeof record.bucket === 'string' ? record.bucket : 'unknown';
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [['Bucket']],
          Metrics: Object.keys(values).map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    Bucket: bucket,
    ...values,
  };
}

/** The production logger: `{"time":…,"level":…,"msg":…,…}` on one line, with EMF metrics when it counts. */
export const jsonLogger: Logger = (record) => {
  const now = Date.now();
  process.stdout.write(`${JSON.stringify({ time: new Date(now).toISOString(), ...record, ...metricsOf(record, now) })}\n`);
};

/** A logger that drops everything (benchmarks). */
export const silentLogger: Logger = () => {};

export interface ErrorFields {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly status?: number;
}

/** The loggable part of an error: name, message, and the S3 code/status when known. Never a stack. */
export function errorFields(error: unknown): ErrorFields {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const extra = error as Error & { code?: unknown; status?: unknown };
  return {
    name: error.name,
    message: error.message.length > 500 ? `${error.message.slice(0, 500)}…` : error.message,
    ...(typeof extra.code === 'string' ? { code: extra.code } : {}),
    ...(typeof extra.status === 'number' ? { status: extra.status } : {}),
  };
}
