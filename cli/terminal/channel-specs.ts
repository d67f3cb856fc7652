/**
 * The channel flags every channel-aware command shares (`--channel`, `--preview-domain`, checked
 * before any network call against contracts/channels.ts), and the `channels` command's spec.
 */
import type { ChannelsResult } from '../commands/channels.ts';
import { deletableChannelProblem } from '../channels/channels.ts';
import { CHANNEL_NAME_RULE, channelNameProblem, PRODUCTION_CHANNEL, previewDomainProblem } from '../../contracts/channels.ts';
import { UsageError } from '../shared/errors.ts';
import { count } from '../shared/report.ts';
import type { CommandSpec, ParsedInput } from './spec.ts';

const text = (input: ParsedInput, flag: string) => input.values[flag] as string | undefined;

export const channelFlags = {
  channel: { type: 'string', value: '<name>', help: 'the channel (default production); a preview such as pr-123' },
} as const;
export const previewDomainFlags = {
  'preview-domain': {
    type: 'string',
    value: '<domain>',
    help: "where previews are served, to print their URLs (default: the stack's PreviewDomain output)",
  },
} as const;

/** --channel, checked before any network call: one DNS label (contracts/channels.ts). */
export function channelOption(input: ParsedInput): { channel?: string } {
  const channel = text(input, 'channel');
  if (channel === undefined) return {};
  const problem = channelNameProblem(channel);
  if (problem) throw new UsageError(`--channel ${JSON.stringify(channel)}: ${problem}; ${CHANNEL_NAME_RULE}`);
  return { channel };
}

export function previewDomainOption(input: ParsedInput): { previewDomain?: string } {
  const domain = text(input, 'preview-domain');
  if (domain === undefined) return {};
  const problem = previewDomainProblem(domain);
  if (problem) throw new UsageError(`--preview-domain ${problem}`);
  return { previewDomain: domain };
}

/** ` on <channel>` for a preview; nothing for production. */
export const onChannel = (channel: string) => (channel === PRODUCTION_CHANNEL ? '' : ` on channel ${channel}`);

export const channels: CommandSpec<{ delete?: string; previewDomain?: string }, ChannelsResult> = {
  name: 'channels',
  summary: 'list channels (production and previews); `channels delete <name>` removes a preview',
  positional: '[delete <name>]',
  description:
    'Lists every channel: its live release, when it last switched, and its URL. `channels delete <name>`\n' +
    "removes a preview channel's pointer (e.g. when its pull request closes; needs s3:DeleteObject); its\n" +
    'releases and assets stay until `prune`. Production cannot be deleted.',
  flags: { ...previewDomainFlags },
  options(input) {
    const [action, name, ...rest] = input.positionals;
    if (action === undefined) return previewDomainOption(input);
    if (action !== 'delete' || name === undefined || rest.length > 0) {
      throw new UsageError(
        `channels takes no arguments (list) or \`delete <name>\`, got ${input.positionals.join(' ')}; e.g. \`shellfront channels delete pr-123 --stack my-site\``,
      );
    }
    const problem = deletableChannelProblem(name);
    if (problem) throw new UsageError(`channels delete: ${problem}`);
    return { delete: name, ...previewDomainOption(input) };
  },
  async run(options, target) {
    const { channels: run } = await import('../commands/channels.ts');
    return run({ ...options, ...target });
  },
  render(r) {
    if (r.action === 'delete') {
      return r.deleted
        ? `Deleted channel ${r.channel} from s3://${r.bucket} (it served ${r.release ?? 'an unreadable pointer'}); its address answers 404 within the manifest TTL + shell CDN time\n`
        : `No channel ${r.channel} in s3://${r.bucket}; nothing to delete\n`;
    }
    if (r.channels.length === 0) return `No channels in s3://${r.bucket}: nothing is deployed yet\n`;
    const rows = r.channels.map((c) =>
      [
        c.name.padEnd(20),
        (c.live ?? 'UNREADABLE').padEnd(26),
        (c.updatedAt ?? '?').slice(0, 19).replace('T', ' ').padEnd(20),
        c.url ?? '',
        c.legacy ? '(legacy manifest.json: the next production deploy migrates it)' : '',
        c.problem ?? '',
      ]
        .join(' ')
        .trimEnd(),
    );
    return `${rows.join('\n')}\n(${count(r.channels.length, 'channel')})\n`;
  },
};
