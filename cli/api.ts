/**
 * The programmatic API (`import { deploy } from 'shellfront'`): the commands as functions with
 * typed options, the clients they take, and the errors they throw with their exit codes. The
 * `shellfront` bin is a thin entry over the same functions (cli/main.ts).
 */
export { deploy, type DeployOptions, type DeployResult } from './commands/deploy.ts';
export { prune, type PruneOptions, type PruneResult } from './commands/prune.ts';
export { releases, type ReleasesOptions, type ReleasesResult } from './commands/releases.ts';
export { rollback, type RollbackOptions, type RollbackResult } from './commands/rollback.ts';
export { verify, type VerifyOptions, type VerifyResult } from './commands/verify.ts';
export { createObjectWriter, createS3Client, resolveRegion, type ClientOptions } from './bucket/client.ts';
export {
  AwsAccessError,
  CliError,
  ConflictError,
  EXIT,
  IncompleteReleaseError,
  InputError,
  TransientError,
  UsageError,
} from './shared/errors.ts';
export type { Reporter } from './shared/report.ts';
