/**
 * `shellfront deploy <dist>`: upload a build as a new release and make it live.
 * The order is the safety: missing assets and the release's own files, then the release
 * record, then a check that everything it references exists, then manifest.json (a
 * conditional write). Until that last write nothing is visible; a re-run skips what is there.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import {
  ASSET_CACHE_CONTROL,
  RELEASE_FILE_CACHE_CONTROL,
  RELEASES_PREFIX,
  releaseFileKey,
  releaseRecordKey,
  type ReleaseRecord,
} from '../../contracts/release.ts';
import { Bucket } from '../bucket/bucket.ts';
import type { DirectPut } from '../bucket/direct-put.ts';
import { requireReferencedFiles } from '../release/build-check.ts';
import { usedAssetPrefixes } from '../build/build-kind.ts';
import { completenessOf, listPrefixes, requireComplete, type Listing } from '../release/completeness.ts';
import { describeLayout, readLayout, type BuildKind, type DistFile, type DistLayout, type ScannedDist } from '../build/dist.ts';
import { ConflictError, TransientError, UsageError, listSome, withNote } from '../shared/errors.ts';
import { channelFlag, checkChannel, readLive, servableManifest, switchLive, type LiveState } from '../channels/live.ts';
import { PRODUCTION_CHANNEL } from '../../contracts/channels.ts';
import { planAssets, sameBuild } from '../release/plan.ts';
import { buildRecord, isThisBuild, releaseExists, runtimeConfig, writeRecord } from '../release/release-record.ts';
import { checkReleaseId, defaultReleaseId, type GitInfo } from '../release/release-id.ts';
import { count, silentReporter, type Reporter } from '../shared/report.ts';
import type { RetryOptions } from '../bucket/retry.ts';
import { DEFAULT_CONCURRENCY, uploadAll, type Upload } from '../release/upload.ts';
import { releaseRouting } from '../rules/read.ts';

export interface DeployOptions {
  readonly client: S3Client;
  readonly bucket: string;
  readonly dist: string;
  /**
   * The channel to make the release live on (contracts/channels.ts): `production`, or a preview
   * such as `pr-123` served at `https://pr-123.<previewDomain>`. Only that channel's pointer is
   * written; releases and assets are shared by every channel.
   * @default 'production'
   */
  readonly channel?: string;
  /** @default time + short git sha, e.g. `20261123-101500-7bfe0aa` */
  readonly release?: string;
  readonly message?: string;
  /**
   * Runtime config injected into the shell. Omitted: the live release's config is kept (a deploy
   * never drops it silently); `null` (`--config none`): the release has none.
   */
  readonly config?: Readonly<Record<string, unknown>> | null;
  /** Plan and report without writing anything. */
  readonly dryRun?: boolean;
  /** @default 64 (S3 takes thousands of PUTs per second per prefix; each costs one round trip) */
  readonly concurrency?: number;
  /** Overrides the asset folders implied by the build kind. */
  readonly assetDirs?: readonly string[];
  /** Extensions that also mean "a file" (404 when missing, never the shell) for this release, e.g. `usdz`. */
  readonly fileExtensions?: readonly string[];
  readonly git?: GitInfo;
  /** Sends the uploads as signed HTTP PUTs (cli/bucket/client.ts createObjectWriter); without it, through the SDK. */
  readonly objectWriter?: DirectPut;
  readonly reporter?: Reporter;
  readonly now?: () => Date;
  readonly retry?: RetryOptions;
}

export interface DeployResult {
  readonly release: string;
  readonly bucket: string;
  /** The channel the release went live on. */
  readonly channel: string;
  readonly kind: BuildKind;
  /** False for a dry run. */
  readonly live: boolean;
  /** The build was identical to the live release (and it is complete): nothing was written. */
  readonly unchanged: boolean;
  readonly dryRun: boolean;
  /** The release that was live before, if any. */
  readonly previous: string | null;
  readonly assets: { readonly total: number; readonly uploaded: number; readonly skipped: number; readonly bytesUploaded: number };
  readonly files: { readonly uploaded: number; readonly bytesUploaded: number };
  /** Assets and release files together. */
  readonly bytesUploaded: number;
  readonly warnings: readonly string[];
}

