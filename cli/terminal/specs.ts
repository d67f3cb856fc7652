/**
 * Every command, defined once: flags and help, options checked before any network call, the
 * run (its module is loaded only when it runs), and how its result reads on a terminal.
 */
import { resolve } from 'node:path';
import type { DeployOptions, DeployResult } from '../commands/deploy.ts';
import type { PruneResult } from '../commands/prune.ts';
import type { ReleasesResult } from '../commands/releases.ts';
import type { RollbackResult } from '../commands/rollback.ts';
import type { VerifyResult } from '../commands/verify.ts';
import { releaseIdProblem } from '../../contracts/release.ts';
import { UsageError } from '../shared/errors.ts';
import { parseDuration, parseWholeNumber, readConfigFile, splitList } from './inputs.ts';
import { readGitInfo } from '../release/release-id.ts';
import { normalizeFileExtensions } from '../rules/read.ts';
import type { StatusResult } from '../commands/status.ts';
import { PRODUCTION_CHANNEL } from '../../contracts/channels.ts';
import { channelFlags, channelOption, channels, onChannel, previewDomainFlags, previewDomainOption } from './channel-specs.ts';
import { siteUrl, type WaitResult } from '../commands/wait.ts';
import { type WaitInput, waited, waitFlags, waitLine, waitOption } from './wait-specs.ts';
import { count, formatBytes } from '../shared/report.ts';
import type { CommandSpec, ParsedInput } from './spec.ts';
import { DEFAULT_CONCURRENCY } from '../release/upload.ts';

const text = (input: ParsedInput, flag: string) => input.values[flag] as string | undefined;
const flag = (input: ParsedInput, name: string) => input.values[name] === true;
const releaseFlag = { type: 'string', value: '<id>', help: 'a release id' } as const;

/** A release id flag, checked before any network call (the commands check it again when called directly). */
function releaseIdOption(input: ParsedInput, name: string): string | undefined {
  const value = text(input, name);
  const problem = value === undefined ? undefined : releaseIdProblem(value);
  if (problem) throw new UsageError(`--${name} ${problem}`);
  return value;
}

function noPositionals(input: ParsedInput, command: string): void {
  if (input.positionals.length > 0) throw new UsageError(`${command} takes no positional arguments, got ${input.positionals.join(' ')}`);
}

type DeployInput = Omit<DeployOptions, 'client' | 'bucket' | 'reporter' | 'retry' | 'objectWriter'> & {
  concurrency: number;
  previewDomain?: string;
} & WaitInput;

