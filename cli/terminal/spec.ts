/**
 * One definition per command (cli/terminal/specs.ts): its flags with their help, its usage text, how its
 * options are checked (before any network call), how it runs and how its result reads. The
 * entry (cli/main.ts), `--help` and the argument errors are all derived from it.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DirectPut } from '../bucket/direct-put.ts';
import { UsageError } from '../shared/errors.ts';
import type { Reporter } from '../shared/report.ts';
import type { RetryOptions } from '../bucket/retry.ts';

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** The value's placeholder in help: `<id>`. */
  readonly value?: string;
  readonly help: string;
}

/** What a command's options step gets: parsed flags, positionals and the process context. */
export interface ParsedInput {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** What a command's run step gets once options are valid and the bucket is known. */
export interface Target {
  readonly client: S3Client;
  readonly bucket: string;
  readonly reporter: Reporter;
  readonly retry: RetryOptions;
  /** Plain PUTs as signed HTTP requests (cli/bucket/direct-put.ts), when the client was built for uploads. */
  readonly objectWriter?: DirectPut;
  /** The stack's outputs by key, with `--stack` (contracts/stack-outputs.ts OUTPUT_KEYS); empty with `--bucket`. */
  readonly stackOutputs?: Readonly<Record<string, string>>;
}

export interface CommandSpec<Options = unknown, Result = unknown> {
  readonly name: string;
  /** One line for `shellfront --help`. */
  readonly summary: string;
  /** After the command name: `<dist>`. */
  readonly positional?: string;
  readonly description: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Parses and validates the options: usage and input errors only, never a network call. */
  options(input: ParsedInput): Options | Promise<Options>;
  /** Sockets the S3 client needs for these options (uploads). */
  sockets?(options: Options): number;
  run(options: Options, target: Target): Promise<Result>;
  /** The result for a person (stdout); `--json` prints the result itself. */
  render(result: Result): string;
  /** Markdown for the GitHub Actions run page ($GITHUB_STEP_SUMMARY), when the command has one. */
  stepSummary?(result: Result): string;
}

/** Flags every command takes: where the bucket is, and how to print. */
export const COMMON_FLAGS = {
  bucket: { type: 'string', value: '<name>', help: 'the site bucket' },
  stack: { type: 'string', value: '<name>', help: "or read it from the CloudFormation stack's BucketName output" },
  region: { type: 'string', value: '<region>', help: 'default AWS_REGION, AWS_DEFAULT_REGION, then us-east-1' },
  json: { type: 'boolean', help: 'print one JSON object as the last line of stdout' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
} as const satisfies Record<string, FlagSpec>;

export function allFlags(spec: CommandSpec): Record<string, FlagSpec> {
  return { ...spec.flags, ...COMMON_FLAGS };
}

export function helpFor(spec: CommandSpec): string {
  const flags = Object.entries(allFlags(spec)).map(([name, flag]) => {
    const left = `--${name}${flag.short ? `, -${flag.short}` : ''}${flag.value ? ` ${flag.value}` : ''}`;
    return `  ${left.padEnd(26)} ${flag.help.replaceAll('\n', `\n${' '.repeat(29)}`)}`;
  });
  return `shellfront ${spec.name}${spec.positional ? ` ${spec.positional}` : ''} (--bucket <b> | --stack <s>) [flags]\n\n${spec.description}\n\n${flags.join('\n')}\n`;
}

/**
 * Parses one command's arguments. An unknown flag gets "did you mean"; a negative number after a
 * flag that takes a value (`--keep -1`) is taken as its value, so its own check can say what is
 * wrong with it.
 */
export function parseCommandArgs(
  spec: CommandSpec,
  args: readonly string[],
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const flags = allFlags(spec);
  const shorts = new Map(Object.entries(flags).flatMap(([name, flag]) => (flag.short ? [[flag.short, name] as const] : [])));
  const joined: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === '--') {
      joined.push(...args.slice(index));
      break;
    }
    const name = arg.startsWith('--')
      ? (arg.slice(2).split('=')[0] ?? '')
      : arg.startsWith('-') && arg.length === 2
        ? shorts.get(arg.slice(1))
        : undefined;
    if (arg.startsWith('-') && arg !== '-' && !/^-\d/.test(arg) && (name === undefined || !(name in flags))) {
      throw new UsageError(
        `Unknown flag ${arg.split('=')[0]} for \`shellfront ${spec.name}\`.${didYouMean(arg, flags)} Run \`shellfront ${spec.name} --help\` for its flags.`,
      );
    }
    const next = args[index + 1];
    if (name && flags[name]?.type === 'string' && !arg.includes('=') && next !== undefined && /^-[\d.]/.test(next)) {
      joined.push(`${arg}=${next}`);
      index++;
      continue;
    }
    joined.push(arg);
  }
  const options = Object.fromEntries(
    Object.entries(flags).map(([name, flag]) => [name, { type: flag.type, ...(flag.short ? { short: flag.short } : {}) }]),
  ) as ParseArgsConfig['options'];
  try {
    const parsed = parseArgs({ args: joined, options, allowPositionals: true, strict: true });
    return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
  } catch (error) {
    // parseArgs' own words for what is left: a missing value, a value on a boolean flag.
    const message = (error as Error).message.replace(/ To specify an option argument.*$/s, '');
    throw new UsageError(`${message}\nRun \`shellfront ${spec.name} --help\` for its flags.`);
  }
}

/** Whether `--json` was asked for, read leniently (for errors raised before strict parsing). */
export function wantsJson(args: readonly string[]): boolean {
  try {
    return (
      parseArgs({ args: [...args], options: { json: { type: 'boolean' } }, strict: false, allowPositionals: true }).values.json === true
    );
  } catch {
    return false;
  }
}

function didYouMean(arg: string, flags: Record<string, FlagSpec>): string {
  const given = arg.replace(/^-+/, '').split('=')[0] ?? '';
  const best = closest(given, Object.keys(flags));
  return best ? ` Did you mean --${best}?` : '';
}

/** The candidate nearest to `word` by edit distance, when near enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
