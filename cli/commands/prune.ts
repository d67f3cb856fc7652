/**
 * `shellfront prune --keep <n> [--older-than 7d] [--channels-older-than 30d]`: keep the <n> newest
 * releases and, for EVERY channel, the release it serves and the one its `rollback` would go to
 * (unless --drop-rollback-target); --channels-older-than first deletes preview channels whose
 * pointer has not changed for that long (never production). Delete the other releases (record
 * and per-release files) and assets that no kept release references once they are older than
 * the grace period, so open tabs of a pruned release keep loading their chunks for a while and
 * an in-flight deploy's fresh uploads are never touched. Never deletes anything the live or a
 * kept release uses. Deletes stale channel pointers first, then records, then their files, then assets: a prune stopped
 * midway leaves no kept release incomplete.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { RELEASES_PREFIX, releaseRecordKey, type Manifest, type ReleaseRecord } from '../../contracts/release.ts';
import { Bucket, type ListedObject } from '../bucket/bucket.ts';
import { InputError, UsageError, listSome } from '../shared/errors.ts';
import { readHistory } from '../release/history.ts';
import { readChannels } from '../channels/channels.ts';
import { channelPointerKey, PRODUCTION_CHANNEL } from '../../contracts/channels.ts';
import { count, silentReporter, type Reporter } from '../shared/report.ts';
import type { RetryOptions } from '../bucket/retry.ts';

export const DEFAULT_GRACE_MS = 7 * 86_400_000;

export interface PruneOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /**
   * How many of the newest releases (by creation time) to keep. The live release and the release
   * `rollback` would go to are kept as well, whether or not they are among them.
   */
  readonly keep: number;
  /** Also allow deleting the release `rollback` would go to. @default false */
  readonly dropRollbackTarget?: boolean;
  /** Unreferenced assets (and orphaned release folders) younger than this stay. @default 7 days */
  readonly olderThanMs?: number;
  /**
   * First delete preview channels whose pointer has not changed for this long (never production),
   * so what only they kept can go too. @default - no channel is deleted
   */
  readonly channelsOlderThanMs?: number;
  readonly dryRun?: boolean;
  readonly now?: () => Date;
  readonly reporter?: Reporter;
  readonly retry?: RetryOptions;
}

export interface PruneResult {
  readonly bucket: string;
  readonly dryRun: boolean;
  /** Production's live release. */
  readonly live: string | null;
  readonly kept: readonly string[];
  /** What a plain `rollback` of production goes to after this prune (null: nothing to roll back to). */
  readonly rollbackTarget: string | null;
  /** Every channel left, with what it serves and what its `rollback` goes to after this prune. */
  readonly channels: readonly { readonly name: string; readonly live: string | null; readonly rollbackTarget: string | null }[];
  /** Preview channels deleted by --channels-older-than. */
  readonly deletedChannels: readonly string[];
  readonly deletedReleases: readonly string[];
  /** Per-release files deleted (of pruned releases and orphaned folders). */
  readonly deletedFiles: number;
  readonly deletedAssets: number;
  readonly bytesFreed: number;
  /** Unreferenced assets left because they are younger than the grace period. */
  readonly assetsInGrace: number;
}

