/**
 * The entry: finds the command's spec (cli/terminal/specs.ts), parses and checks its options, then (and
 * only then) builds the AWS clients and resolves the bucket, runs it, prints the result, and maps
 * errors to the documented exit codes (cli/shared/errors.ts EXIT). A usage error never touches the network.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { appendFileSync } from 'node:fs';
import { CliError, EXIT, UsageError, exitCodeOf } from './shared/errors.ts';
import { HELP } from './terminal/help.ts';
import { streamReporter, type Reporter } from './shared/report.ts';
import type { RetryOptions } from './bucket/retry.ts';
import { closest, helpFor, parseCommandArgs, wantsJson, type CommandSpec } from './terminal/spec.ts';
import { SPECS, type CommandName } from './terminal/specs.ts';
import type { StackInfo } from './bucket/stack.ts';

export interface RunContext {
  readonly argv: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WriteStream;
  /** The package version, for `--version` (bin/shellfront.mjs reads it from package.json). */
  readonly version?: string;
  /** Tests inject a client; otherwise one is built from the environment. */
  readonly createS3Client?: (region: string) => S3Client;
  /** Tests inject the stack lookup (the bucket, or the bucket and the outputs); otherwise CloudFormation is asked. */
  readonly bucketFromStack?: (stack: string, region: string) => Promise<string | StackInfo>;
}

export async function run(context: RunContext): Promise<number> {
  const stdout = context.stdout ?? process.stdout;
  const stderr = context.stderr ?? process.stderr;
  const [command, ...rest] = context.argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    stdout.write(HELP);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === '--version' || command === 'version') {
    stdout.write(`${context.version ?? 'unknown'}\n`);
    return EXIT.ok;
  }
  const json = wantsJson(rest);
  try {
    const spec = findSpec(command) as CommandSpec;
    const { values, positionals } = parseCommandArgs(spec, rest);
    if (values.help) {
      stdout.write(helpFor(spec));
      return EXIT.ok;
    }
    const env = context.env ?? process.env;
    // 1. Options: usage and input errors, no network.
    const options = await spec.options({ values, positionals, cwd: context.cwd ?? process.cwd(), env });
    const where = bucketSource(values.bucket as string | undefined, values.stack as string | undefined);
    // 2. Clients and the bucket. The SDK loads only now: `--help` and usage errors never pay for it.
    const { createObjectWriter, createS3Client, resolveRegion } = await import('./bucket/client.ts');
    const region = resolveRegion(values.region as string | undefined, env);
    const reporter = streamReporter(stderr);
    const quiet: Reporter = json ? { ...reporter, info() {} } : reporter;
    const sockets = spec.sockets?.(options) ?? 0;
    const client = context.createS3Client?.(region) ?? createS3Client({ region, env, maxSockets: sockets });
    const objectWriter = context.createS3Client ? undefined : createObjectWriter(client, { env, maxSockets: sockets });
    const found = where.bucket !== undefined ? where.bucket : await (context.bucketFromStack ?? lookUpStack)(where.stack, region);
    const { bucket, outputs } = typeof found === 'string' ? { bucket: found, outputs: {} } : found;
    // 3. The command.
    try {
      const result = await spec.run(options, {
        client,
        bucket,
        reporter: quiet,
        retry: retryReporting(reporter),
        stackOutputs: outputs,
        ...(objectWriter ? { objectWriter } : {}),
      });
      stdout.write(json ? `${JSON.stringify(result)}\n` : spec.render(result));
      // GitHub Actions shows this file on the run's page: what went out, in a few lines.
      if (env.GITHUB_STEP_SUMMARY && spec.stepSummary) appendFileSync(env.GITHUB_STEP_SUMMARY, `${spec.stepSummary(result)}\n`);
    } finally {
      // Keep-alive sockets would hold the process open until S3 closes them (up to ~20 s).
      objectWriter?.destroy();
      if (!context.createS3Client) client.destroy();
    }
    return EXIT.ok;
  } catch (error) {
    const code = exitCodeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    stderr.write(`${error instanceof CliError ? 'error' : 'unexpected error'}: ${message}\n`);
    if (!(error instanceof CliError) && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
    if (json) {
      const name = error instanceof Error ? error.name : 'Error';
      stdout.write(`${JSON.stringify({ error: { name, message, exitCode: code } })}\n`);
    }
    return code;
  }
}

function findSpec(command: string): CommandSpec<unknown, unknown> {
  if (Object.hasOwn(SPECS, command)) return SPECS[command as CommandName] as unknown as CommandSpec<unknown, unknown>;
  const guess = closest(command, Object.keys(SPECS));
  throw new UsageError(
    `Unknown command ${JSON.stringify(command)}.${guess ? ` Did you mean \`shellfront ${guess}\`?` : ''} Commands: ${Object.keys(SPECS).join(', ')}.`,
  );
}

function bucketSource(
  bucket: string | undefined,
  stack: string | undefined,
): { bucket: string; stack?: never } | { bucket?: never; stack: string } {
  if (bucket !== undefined && stack !== undefined) throw new UsageError('Pass either --bucket or --stack, not both.');
  if (bucket !== undefined) {
    if (bucket.trim() === '') throw new UsageError('--bucket must name a bucket, got an empty string');
    return { bucket };
  }
  if (stack === undefined || stack.trim() === '')
    throw new UsageError('Which bucket? Pass --bucket <name>, or --stack <name> to read it from the stack outputs.');
  return { stack };
}

async function lookUpStack(stack: string, region: string): Promise<StackInfo> {
  const { readStack, createCloudFormationClient } = await import('./bucket/stack.ts');
  return readStack(createCloudFormationClient(region), stack);
}

/** Says once every few seconds that S3 is throttling or failing and the CLI is backing off. */
function retryReporting(reporter: Reporter, now: () => number = Date.now): RetryOptions {
  let last = -Infinity;
  return {
    onRetry(error, attempt, delayMs) {
      if (now() - last < 5000) return;
      last = now();
      const name = (error as Error | undefined)?.name ?? 'error';
      reporter.warn(`S3 answered ${name}; retrying (attempt ${attempt + 1}) in ${Math.round(delayMs)} ms…`);
    },
  };
}