export async function deploy(options: DeployOptions): Promise<DeployResult> {
  const reporter = options.reporter ?? silentReporter;
  const now = options.now ?? (() => new Date());
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new UsageError(`--concurrency must be a whole number of at least 1, got ${concurrency}`);
  }
  const id = checkReleaseId(options.release ?? defaultReleaseId(now(), options.git));
  const channel = checkChannel(options.channel);
  const bucket = new Bucket(options.client, options.bucket, options.retry, options.objectWriter);
  const layout = await readLayout(options.dist, options.assetDirs ? { assetDirs: options.assetDirs } : {});
  const reads = startReads(bucket, id, layout, channel);
  const dist = await describeLayout(layout);
  for (const warning of dist.warnings) reporter.warn(warning);
  // _redirects and _headers are refused (file, line, why) here, before anything is written.
  const routing = await releaseRouting(dist, options.fileExtensions);
  const live = await reads.live;
  // A new preview starts from production's runtime config, so it runs like the site it previews.
  const configSource = live.manifest?.release ?? (channel === PRODUCTION_CHANNEL ? undefined : (await reads.production)?.manifest?.release);
  const record = buildRecord(dist, id, now(), { ...options, ...routing }, runtimeConfig(options.config, configSource, reporter));
  if (live.invalid) reporter.warn(`${live.invalid}; this deploy replaces it.`);
  const liveId = live.manifest?.release.id;
  let switching = false;
  try {
    const plan = await planDeploy(bucket, dist, record, live, reads, options, reporter, now());
    if (plan.kind === 'unchanged') return { ...plan.result, channel };
    if (options.dryRun) return { ...plan.result, channel, live: false, dryRun: true };
    const confirmed = await uploadRelease(bucket, plan, record, concurrency, reporter);
    switching = true;
    await switchRelease(bucket, record, live, confirmed, now(), reporter);
    return { ...plan.result, channel, live: true, dryRun: false };
  } catch (error) {
    reporter.endProgress();
    if (!(error instanceof Error) || (switching && error instanceof ConflictError)) throw error;
    if (switching) {
      // The write of manifest.json itself failed: S3 may have applied it before the connection dropped.
      throw withNote(
        error,
        `The switch to "${id}" may or may not have happened: run \`shellfront releases${channelFlag(channel)}\` to see which release is live.`,
      );
    }
    // Only a failure of S3 or the network goes away on its own; a refusal fails the same way again.
    const rerun = error instanceof TransientError ? ' Re-running the deploy skips assets already uploaded.' : '';
    const where = channel === PRODUCTION_CHANNEL ? '' : ` on channel ${channel}`;
    throw withNote(
      error,
      `Nothing was switched: ${liveId ? `"${liveId}" is still live${where}` : `no release is live${where} yet`}.${rerun}`,
    );
  }
}

/** The reads S3 must answer, started before hashing so they run while the files are read. */
interface EarlyReads {
  readonly live: Promise<LiveState>;
  /** Production's state, read only for a preview's first deploy (its runtime config). */
  readonly production: Promise<LiveState | undefined>;
  readonly record: Promise<unknown>;
  readonly assets: Promise<Listing>;
  /** The live release's own folder, listed as soon as the pointer names a release with the same file names. */
  readonly liveFolder: Promise<Listing | undefined>;
}

