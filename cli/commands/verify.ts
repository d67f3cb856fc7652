/**
 * `shellfront verify [--release <id>]`: the live (or named) release is complete: its record,
 * its files and every asset it references are in the bucket with the recorded sizes.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { releaseIdProblem, type ReleaseRecord } from '../../contracts/release.ts';
import { Bucket } from '../bucket/bucket.ts';
import { requireComplete } from '../release/completeness.ts';
import { describe, unservedShellReferences } from '../release/build-check.ts';
import { IncompleteReleaseError, InputError, UsageError, listSome } from '../shared/errors.ts';
import { checkChannel, pointerUrl, readLive, readRecord } from '../channels/live.ts';
import type { Reporter } from '../shared/report.ts';
import type { RetryOptions } from '../bucket/retry.ts';

export interface VerifyOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** @default the live release */
  readonly release?: string;
  /** Whose live release is the default, and which "live" means. @default 'production' */
  readonly channel?: string;
  readonly reporter?: Reporter;
  readonly retry?: RetryOptions;
}

export interface VerifyResult {
  readonly release: string;
  readonly bucket: string;
  readonly live: boolean;
  readonly complete: true;
  /** Objects checked: record + files + assets. */
  readonly objects: number;
}

export async function verify(options: VerifyOptions): Promise<VerifyResult> {
  if (options.release !== undefined) {
    const problem = releaseIdProblem(options.release);
    if (problem) throw new UsageError(`--release ${problem}`);
  }
  const channel = checkChannel(options.channel);
  const bucket = new Bucket(options.client, options.bucket, options.retry);
  const { manifest } = await readLive(bucket, { channel });
  let release: ReleaseRecord | undefined;
  if (options.release === undefined || options.release === manifest?.release.id) {
    if (!manifest)
      throw new InputError(`No release is live in s3://${options.bucket} (there is no ${pointerUrl(bucket, channel)}): deploy one first.`);
    release = manifest.release;
  } else {
    release = await readRecord(bucket, options.release);
    if (!release)
      throw new InputError(
        `Release "${options.release}" is not in s3://${options.bucket}. \`shellfront releases\` lists the ones there are.`,
      );
  }
  const live = release.id === manifest?.release.id;
  const what = `verify failed${live ? ' for the LIVE release' : ''}`;
  const { checked } = await requireComplete(bucket, release, what);
  const unserved = await unservedShellReferences(bucket, release);
  if (unserved.length > 0) {
    throw new IncompleteReleaseError(
      `${what}: the index.html of release "${release.id}" references ${unserved.length === 1 ? 'a file' : `${unserved.length} files`} ` +
        `that neither the release nor the bucket has, so its pages load blank:\n${listSome(unserved.map(describe))}\n` +
        (live ? 'Roll back (`shellfront rollback`) or deploy a complete build.' : 'Do not roll back to it.'),
      unserved.map((ref) => ref.path),
    );
  }
  return { release: release.id, bucket: options.bucket, live, complete: true, objects: checked };
}
