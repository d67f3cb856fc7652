/**
 * `shellfront deploy <dist>`: upload a build as a new release and make it live.
 * The order is the safety: missing assets and the release's own files, then the release
 * record, then a check that everything it references exists, then manifest.json (a
 * conditional write). Until that last write nothing is visible; a re-run skips what is there.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import {
  ASSET_CACHE_CONTROL,
  RECORD_CACHE_CONTROL,
  RELEASE_FILE_CACHE_CONTROL,
  RELEASES_PREFIX,
  RELEASE_SCHEMA_VERSION,
  releaseFileKey,
  releaseRecordKey,
  validateReleaseRecord,
  type FileEntry,
  type ReleaseRecord,
} from '../../contracts/release.ts';
import { Bucket, PreconditionFailed } from '../bucket.ts';
import type { DirectPut } from '../direct-put.ts';
import { requireReferencedFiles } from '../build-check.ts';
import { completenessOf, listPrefixes, requireComplete, usedAssetPrefixes, type Listing } from '../completeness.ts';
import { describeLayout, readLayout, type BuildKind, type DistFile, type ScannedDist } from '../dist.ts';
import { ConflictError, InputError, TransientError, UsageError, listSome, withNote } from '../errors.ts';
import { readLive, readRecord, servableManifest, switchLive } from '../live.ts';
import { planAssets, sameBuild } from '../plan.ts';
import { checkReleaseId, defaultReleaseId, type GitInfo } from '../release-id.ts';
import { count, silentReporter, type Reporter } from '../report.ts';
import { DEFAULT_CONCURRENCY } from '../specs.ts';
import type { RetryOptions } from '../retry.ts';
import { uploadAll, type Upload } from '../upload.ts';

export interface DeployOptions {
  readonly client: S3Client;
  readonly bucket: string;
  readonly dist: string;
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
  readonly git?: GitInfo;
  /** Sends the uploads as signed HTTP PUTs (cli/client.ts createObjectWriter); without it, through the SDK. */
  readonly objectWriter?: DirectPut;
  readonly reporter?: Reporter;
  readonly now?: () => Date;
  readonly retry?: RetryOptions;
}

export interface DeployResult {
  readonly release: string;
  readonly bucket: string;
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
  const bucket = new Bucket(options.client, options.bucket, options.retry, options.objectWriter);
  const layout = await readLayout(options.dist, options.assetDirs ? { assetDirs: options.assetDirs } : {});

  // The reads S3 must answer start now and run while the files are hashed.
  const liveRead = early(readLive(bucket, { tolerateInvalid: true }));
  const recordRead = early(bucket.head(releaseRecordKey(id)));
  const assetPrefixes = usedAssetPrefixes(layout.assetPrefixes, layout.paths);
  const assetListing = early(listPrefixes(bucket, assetPrefixes));
  // An identical build needs the live release's own folder listed: start that as soon as
  // manifest.json names a release with the same file names (hashing comes later).
  const liveListing = early(
    liveRead.then((live) =>
      live.manifest && samePaths(live.manifest.release, layout.paths)
        ? listPrefixes(bucket, [`${RELEASES_PREFIX}${live.manifest.release.id}`])
        : undefined,
    ),
  );
  const dist = await describeLayout(layout);
  for (const warning of dist.warnings) reporter.warn(warning);
  const live = await liveRead;
  const config = runtimeConfig(options.config, live.manifest?.release, reporter);
  const record = buildRecord(dist, id, now(), options, config);