function startReads(bucket: Bucket, id: string, layout: DistLayout, channel: string): EarlyReads {
  const live = early(readLive(bucket, { channel, tolerateInvalid: true }));
  return {
    live,
    production: early(
      channel === PRODUCTION_CHANNEL
        ? Promise.resolve(undefined)
        : live.then((state) => (state.manifest ? undefined : readLive(bucket, { tolerateInvalid: true }))),
    ),
    record: early(bucket.head(releaseRecordKey(id))),
    assets: early(listPrefixes(bucket, usedAssetPrefixes(layout.assetPrefixes, layout.paths))),
    liveFolder: early(
      live.then((state) =>
        state.manifest && samePaths(state.manifest.release, layout.paths)
          ? listPrefixes(bucket, [`${RELEASES_PREFIX}${state.manifest.release.id}`])
          : undefined,
      ),
    ),
  };
}

type Plan =
  | { readonly kind: 'unchanged'; readonly result: Omit<DeployResult, 'channel'> }
  | {
      readonly kind: 'upload';
      readonly uploads: readonly Upload[];
      readonly resuming: boolean;
      readonly reused: number;
      readonly result: Omit<DeployResult, 'live' | 'dryRun' | 'channel'>;
    };

/**
 * Step 1, before anything is written: refuse a build that references missing files or that no
 * edge could serve, notice an identical build (nothing to do) or an interrupted run of this one
 * (resume), and work out which assets to upload (refusing changed bytes under an existing key).
 */
async function planDeploy(
  bucket: Bucket,
  dist: ScannedDist,
  record: ReleaseRecord,
  live: LiveState,
  reads: EarlyReads,
  options: DeployOptions,
  reporter: Reporter,
  now: Date,
): Promise<Plan> {
  const id = record.id;
  const liveId = live.manifest?.release.id;
  // A build that references files it lacks is a blank page: refused before anything is written.
  requireReferencedFiles(dist, await reads.assets, reporter);
  if (live.manifest && sameBuild(record, live.manifest.release) && (options.release === undefined || options.release === liveId)) {
    const unchanged = await unchangedResult(bucket, live.manifest.release, reads.assets, reads.liveFolder, dist, reporter);
    if (unchanged) return { kind: 'unchanged', result: unchanged };
  }
  // A release every edge would refuse (shell or manifest too large) is refused before any upload.
  servableManifest(record, live.manifest, now);
  const assetsPart =
    dist.assets.length > 0 ? `${count(dist.assets.length, 'asset')} in ${dist.assetPrefixes.join(' ')}` : 'no asset folders';
  reporter.info(`Release ${id}: ${dist.kind} build, ${assetsPart}, ${count(dist.files.length, 'release file')}`);
  // A record already there is another release, unless it is this very build: then an earlier run
  // of this deploy stopped after writing it, and this one resumes (uploads what is missing, switches).
  const recordExists = (await reads.record) !== undefined;
  const resuming = recordExists && (await isThisBuild(bucket, id, record));
  if (recordExists && !resuming) throw releaseExists(bucket.name, id);
  if (resuming) reporter.info(`Release ${id} was written by an earlier run of this deploy with the same build: resuming.`);
  const assets = await planAssets(bucket, dist, await reads.assets, new Set(live.manifest?.release.assets.map((asset) => asset.path)));
  if (assets.conflicts.length > 0) throw assets.conflictError(bucket.name);
  if (assets.leftovers.length > 0) {
    reporter.warn(
      `${count(assets.leftovers.length, 'object')} left by an interrupted upload will be uploaded again:\n${listSome(assets.leftovers)}`,
    );
  }
  const uploads: Upload[] = [
    ...assets.missing.map((file) => ({ key: file.path, file, cacheControl: ASSET_CACHE_CONTROL, immutable: true })),
    ...dist.files.map((file) => ({ key: releaseFileKey(id, file.path), file, cacheControl: RELEASE_FILE_CACHE_CONTROL, immutable: false })),
  ];
  return {
    kind: 'upload',
    uploads,
    resuming,
    reused: assets.present.length,
    result: {
      release: id,
      bucket: bucket.name,
      kind: dist.kind,
      previous: liveId ?? null,
      unchanged: false,
      assets: {
        total: dist.assets.length,
        uploaded: assets.missing.length,
        skipped: assets.present.length,
        bytesUploaded: sumSizes(assets.missing),
      },
      files: { uploaded: dist.files.length, bytesUploaded: sumSizes(dist.files) },
      bytesUploaded: sumSizes(assets.missing) + sumSizes(dist.files),
      warnings: dist.warnings,
    },
  };
}

