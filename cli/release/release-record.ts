/**
 * The release record a deploy writes: built from the scanned build (with the runtime config it
 * keeps or replaces), written once with If-None-Match (records are immutable), and recognised
 * when an interrupted run of the same build already wrote it.
 */
import {
  RECORD_CACHE_CONTROL,
  RELEASE_SCHEMA_VERSION,
  releaseRecordKey,
  validateReleaseRecord,
  type FileEntry,
  type ReleaseRecord,
} from '../../contracts/release.ts';
import type { ReleaseRules } from '../../contracts/rules.ts';
import { PreconditionFailed, type Bucket } from '../bucket/bucket.ts';
import type { DistFile, ScannedDist } from '../build/dist.ts';
import { ConflictError, InputError } from '../shared/errors.ts';
import { readRecord } from '../channels/live.ts';
import { sameBuild } from './plan.ts';
import type { GitInfo } from './release-id.ts';
import type { Reporter } from '../shared/report.ts';

export type RuntimeConfig = Readonly<Record<string, unknown>>;

/** What the record takes from the deploy's options besides the build. */
export interface RecordOptions {
  readonly message?: string;
  readonly git?: GitInfo;
  /** From the build's `_redirects` and `_headers` (cli/rules/read.ts). */
  readonly rules?: ReleaseRules;
  readonly fileExtensions?: readonly string[];
}

/** The config the new release gets: the one given, none for `--config none`, else the live one's. */
export function runtimeConfig(
  given: RuntimeConfig | null | undefined,
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

export function buildRecord(
  dist: ScannedDist,
  id: string,
  createdAt: Date,
  options: RecordOptions,
  config: RuntimeConfig | undefined,
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
      ...(dist.notFoundPage !== undefined ? { notFoundPage: dist.notFoundPage } : {}),
      ...(options.rules !== undefined ? { rules: options.rules } : {}),
      ...(options.fileExtensions !== undefined && options.fileExtensions.length > 0 ? { fileExtensions: options.fileExtensions } : {}),
    });
  } catch (error) {
    throw new InputError(`The build in ${dist.root} does not make a valid release: ${(error as Error).message}`, { cause: error });
  }
}

export async function writeRecord(bucket: Bucket, record: ReleaseRecord): Promise<void> {
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
export async function isThisBuild(bucket: Bucket, id: string, record: ReleaseRecord): Promise<boolean> {
  const stored = await readRecord(bucket, id).catch(() => undefined);
  return stored !== undefined && sameBuild(stored, record);
}

export function releaseExists(bucket: string, id: string): ConflictError {
  return new ConflictError(
    `Release "${id}" already exists in s3://${bucket} and releases are immutable. Pass a new --release id ` +
      `(or omit it for time + git sha); to make the existing one live, run \`shellfront rollback --to ${id}\`.`,
  );
}
