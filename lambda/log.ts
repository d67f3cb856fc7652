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

/** The production logger: `{"time":…,"level":…,"msg":…,…}` on one line. */
export const jsonLogger: Logger = (record) => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
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
