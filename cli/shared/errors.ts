/**
 * Errors the CLI reports to people: each has a documented exit code and a message that says
 * what went wrong and what to do. cli/main.ts maps them to the process exit code; anything
 * else is an unexpected error (exit 1).
 */

export const EXIT = {
  ok: 0,
  unexpected: 1,
  /** Bad flags or arguments. */
  usage: 2,
  /** The build folder, config file or a release record is not usable. */
  input: 3,
  /** Refused to overwrite: an asset would change, the release id exists, or another deploy won the race. */
  conflict: 4,
  /** A release is missing objects in the bucket (verify, rollback), or a build lacks files its index.html or bundler manifest reference (deploy). */
  incomplete: 5,
  /** AWS refused: access denied, bucket or stack not found, no credentials. */
  aws: 6,
  /** S3 or the network kept failing after retries. Nothing was switched; re-running is safe. */
  transient: 7,
  /** `--wait`: the release was switched, but the public URL did not serve it within the bound. */
  notLive: 8,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

export class InputError extends CliError {
  override name = 'InputError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.input, options);
  }
}

export class ConflictError extends CliError {
  override name = 'ConflictError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.conflict, options);
  }
}

export class IncompleteReleaseError extends CliError {
  override name = 'IncompleteReleaseError';
  readonly missing: readonly string[];
  constructor(message: string, missing: readonly string[]) {
    super(message, EXIT.incomplete);
    this.missing = missing;
  }
}

export class AwsAccessError extends CliError {
  override name = 'AwsAccessError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.aws, options);
  }
}

export class TransientError extends CliError {
  override name = 'TransientError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.transient, options);
  }
}

/** Adds what the failure means for the live site, keeping the error's class and exit code. */
export function withNote<E extends Error>(error: E, note: string): E {
  error.message = `${error.message}\n${note}`;
  return error;
}

export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof CliError ? error.exitCode : EXIT.unexpected;
}

/** Shows at most `limit` items of a list, saying how many more there are. */
export function listSome(items: readonly string[], limit = 10): string {
  const shown = items.slice(0, limit).map((item) => `  ${item}`);
  if (items.length > limit) shown.push(`  … and ${items.length - limit} more`);
  return shown.join('\n');
}
