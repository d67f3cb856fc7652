/**
 * The entry: parses arguments (node:util parseArgs), builds the AWS clients, runs one command
 * and maps errors to the documented exit codes (cli/errors.ts EXIT). Commands are functions
 * with typed options in cli/commands/, called directly by tests.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createS3Client, resolveRegion } from './client.ts';
import { CliError, EXIT, UsageError, exitCodeOf } from './errors.ts';
import { HELP, COMMAND_HELP } from './help.ts';
import { parseDuration, parseWholeNumber, readConfigFile, splitList } from './inputs.ts';
import { readGitInfo } from './release-id.ts';
import { streamReporter } from './report.ts';
import { summarize } from './summary.ts';

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
}

const COMMON = {
  bucket: { type: 'string' },
  stack: { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const FLAGS = {
  deploy: {
    ...COMMON,
    release: { type: 'string' },
    config: { type: 'string' },
    message: { type: 'string', short: 'm' },
    'dry-run': { type: 'boolean' },
    concurrency: { type: 'string' },
    'asset-dirs': { type: 'string' },
    'git-sha': { type: 'string' },
    'git-ref': { type: 'string' },
  },
  rollback: { ...COMMON, to: { type: 'string' } },
  releases: { ...COMMON, limit: { type: 'string' } },
  prune: { ...COMMON, keep: { type: 'string' }, 'older-than': { type: 'string' }, 'dry-run': { type: 'boolean' }, 'drop-rollback-target': { type: 'boolean' } },
  verify: { ...COMMON, release: { type: 'string' } },
} as const satisfies Record<string, ParseArgsConfig['options']>;

type Command = keyof typeof FLAGS;

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
  const json = rest.includes('--json');
  try {
    if (!(command in FLAGS)) throw new UsageError(`Unknown command ${JSON.stringify(command)}. Commands: ${Object.keys(FLAGS).join(', ')}.`);
    const name = command as Command;
    let parsed;
    try {
      parsed = parseArgs({ args: [...rest], options: FLAGS[name], allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError(`${(error as Error).message}\nRun \`shellfront ${name} --help\` for its flags.`);
    }
    const values = parsed.values as Record<string, string | boolean | undefined>;
    if (values.help) {
      stdout.write(COMMAND_HELP[name]);
      return EXIT.ok;
    }
    const result = await execute(name, values, parsed.positionals, context, stderr, json);
    stdout.write(json ? `${JSON.stringify(result)}\n` : summarize(name, result));
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

async function execute(
  command: Command,
  values: Record<string, string | boolean | undefined>,
  positionals: string[],
  context: RunContext,
  stderr: NodeJS.WriteStream,
  json: boolean,
): Promise<unknown> {
  const env = context.env ?? process.env;
  const cwd = context.cwd ?? process.cwd();
  const text = (flag: string) => values[flag] as string | undefined;
  const flag = (flag: string) => values[flag] === true;
  const expected = command === 'deploy' ? 1 : 0;
  if (positionals.length !== expected) {
    throw new UsageError(
      command === 'deploy'
        ? `deploy takes one build folder, e.g. \`shellfront deploy dist --bucket my-site\`, got ${positionals.length ? positionals.join(' ') : 'none'}`
        : `${command} takes no positional arguments, got ${positionals.join(' ')}`,
    );
  }
  const region = resolveRegion(text('region'), env);
  const client = context.createS3Client?.(region) ?? createS3Client({ region, env, maxSockets: Number(text('concurrency') ?? 0) || 0, directPuts: true });
  const bucket = await resolveBucket(text('bucket'), text('stack'), region);
  const reporter = streamReporter(stderr);
  const quietReporter = json ? { ...reporter, info() {} } : reporter;
  const common = { client, bucket, reporter: quietReporter };

  switch (command) {
    case 'deploy': {
      const { deploy } = await import('./commands/deploy.ts');
      const configPath = text('config');
      const concurrency = parseWholeNumber('concurrency', text('concurrency'), 1);
      const assetDirs = splitList(text('asset-dirs'));
      const dist = resolve(cwd, positionals[0] as string);
      const git = await readGitInfo({
        buildDir: dist,
        env,
        ...(text('git-sha') !== undefined ? { sha: text('git-sha') as string } : {}),
        ...(text('git-ref') !== undefined ? { ref: text('git-ref') as string } : {}),
      });
      return deploy({
        ...common,
        dist,
        ...(text('release') !== undefined ? { release: text('release') as string } : {}),
        ...(text('message') !== undefined ? { message: text('message') as string } : {}),
        ...(configPath !== undefined ? { config: configPath === 'none' ? null : await readConfigFile(resolve(cwd, configPath)) } : {}),
        ...(concurrency !== undefined ? { concurrency } : {}),
        ...(assetDirs ? { assetDirs } : {}),
        ...(git ? { git } : {}),
        dryRun: flag('dry-run'),
      });
    }
    case 'rollback': {
      const { rollback } = await import('./commands/rollback.ts');
      return rollback({ ...common, ...(text('to') !== undefined ? { to: text('to') as string } : {}) });
    }
    case 'releases': {
      const { releases } = await import('./commands/releases.ts');
      const limit = parseWholeNumber('limit', text('limit'), 1);
      return releases({ ...common, ...(limit !== undefined ? { limit } : {}) });
    }
    case 'prune': {
      const { prune } = await import('./commands/prune.ts');
      const keep = parseWholeNumber('keep', text('keep'), 0);
      if (keep === undefined) throw new UsageError('prune needs --keep <n>: how many of the newest releases to keep (the live one and the rollback target are always kept)');
      const olderThanMs = parseDuration('older-than', text('older-than'));
      return prune({
        ...common,
        keep,
        ...(olderThanMs !== undefined ? { olderThanMs } : {}),
        dryRun: flag('dry-run'),
        dropRollbackTarget: flag('drop-rollback-target'),
      });
    }
    case 'verify': {
      const { verify } = await import('./commands/verify.ts');
      return verify({ ...common, ...(text('release') !== undefined ? { release: text('release') as string } : {}) });
    }
  }
}

async function resolveBucket(bucket: string | undefined, stack: string | undefined, region: string): Promise<string> {
  if (bucket !== undefined && stack !== undefined) throw new UsageError('Pass either --bucket or --stack, not both.');
  if (bucket !== undefined) {
    if (bucket.trim() === '') throw new UsageError('--bucket must name a bucket, got an empty string');
    return bucket;
  }
  if (stack === undefined) throw new UsageError('Which bucket? Pass --bucket <name>, or --stack <name> to read it from the stack outputs.');
  const { bucketFromStack, createCloudFormationClient } = await import('./stack.ts');
  return bucketFromStack(createCloudFormationClient(region), stack);
}
