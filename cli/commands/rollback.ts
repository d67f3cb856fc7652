/**
 * `shellfront rollback [--to <id>]`: make the previous (or a named) release live again, after
 * checking that every object it references is still in the bucket. The same conditional write
 * as deploy, so a rollback racing a deploy cannot interleave with it.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { Bucket } from '../bucket/bucket.ts';
import { requireComplete } from '../release/completeness.ts';
import { InputError, UsageError } from '../shared/errors.ts';
import { checkChannel, pointerUrl, readLive, readRecord, switchLive } from '../channels/live.ts';
import { PRODUCTION_CHANNEL } from '../../contracts/channels.ts';
import { silentReporter, type Reporter } from '../shared/report.ts';
import { releaseIdProblem, releaseRecordKey, type ReleaseRecord } from '../../contracts/release.ts';
import type { RetryOptions } from '../bucket/retry.ts';

export interface RollbackOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** @default the release that was live before the current one */
  readonly to?: string;
  /** @default 'production' */
  readonly channel?: string;
  readonly reporter?: Reporter;
  readonly now?: () => Date;
  readonly retry?: RetryOptions;
}

export interface RollbackResult {
  readonly release: string;
  readonly bucket: string;
  readonly channel: string;
  /** The release that was live before the rollback. */
  readonly previous: string;
  /** False when the target was already live. */
  readonly changed: boolean;
}

export async function rollback(options: RollbackOptions): Promise<RollbackResult> {
  const reporter = options.reporter ?? silentReporter;
  if (options.to !== undefined) {
    const problem = releaseIdProblem(options.to);
    if (problem) throw new UsageError(`--to ${problem}`);
  }
  const channel = checkChannel(options.channel);
  const bucket = new Bucket(options.client, options.bucket, options.retry);
  // With --to, an invalid pointer is no obstacle: rolling back is how it gets replaced.
  const live = await readLive(bucket, { channel, tolerateInvalid: options.to !== undefined });
  if (live.invalid) reporter.warn(`${live.invalid}; replacing it with "${options.to}".`);
  if (!live.manifest && !live.invalid) {
    throw new InputError(
      channel === PRODUCTION_CHANNEL
        ? `No release is live in s3://${options.bucket} (there is no ${pointerUrl(bucket, channel)}): deploy one first.`
        : `No release is live on channel ${channel} in s3://${options.bucket} (there is no ${pointerUrl(bucket, channel)}): deploy one with --channel ${channel} first (\`shellfront channels\` lists the channels).`,
    );
  }
  const current = live.manifest?.release.id ?? '(invalid manifest)';
  const { target, record, pruned } = await findTarget(bucket, options.to, live.manifest?.previous ?? []);
  if (!target) {
    throw new InputError(
      pruned.length > 0
        ? `"${current}" is live and every earlier live release has been pruned (${pruned.join(', ')}). Name one that exists with --to <id> (\`shellfront releases\` lists them).`
        : `"${current}" is live and no earlier live release is recorded. Name one with --to <id> (\`shellfront releases\` lists them).`,
    );
  }
  if (pruned.length > 0) reporter.warn(`Skipping ${pruned.join(', ')}: live before, but pruned since.`);
  if (target === current) {
    return { release: target, bucket: options.bucket, channel, previous: current, changed: false };
  }
  if (!record) {
    const wasLive = live.manifest?.previous.includes(target) ?? false;
    throw new InputError(
      wasLive
        ? `Release "${target}" was live before but has been pruned: its record ${releaseRecordKey(target)} is gone from s3://${options.bucket}. ` +
            `Roll back to a release that still exists with --to <id> (\`shellfront releases\` lists them).`
        : `Release "${target}" is not in s3://${options.bucket} (no ${releaseRecordKey(target)}). \`shellfront releases\` lists the ones there are.`,
    );
  }
  const { checked } = await requireComplete(bucket, record, 'Refusing to roll back, nothing was switched');
  reporter.info(`"${target}" is complete (${checked} objects); switching from "${current}"…`);
  await switchLive(bucket, record, live, (options.now ?? (() => new Date()))(), reporter);
  return { release: target, bucket: options.bucket, channel, previous: current, changed: true };
}

/**
 * `--to <id>`, or the newest earlier live release that still has a record (the ones pruned since
 * are skipped and named). The same walk as prune's "rollback target".
 */
async function findTarget(
  bucket: Bucket,
  to: string | undefined,
  previous: readonly string[],
): Promise<{ target: string | undefined; record: ReleaseRecord | undefined; pruned: string[] }> {
  if (to !== undefined) return { target: to, record: await readRecord(bucket, to), pruned: [] };
  const pruned: string[] = [];
  for (const id of previous) {
    const record = await readRecord(bucket, id);
    if (record) return { target: id, record, pruned };
    pruned.push(id);
  }
  return { target: undefined, record: undefined, pruned };
}
