/**
 * `shellfront channels [delete <name>]`: every channel with its live release, when it last
 * switched and its URL; `delete` removes a preview's pointer (on pull request close). Releases
 * and assets stay: `prune` decides about those. Production can never be deleted here.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { channelPointerKey } from '../../contracts/channels.ts';
import { Bucket } from '../bucket/bucket.ts';
import { channelAddress, deletableChannelProblem, readChannels } from '../channels/channels.ts';
import { UsageError } from '../shared/errors.ts';
import type { Reporter } from '../shared/report.ts';
import type { RetryOptions } from '../bucket/retry.ts';

export interface ChannelsOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Delete this preview channel's pointer instead of listing. */
  readonly delete?: string;
  /** Where previews are served, to print their URLs (else the stack's PreviewDomain output). */
  readonly previewDomain?: string;
  readonly stackOutputs?: Readonly<Record<string, string>>;
  readonly reporter?: Reporter;
  readonly retry?: RetryOptions;
}

export interface ChannelSummary {
  readonly name: string;
  /** The live release, or null when the pointer is unreadable. */
  readonly live: string | null;
  /** When the pointer last switched (its manifest's updatedAt). */
  readonly updatedAt: string | null;
  readonly previous: string | null;
  readonly url: string | null;
  /** Production is still read from the pre-channels `manifest.json` (the next production deploy migrates it). */
  readonly legacy: boolean;
  readonly problem?: string;
}

export type ChannelsResult =
  | { readonly action: 'list'; readonly bucket: string; readonly channels: readonly ChannelSummary[] }
  | {
      readonly action: 'delete';
      readonly bucket: string;
      readonly channel: string;
      readonly deleted: boolean;
      readonly release: string | null;
    };

export async function channels(options: ChannelsOptions): Promise<ChannelsResult> {
  const bucket = new Bucket(options.client, options.bucket, options.retry);
  if (options.delete !== undefined) {
    const problem = deletableChannelProblem(options.delete);
    if (problem) throw new UsageError(`channels delete: ${problem}`);
    const key = channelPointerKey(options.delete);
    const found = await bucket.getText(key);
    if (found) await bucket.delete([key]);
    let release: string | null = null;
    try {
      release = found ? (JSON.parse(found.text)?.release?.id ?? null) : null;
    } catch {
      release = null;
    }
    return { action: 'delete', bucket: options.bucket, channel: options.delete, deleted: found !== undefined, release };
  }
  const states = await readChannels(bucket);
  const site = { previewDomain: options.previewDomain, stackOutputs: options.stackOutputs };
  return {
    action: 'list',
    bucket: options.bucket,
    channels: states.map((state) => ({
      name: state.name,
      live: state.manifest?.release.id ?? null,
      updatedAt: state.manifest?.updatedAt ?? null,
      previous: state.manifest?.previous[0] ?? null,
      url: channelAddress(state.name, site) ?? null,
      legacy: state.key !== channelPointerKey(state.name),
      ...(state.problem ? { problem: state.problem } : {}),
    })),
  };
}