export async function prune(options: PruneOptions): Promise<PruneResult> {
  if (!Number.isInteger(options.keep) || options.keep < 0)
    throw new UsageError(`--keep must be a whole number of at least 0, got ${options.keep}`);
  const grace = options.olderThanMs ?? DEFAULT_GRACE_MS;
  const reporter = options.reporter ?? silentReporter;
  const now = (options.now ?? (() => new Date()))().getTime();
  const cutoff = now - grace;
  const bucket = new Bucket(options.client, options.bucket, options.retry);

  const [allChannels, history] = await Promise.all([readChannels(bucket), readHistory(bucket)]);
  const broken = allChannels.filter((channel) => channel.manifest === undefined);
  if (broken.length > 0) {
    // Without a pointer we cannot know which release the channel serves: deleting anything could break it.
    throw new InputError(
      `Refusing to prune: some channel pointers cannot be read, so what they serve is unknown:\n` +
        `${listSome(broken.map((channel) => channel.problem ?? channel.key))}\n` +
        `Fix them with \`shellfront rollback --to <id> --channel <name>\` or \`shellfront channels delete <name>\`, then run prune again.`,
    );
  }
  const channelCutoff = options.channelsOlderThanMs === undefined ? undefined : now - options.channelsOlderThanMs;
  const stale = allChannels.filter(
    (channel) => channelCutoff !== undefined && channel.name !== PRODUCTION_CHANNEL && channel.lastModified.getTime() <= channelCutoff,
  );
  const channels = allChannels.filter((channel) => !stale.includes(channel));
  const unreadable = history.releases.filter((release) => !release.record);
  if (unreadable.length > 0) {
    // Without a record we cannot know which assets it needs: deleting anything could break it.
    throw new InputError(
      `Refusing to prune: some release records cannot be read, so the assets they use are unknown:\n` +
        `${listSome(unreadable.map((release) => `${releaseRecordKey(release.id)}: ${release.problem ?? 'unreadable'}`))}\n` +
        `Delete or fix those records by hand, then run prune again.`,
    );
  }
  const records = history.releases.map((release) => release.record as ReleaseRecord);
  const existing = new Set(records.map((record) => record.id));
  // Every channel keeps what it serves and what a plain rollback of it walks to: the newest
  // earlier live release that still has a record.
  const protectedIds = new Set<string>();
  for (const channel of channels) {
    const manifest = channel.manifest as Manifest;
    protectedIds.add(manifest.release.id);
    const before = manifest.previous.find((id) => existing.has(id));
    if (before !== undefined && !options.dropRollbackTarget) protectedIds.add(before);
  }
  const keptRecords = records.filter((record, index) => index < options.keep || protectedIds.has(record.id));
  for (const channel of channels) {
    const release = (channel.manifest as Manifest).release;
    if (!keptRecords.some((record) => record.id === release.id)) keptRecords.push(release);
  }
  const keptIds = new Set(keptRecords.map((record) => record.id));
  const summaries = channels.map((channel) => {
    const manifest = channel.manifest as Manifest;
    return { name: channel.name, live: manifest.release.id, rollbackTarget: manifest.previous.find((id) => keptIds.has(id)) ?? null };
  });
  const production = summaries.find((channel) => channel.name === PRODUCTION_CHANNEL);
  const liveId = production?.live ?? null;
  const rollbackTarget = production?.rollbackTarget ?? null;
  const pruned = records.filter((record) => !keptIds.has(record.id));

  const referenced = new Set(keptRecords.flatMap((record) => record.assets.map((asset) => asset.path)));
  const assetPrefixes = [...new Set(records.flatMap((record) => record.assetPrefixes))];
  const assetObjects = (await Promise.all(assetPrefixes.map((prefix) => bucket.list(prefix)))).flat();
  const unreferenced = uniqueByKey(assetObjects).filter((object) => !referenced.has(object.key));
  const staleAssets = unreferenced.filter((object) => object.lastModified.getTime() <= cutoff);

  const releaseFiles: ListedObject[] = [];
  for (const record of pruned) releaseFiles.push(...(await bucket.list(`${RELEASES_PREFIX}${record.id}/`)));
  for (const id of history.orphanFolders) {
    if (keptIds.has(id)) continue;
    const objects = await bucket.list(`${RELEASES_PREFIX}${id}/`);
    if (objects.every((object) => object.lastModified.getTime() <= cutoff)) releaseFiles.push(...objects);
  }

  const result: PruneResult = {
    bucket: options.bucket,
    dryRun: options.dryRun ?? false,
    live: liveId,
    kept: keptRecords.map((record) => record.id),
    rollbackTarget,
    channels: summaries,
    deletedChannels: stale.map((channel) => channel.name),
    deletedReleases: pruned.map((record) => record.id),
    deletedFiles: releaseFiles.length,
    deletedAssets: staleAssets.length,
    bytesFreed: [...releaseFiles, ...staleAssets].reduce((sum, object) => sum + object.size, 0),
    assetsInGrace: unreferenced.length - staleAssets.length,
  };
  const summary = `${stale.length ? `${count(stale.length, 'channel')}, ` : ''}${count(pruned.length, 'release')}, ${count(releaseFiles.length, 'release file')}, ${count(staleAssets.length, 'asset')}`;
  if (options.dryRun) return result;
  reporter.info(`Deleting ${summary}…`);
  // Stale channels first: once a pointer is gone, nothing serves what only it kept.
  await bucket.delete(stale.map((channel) => channelPointerKey(channel.name)));
  await bucket.delete(pruned.map((record) => releaseRecordKey(record.id)));
  await bucket.delete(releaseFiles.map((object) => object.key));
  await bucket.delete(staleAssets.map((object) => object.key));
  return result;
}

function uniqueByKey(objects: readonly ListedObject[]): ListedObject[] {
  return [...new Map(objects.map((object) => [object.key, object])).values()];
}