const deploy: CommandSpec<DeployInput, DeployResult & { url?: string; wait?: WaitResult }> = {
  name: 'deploy',
  summary: 'upload a build as a new release and make it live',
  positional: '<dist>',
  description:
    "Uploads a build as a new release and makes it live: missing hashed assets, the release's own\n" +
    'files, the release record, a completeness check, then the live pointer (a conditional write).\n' +
    'A build that references files it lacks is refused before anything is written (exit 5).',
  flags: {
    release: { type: 'string', value: '<id>', help: 'release id (default: UTC time + short git sha)' },
    message: { type: 'string', short: 'm', value: '<text>', help: 'note shown by `shellfront releases`' },
    config: {
      type: 'string',
      value: '<file.json>',
      help: "runtime config injected into the shell (default: keep the live one's; none: drop it)",
    },
    'asset-dirs': {
      type: 'string',
      value: '<a/,b/>',
      help: 'hashed asset folders (default by build: Vite assets/, CRA static/, Vue CLI js/ css/ img/ fonts/ media/);\neach needs a stack assetPathPatterns entry (static/ = /static/*)',
    },
    'file-extensions': {
      type: 'string',
      value: '<a,b>',
      help: 'extensions that also mean "a file" for this release (404 when missing, never the app), e.g. usdz,glb',
    },
    'git-sha': {
      type: 'string',
      value: '<sha>',
      help: 'the commit the build came from (default: GITHUB_SHA, else git in the build folder)',
    },
    'git-ref': { type: 'string', value: '<ref>', help: "its branch or tag (default: GITHUB_REF_NAME, else the build folder's branch)" },
    concurrency: { type: 'string', value: '<n>', help: `parallel uploads (default ${DEFAULT_CONCURRENCY})` },
    'dry-run': { type: 'boolean', help: 'read the bucket and report what would be uploaded; write nothing' },
    ...channelFlags,
    ...previewDomainFlags,
    ...waitFlags,
  },
  async options(input) {
    if (input.positionals.length !== 1) {
      throw new UsageError(
        `deploy takes one build folder, e.g. \`shellfront deploy dist --bucket my-site\`, got ${input.positionals.length ? input.positionals.join(' ') : 'none'}`,
      );
    }
    const dist = resolve(input.cwd, input.positionals[0] as string);
    const configPath = text(input, 'config');
    const assetDirs = splitList(text(input, 'asset-dirs'));
    const fileExtensions = splitList(text(input, 'file-extensions'));
    if (fileExtensions) normalizeFileExtensions(fileExtensions);
    const message = text(input, 'message');
    const release = releaseIdOption(input, 'release');
    const git = await readGitInfo({
      buildDir: dist,
      env: input.env,
      ...(text(input, 'git-sha') !== undefined ? { sha: text(input, 'git-sha') as string } : {}),
      ...(text(input, 'git-ref') !== undefined ? { ref: text(input, 'git-ref') as string } : {}),
    });
    return {
      dist,
      concurrency: parseWholeNumber('concurrency', text(input, 'concurrency'), 1) ?? DEFAULT_CONCURRENCY,
      ...(release !== undefined ? { release } : {}),
      ...(message !== undefined ? { message } : {}),
      ...(configPath !== undefined ? { config: configPath === 'none' ? null : await readConfigFile(resolve(input.cwd, configPath)) } : {}),
      ...(assetDirs ? { assetDirs } : {}),
      ...(fileExtensions ? { fileExtensions } : {}),
      ...(git ? { git } : {}),
      dryRun: flag(input, 'dry-run'),
      ...channelOption(input),
      ...previewDomainOption(input),
      ...waitOption(input),
    };
  },
  sockets: (options) => options.concurrency,
  async run(options, target) {
    const { deploy: run } = await import('../commands/deploy.ts');
    const { channelAddress } = await import('../channels/channels.ts');
    const { wait, previewDomain, ...deployOptions } = options;
    const result = await run({ ...deployOptions, ...target });
    const url = channelAddress(result.channel, { previewDomain, stackOutputs: target.stackOutputs });
    return waited({ ...result, ...(url ? { url } : {}) }, { ...(wait ? { wait } : {}) }, target, result.live);
  },
  render(r) {
    const at = r.url ? `  url: ${r.url}\n` : '';
    if (r.unchanged) {
      return `Unchanged: ${r.release} is live${onChannel(r.channel)} in s3://${r.bucket} with this exact build (complete); nothing was written\n${at}`;
    }
    const head = r.dryRun
      ? `Dry run for ${r.release}${onChannel(r.channel)}: nothing was written; a deploy would upload`
      : `Deployed ${r.release} to s3://${r.bucket}: live${onChannel(r.channel)} now${r.channel === PRODUCTION_CHANNEL ? '' : ' (production untouched)'}. Uploaded`;
    return (
      `${head}\n` +
      `  assets: ${count(r.assets.uploaded, 'new asset')} (${formatBytes(r.assets.bytesUploaded)}), ${r.assets.skipped} of ${count(r.assets.total, 'asset')} already in the bucket\n` +
      `  release files: ${count(r.files.uploaded, 'file')} (${formatBytes(r.files.bytesUploaded)})\n` +
      (r.previous && !r.dryRun
        ? `  previous: ${r.previous} (\`shellfront rollback${r.channel === PRODUCTION_CHANNEL ? '' : ` --channel ${r.channel}`}\` brings it back)\n`
        : '') +
      (r.dryRun ? '' : at) +
      waitLine(r.wait)
    );
  },
  stepSummary: (r) =>
    `### shellfront deploy: ${r.dryRun ? 'dry run' : r.unchanged ? 'unchanged' : 'live'}\n\n| | |\n|---|---|\n| release | \`${r.release}\` |\n| channel | \`${r.channel}\` |\n| bucket | \`${r.bucket}\` |\n` +
    (r.url && !r.dryRun ? `| url | ${r.url} |\n` : '') +
    `| uploaded | ${count(r.assets.uploaded, 'asset')}, ${count(r.files.uploaded, 'release file')} (${formatBytes(r.bytesUploaded)}) |\n` +
    (r.previous ? `| previous | \`${r.previous}\` |\n` : '') +
    (r.wait ? `| live at | ${r.wait.url} after ${(r.wait.liveAfterMs / 1000).toFixed(1)} s |\n` : ''),
};