  if (live.invalid) reporter.warn(`${live.invalid}; this deploy replaces it.`);
  const liveId = live.manifest?.release.id;
  let switching = false;
  try {
    // A build that references files it lacks is a blank page: refused before anything is written.
    requireReferencedFiles(dist, await assetListing, reporter);
    if (live.manifest && sameBuild(record, live.manifest.release) && (options.release === undefined || options.release === liveId)) {
      const unchanged = await unchangedResult(bucket, live.manifest.release, assetListing, liveListing, dist, reporter);
      if (unchanged) return unchanged;
    }
    // A release every edge would refuse (shell or manifest too large) is refused before any upload.
    servableManifest(record, live.manifest, now());
    const existing = await assetListing;
    const assetsPart =
      dist.assets.length > 0 ? `${count(dist.assets.length, 'asset')} in ${dist.assetPrefixes.join(' ')}` : 'no asset folders';
    reporter.info(`Release ${id}: ${dist.kind} build, ${assetsPart}, ${count(dist.files.length, 'release file')}`);
    // A record already there is another release, unless it is this very build: then an earlier run
    // of this deploy stopped after writing it, and this one resumes (uploads what is missing, switches).
    const resuming = (await recordRead) !== undefined && (await isThisBuild(bucket, id, record));
    if ((await recordRead) && !resuming) throw releaseExists(options.bucket, id);
    if (resuming) reporter.info(`Release ${id} was written by an earlier run of this deploy with the same build: resuming.`);
    const plan = await planAssets(bucket, dist, existing, new Set(live.manifest?.release.assets.map((asset) => asset.path)));
    if (plan.conflicts.length > 0) throw plan.conflictError(options.bucket);
    if (plan.leftovers.length > 0) {
      reporter.warn(
        `${count(plan.leftovers.length, 'object')} left by an interrupted upload will be uploaded again:\n${listSome(plan.leftovers)}`,
      );
    }
    const uploads: Upload[] = [
      ...plan.missing.map((file) => ({ key: file.path, file, cacheControl: ASSET_CACHE_CONTROL, immutable: true })),
      ...dist.files.map((file) => ({
        key: releaseFileKey(id, file.path),
        file,
        cacheControl: RELEASE_FILE_CACHE_CONTROL,
        immutable: false,
      })),
    ];
    const result = {
      release: id,
      bucket: options.bucket,
      kind: dist.kind,
      previous: liveId ?? null,
      unchanged: false,
      assets: {
        total: dist.assets.length,
        uploaded: plan.missing.length,
        skipped: plan.present.length,
        bytesUploaded: sumSizes(plan.missing),
      },
      files: { uploaded: dist.files.length, bytesUploaded: sumSizes(dist.files) },
      bytesUploaded: sumSizes(plan.missing) + sumSizes(dist.files),
      warnings: dist.warnings,
    };
    if (options.dryRun) {
      return { ...result, live: false, dryRun: true };
    }

    reporter.info(`Uploading ${count(uploads.length, 'object')} (${count(plan.present.length, 'asset')} already in the bucket)…`);
    await uploadAll(bucket, uploads, concurrency, reporter);
    if (!resuming) await writeRecord(bucket, record);
    // Objects uploaded just now are confirmed by S3's answers (and too new for prune's grace
    // period); the listing re-checks what this deploy reused, which a concurrent prune could remove.
    const confirmed = new Set([...uploads.map((upload) => upload.key), releaseRecordKey(id)]);
    await requireComplete(bucket, record, 'Before switching', confirmed);
    switching = true;
    await switchLive(bucket, record, live, now());
    return { ...result, live: true, dryRun: false };
  } catch (error) {
    reporter.endProgress();
    if (!(error instanceof Error) || (switching && error instanceof ConflictError)) throw error;
    if (switching) {
      // The write of manifest.json itself failed: S3 may have applied it before the connection dropped.
      throw withNote(
        error,
        `The switch to "${id}" may or may not have happened: run \`shellfront releases\` to see which release is live.`,
      );
    }
    // Only a failure of S3 or the network goes away on its own; a refusal fails the same way again.
    const rerun = error instanceof TransientError ? ' Re-running the deploy skips assets already uploaded.' : '';
    throw withNote(error, `Nothing was switched: ${liveId ? `"${liveId}" is still live` : 'no release is live yet'}.${rerun}`);
  }
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
): Promise<DeployResult | undefined> {
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

/** The config the new release gets: the one given, none for `--config none`, else the live one's. */
function runtimeConfig(
  given: DeployOptions['config'],
  live: ReleaseRecord | undefined,
  reporter: Reporter,
): Readonly<Record<string, unknown>> | undefined {
  if (given === null) return undefined;
  if (given !== undefined) return given;
  if (live?.config !== undefined) {
    reporter.info(
      `Runtime config: kept from the live release ${live.id} (pass --config <file.json> to change it, --config none to drop it).`,
    );
  }
  return live?.config;
}

function buildRecord(
  dist: ScannedDist,
  id: string,
  createdAt: Date,
  options: DeployOptions,
  config: Readonly<Record<string, unknown>> | undefined,
): ReleaseRecord {
  const entry = (file: DistFile): FileEntry => ({ path: file.path, size: file.size, sha256: file.sha256, contentType: file.contentType });
  const git = options.git && (options.git.sha || options.git.ref) ? { git: options.git } : {};
  try {
    return validateReleaseRecord({
      schema: RELEASE_SCHEMA_VERSION,
      id,
      createdAt: createdAt.toISOString(),
      ...(options.message !== undefined ? { message: options.message } : {}),
      ...git,
      shell: dist.shell,
      assetPrefixes: dist.assetPrefixes,
      assets: dist.assets.map(entry),
      files: dist.files.map(entry),
      ...(config !== undefined ? { config } : {}),
    });
  } catch (error) {
    throw new InputError(`The build in ${dist.root} does not make a valid release: ${(error as Error).message}`, { cause: error });
  }
}

async function writeRecord(bucket: Bucket, record: ReleaseRecord): Promise<void> {
  try {
    await bucket.put(releaseRecordKey(record.id), JSON.stringify(record), {
      contentType: 'application/json; charset=utf-8',
      cacheControl: RECORD_CACHE_CONTROL,
      ifNoneMatch: '*',
    });
  } catch (error) {
    throw error instanceof PreconditionFailed ? releaseExists(bucket.name, record.id) : error;
  }
}

/** Whether the record stored under `id` describes exactly this build (an interrupted run's). */
async function isThisBuild(bucket: Bucket, id: string, record: ReleaseRecord): Promise<boolean> {
  const stored = await readRecord(bucket, id).catch(() => undefined);
  return stored !== undefined && sameBuild(stored, record);
}

function releaseExists(bucket: string, id: string): ConflictError {
  return new ConflictError(
    `Release "${id}" already exists in s3://${bucket} and releases are immutable. Pass a new --release id ` +
      `(or omit it for time + git sha); to make the existing one live, run \`shellfront rollback --to ${id}\`.`,
  );
}