/** Step 2: the missing assets and the release files, then the record. Nothing is visible yet. */
async function uploadRelease(
  bucket: Bucket,
  plan: Extract<Plan, { kind: 'upload' }>,
  record: ReleaseRecord,
  concurrency: number,
  reporter: Reporter,
): Promise<ReadonlySet<string>> {
  reporter.info(`Uploading ${count(plan.uploads.length, 'object')} (${count(plan.reused, 'asset')} already in the bucket)…`);
  await uploadAll(bucket, plan.uploads, concurrency, reporter);
  if (!plan.resuming) await writeRecord(bucket, record);
  // Objects uploaded just now are confirmed by S3's answers (and too new for prune's grace period).
  return new Set([...plan.uploads.map((upload) => upload.key), releaseRecordKey(record.id)]);
}

/**
 * Step 3: prove the release complete (re-listing what this deploy reused, which a concurrent prune
 * could have removed), then switch the pointer with its conditional write.
 */
async function switchRelease(
  bucket: Bucket,
  record: ReleaseRecord,
  live: LiveState,
  confirmed: ReadonlySet<string>,
  now: Date,
  reporter: Reporter,
): Promise<void> {
  await requireComplete(bucket, record, 'Before switching', confirmed);
  await switchLive(bucket, record, live, now, reporter);
}

/** Whether a release has exactly these site files (by name), before any of them is hashed. */
function samePaths(release: ReleaseRecord, paths: readonly string[]): boolean {
  if (release.assets.length + release.files.length !== paths.length) return false;
  const names = new Set(paths);
  return [...release.assets, ...release.files].every((file) => names.has(file.path));
}

function sumSizes(files: readonly DistFile[]): number {
  return files.reduce((sum, file) => sum + file.size, 0);
}

/** Handles a promise that is awaited later, so an early failure is not an unhandled rejection. */
function early<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/**
 * The build is byte for byte the live release: nothing to upload and nothing to switch, provided
 * the live release is complete (else deploy it again, which re-uploads what is missing).
 */
async function unchangedResult(
  bucket: Bucket,
  liveRelease: ReleaseRecord,
  assetListing: Promise<Listing>,
  liveListing: Promise<Listing | undefined>,
  dist: ScannedDist,
  reporter: Reporter,
): Promise<Omit<DeployResult, 'channel'> | undefined> {
  const [assets, own] = await Promise.all([
    assetListing,
    liveListing.then((listing) => listing ?? listPrefixes(bucket, [`${RELEASES_PREFIX}${liveRelease.id}`])),
  ]);
  const listed = new Map([...assets, ...own]);
  const state = completenessOf(liveRelease, listed);
  const problems = state.missing.length + state.wrongSize.length;
  if (problems > 0) {
    reporter.warn(
      `The build is identical to the live release ${liveRelease.id}, but ${problems} of its objects are missing: deploying it again as a new release.`,
    );
    return undefined;
  }
  return {
    release: liveRelease.id,
    bucket: bucket.name,
    kind: dist.kind,
    live: true,
    dryRun: false,
    unchanged: true,
    previous: liveRelease.id,
    assets: { total: dist.assets.length, uploaded: 0, skipped: dist.assets.length, bytesUploaded: 0 },
    files: { uploaded: 0, bytesUploaded: 0 },
    bytesUploaded: 0,
    warnings: dist.warnings,
  };
}