const rollback: CommandSpec<{ to?: string; channel?: string } & WaitInput, RollbackResult & { wait?: WaitResult }> = {
  name: 'rollback',
  summary: 'make the previous (or --to <id>) release live again',
  description: 'Makes the previous live release (or --to <id>) live again after checking all its objects exist.',
  flags: {
    to: { ...releaseFlag, help: 'the release to make live (default: the one live before, skipping pruned ones)' },
    ...channelFlags,
    ...waitFlags,
  },
  options(input) {
    noPositionals(input, 'rollback');
    const to = releaseIdOption(input, 'to');
    return { ...(to !== undefined ? { to } : {}), ...channelOption(input), ...waitOption(input) };
  },
  async run(options, target) {
    const { rollback: run } = await import('../commands/rollback.ts');
    const { wait, ...rollbackOptions } = options;
    const result = await run({ ...rollbackOptions, ...target });
    return waited(result, { ...(wait ? { wait } : {}) }, target, true);
  },
  render: (r) =>
    (r.changed
      ? `Rolled back s3://${r.bucket}${onChannel(r.channel)}: ${r.release} is live (was ${r.previous}; \`shellfront rollback --to ${r.previous}${r.channel === PRODUCTION_CHANNEL ? '' : ` --channel ${r.channel}`}\` undoes this)\n`
      : `${r.release} was already live${onChannel(r.channel)}; nothing was written\n`) + waitLine(r.wait),
  stepSummary: (r) =>
    `### shellfront rollback: \`${r.release}\` live\n\n| | |\n|---|---|\n| release | \`${r.release}\` |\n| channel | \`${r.channel}\` |\n| was | \`${r.previous}\` |\n| bucket | \`${r.bucket}\` |\n` +
    (r.wait ? `| live at | ${r.wait.url} after ${(r.wait.liveAfterMs / 1000).toFixed(1)} s |\n` : ''),
};

const status: CommandSpec<{ url?: URL; channel?: string }, StatusResult> = {
  name: 'status',
  summary: 'the live release, since when, the one before, whether complete, what the URL serves',
  description:
    'Shows the live release, when it went live, the previous one, and whether it is complete (the verify check);\n' +
    "with --url, what the site's public URL serves right now (through CloudFront's cache) and whether that matches.",
  flags: { url: { type: 'string', value: '<url>', help: "the site's public URL, e.g. https://www.example.com" }, ...channelFlags },
  options(input) {
    noPositionals(input, 'status');
    const url = text(input, 'url');
    return { ...(url !== undefined ? { url: siteUrl('--url', url) } : {}), ...channelOption(input) };
  },
  async run(options, target) {
    const { status: run } = await import('../commands/status.ts');
    return run({ ...options, ...target });
  },
  render: (r) =>
    (r.channel === PRODUCTION_CHANNEL ? '' : `channel: ${r.channel}\n`) +
    (r.live
      ? `live: ${r.live} since ${r.liveSince}\nprevious: ${r.previous ?? 'none'}\n`
      : `nothing is live${onChannel(r.channel)} in s3://${r.bucket}\n`) +
    (r.live ? (r.complete ? 'complete: yes\n' : `complete: NO\n${r.problems.map((p) => `  ${p}`).join('\n')}\n`) : '') +
    (r.url
      ? `${r.url.url} serves ${r.url.serves ?? `no release header (HTTP ${r.url.status})`}${r.url.matches ? ' (matches)' : r.live ? ' (NOT the live release yet)' : ''}\n`
      : ''),
  stepSummary: (r) =>
    `### shellfront status\n\n| | |\n|---|---|\n| channel | \`${r.channel}\` |\n| live | \`${r.live ?? 'none'}\` since ${r.liveSince ?? '-'} |\n| previous | \`${r.previous ?? 'none'}\` |\n| complete | ${r.complete ? 'yes' : 'NO'} |\n` +
    (r.url ? `| ${r.url.url} | serves \`${r.url.serves ?? '-'}\` ${r.url.matches ? '(matches)' : '(does not match)'} |\n` : ''),
};

const releases: CommandSpec<{ limit?: number; channel?: string }, ReleasesResult> = {
  name: 'releases',
  summary: 'list releases and which one is live',
  description: 'Lists releases, newest first: time, size, commit (and where it was read), message, and which one is live.',
  flags: { limit: { type: 'string', value: '<n>', help: 'show at most n releases' }, ...channelFlags },
  options(input) {
    noPositionals(input, 'releases');
    const limit = parseWholeNumber('limit', text(input, 'limit'), 1);
    return { ...(limit !== undefined ? { limit } : {}), ...channelOption(input) };
  },
  async run(options, target) {
    const { releases: run } = await import('../commands/releases.ts');
    return run({ ...options, ...target });
  },
  render(r) {
    if (r.releases.length === 0) return `No releases in s3://${r.bucket}\n`;
    const rows = r.releases.map((release) =>
      [
        release.live ? '*' : ' ',
        release.id.padEnd(26),
        (release.createdAt ?? '?').slice(0, 19).replace('T', ' ').padEnd(20),
        (release.bytes === null ? 'unreadable' : formatBytes(release.bytes)).padStart(10),
        (release.gitSha ? `${release.gitSha.slice(0, 7)}${release.gitSource ? ` (${release.gitSource})` : ''}` : '-').padEnd(9),
        [release.problem ?? release.message ?? '', ...(release.channels.length ? [`[${release.channels.join(', ')}]`] : [])].join(' '),
      ].join(' '),
    );
    return `${rows.join('\n')}\n${r.live ? `* live${onChannel(r.channel)}: ${r.live}` : `nothing is live${onChannel(r.channel)}`} (${count(r.total, 'release')})\n`;
  },
};

