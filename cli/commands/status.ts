/**
 * `shellfront status [--url <site>]`: the live release, when it went live, the one before it,
 * whether it is complete (the verify check), and with --url what the public URL serves right now.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { Bucket } from '../bucket/bucket.ts';
import { unservedShellReferences } from '../release/build-check.ts';
import { checkComplete } from '../release/completeness.ts';
import { checkChannel, readLive } from '../channels/live.ts';
import type { Reporter } from '../shared/report.ts';
import type { RetryOptions } from '../bucket/retry.ts';
import { servedRelease, type Served } from './wait.ts';

export interface StatusOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** The site's public URL: also report what it serves now. */
  readonly url?: URL;
  /** @default 'production' */
  readonly channel?: string;
  readonly reporter?: Reporter;
  readonly retry?: RetryOptions;
  /** Replaced in tests. */
  readonly check?: (url: URL) => Promise<Served>;
}

export interface StatusResult {
  readonly bucket: string;
  readonly channel: string;
  /** null when nothing is live. */
  readonly live: string | null;
  /** When the pointer last switched (the manifest's updatedAt). */
  readonly liveSince: string | null;
  readonly previous: string | null;
  readonly complete: boolean;
  /** Objects or shell references the live release lacks (empty when complete). */
  readonly problems: readonly string[];
  readonly url?: { readonly url: string; readonly status: number; readonly serves: string | null; readonly matches: boolean };
}

export async function status(options: StatusOptions): Promise<StatusResult> {
  const channel = checkChannel(options.channel);
  const bucket = new Bucket(options.client, options.bucket, options.retry);
  const [{ manifest }, served] = await Promise.all([
    readLive(bucket, { channel }),
    options.url ? (options.check ?? servedRelease)(options.url) : undefined,
  ]);
  const problems: string[] = [];
  if (manifest) {
    const state = await checkComplete(bucket, manifest.release);
    problems.push(...state.missing.map((key) => `missing: ${key}`), ...state.wrongSize.map((key) => `wrong size: ${key}`));
    problems.push(
      ...(await unservedShellReferences(bucket, manifest.release)).map((ref) => `index.html loads ${ref.path}, which nobody has`),
    );
  }
  const live = manifest?.release.id ?? null;
  return {
    bucket: options.bucket,
    channel,
    live,
    liveSince: manifest?.updatedAt ?? null,
    previous: manifest?.previous[0] ?? null,
    complete: manifest !== undefined && problems.length === 0,
    problems,
    ...(options.url && served
      ? {
          url: {
            url: options.url.href,
            status: served.status,
            serves: served.release ?? null,
            matches: served.release !== undefined && served.release === live,
          },
        }
      : {}),
  };
}
