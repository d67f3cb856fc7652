/** `shellfront releases`: every release in the bucket, newest first, with which one is live. */
import type { S3Client } from '@aws-sdk/client-s3';
import { Bucket } from '../bucket/bucket.ts';
import { readHistory, releaseSize } from '../release/history.ts';
import { checkChannel, readLive } from '../channels/live.ts';
import { readChannels } from '../channels/channels.ts';
import type { Reporter } from '../shared/report.ts';
import type { RetryOptions } from '../bucket/retry.ts';

export interface ReleasesOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Show at most this many (newest first). */
  readonly limit?: number;
  /** Whose live release and history to show. @default 'production' */
  readonly channel?: string;
  readonly reporter?: Reporter;
  readonly retry?: RetryOptions;
}

export interface ReleaseSummary {
  readonly id: string;
  readonly createdAt: string | null;
  readonly message: string | null;
  readonly gitSha: string | null;
  /** Where the commit was read: `--git-sha`, `GITHUB_SHA`, `git in <build folder>`. */
  readonly gitSource: string | null;
  readonly bytes: number | null;
  readonly assets: number | null;
  readonly files: number | null;
  readonly live: boolean;
  /** Every channel that serves it now. */
  readonly channels: readonly string[];
  /** Set when the record cannot be read. */
  readonly problem?: string;
}

export interface ReleasesResult {
  readonly bucket: string;
  readonly channel: string;
  readonly live: string | null;
  /** Ids that were live before the current one, newest first (what `rollback` walks). */
  readonly previous: readonly string[];
  readonly total: number;
  readonly releases: readonly ReleaseSummary[];
}

export async function releases(options: ReleasesOptions): Promise<ReleasesResult> {
  const channel = checkChannel(options.channel);
  const bucket = new Bucket(options.client, options.bucket, options.retry);
  const [{ manifest }, history, all] = await Promise.all([readLive(bucket, { channel }), readHistory(bucket), readChannels(bucket)]);
  const servedBy = new Map<string, string[]>();
  for (const state of all) {
    const id = state.manifest?.release.id;
    if (id !== undefined) servedBy.set(id, [...(servedBy.get(id) ?? []), state.name]);
  }
  const liveId = manifest?.release.id ?? null;
  const summaries = history.releases.map(
    ({ id, record, problem }): ReleaseSummary => ({
      id,
      createdAt: record?.createdAt ?? null,
      message: record?.message ?? null,
      gitSha: record?.git?.sha ?? null,
      gitSource: record?.git?.source ?? null,
      bytes: record ? releaseSize(record) : null,
      assets: record?.assets.length ?? null,
      files: record?.files.length ?? null,
      live: id === liveId,
      channels: servedBy.get(id) ?? [],
      ...(problem ? { problem } : {}),
    }),
  );
  return {
    bucket: options.bucket,
    channel,
    live: liveId,
    previous: manifest?.previous ?? [],
    total: summaries.length,
    releases: options.limit ? summaries.slice(0, options.limit) : summaries,
  };
}