const prune: CommandSpec<
  { keep: number; olderThanMs?: number; channelsOlderThanMs?: number; dryRun: boolean; dropRollbackTarget: boolean },
  PruneResult
> = {
  name: 'prune',
  summary: 'delete old releases and unreferenced assets',
  description:
    'Keeps the <n> newest releases, plus what every channel serves and what its `rollback` would go to;\n' +
    'deletes the other releases, and assets no kept release uses once they are older than --older-than.\n' +
    '--channels-older-than first deletes preview channels not deployed for that long (never production).',
  flags: {
    keep: { type: 'string', value: '<n>', help: 'how many of the newest releases to keep (0 or more; required)' },
    'older-than': { type: 'string', value: '<d>', help: 'grace period for unreferenced assets (default 7d; units m h d w, or 0)' },
    'dry-run': { type: 'boolean', help: 'report what would be deleted, delete nothing' },
    'drop-rollback-target': { type: 'boolean', help: 'also allow deleting the release `rollback` would go to' },
    'channels-older-than': {
      type: 'string',
      value: '<d>',
      help: 'first delete preview channels whose pointer is older than this (e.g. 30d; never production)',
    },
  },
  options(input) {
    noPositionals(input, 'prune');
    const keep = parseWholeNumber('keep', text(input, 'keep'), 0);
    if (keep === undefined) {
      throw new UsageError(
        'prune needs --keep <n>: how many of the newest releases to keep (the live one and the rollback target are always kept)',
      );
    }
    const olderThanMs = parseDuration('older-than', text(input, 'older-than'));
    const channelsOlderThanMs = parseDuration('channels-older-than', text(input, 'channels-older-than'));
    return {
      keep,
      ...(olderThanMs !== undefined ? { olderThanMs } : {}),
      ...(channelsOlderThanMs !== undefined ? { channelsOlderThanMs } : {}),
      dryRun: flag(input, 'dry-run'),
      dropRollbackTarget: flag(input, 'drop-rollback-target'),
    };
  },
  async run(options, target) {
    const { prune: run } = await import('../commands/prune.ts');
    return run({ ...options, ...target });
  },
  render: (r) =>
    `${r.dryRun ? 'Dry run: would delete' : 'Deleted'} ${r.deletedChannels.length ? `${count(r.deletedChannels.length, 'channel')} (${r.deletedChannels.join(', ')}), ` : ''}` +
    `${count(r.deletedReleases.length, 'release')}, ${count(r.deletedFiles, 'release file')}, ` +
    `${count(r.deletedAssets, 'asset')} (${formatBytes(r.bytesFreed)}); kept ${r.kept.join(', ') || 'none'}` +
    (r.assetsInGrace ? `; ${count(r.assetsInGrace, 'unreferenced asset')} still in the grace period` : '') +
    `; afterwards \`shellfront rollback\` ${r.rollbackTarget ? `goes to ${r.rollbackTarget}` : 'has nothing to go to'}\n`,
};

const verify: CommandSpec<{ release?: string; channel?: string }, VerifyResult> = {
  name: 'verify',
  summary: 'check the live release is complete',
  description:
    'Checks that the live (or named) release is complete in the bucket, and that its index.html\nloads nothing the bucket lacks. Exit 5 when it is not.',
  flags: { release: { ...releaseFlag, help: "the release to check (default: the channel's live one)" }, ...channelFlags },
  options(input) {
    noPositionals(input, 'verify');
    const release = releaseIdOption(input, 'release');
    return { ...(release !== undefined ? { release } : {}), ...channelOption(input) };
  },
  async run(options, target) {
    const { verify: run } = await import('../commands/verify.ts');
    return run({ ...options, ...target });
  },
  render: (r) => `${r.release}${r.live ? ' (live)' : ''} is complete: ${count(r.objects, 'object')} present\n`,
};

export const SPECS = { deploy, releases, rollback, prune, verify, status, channels } as const;
export type CommandName = keyof typeof SPECS;
