/**
 * Whether every object a release references is in the bucket with the recorded size: its
 * record, its per-release files and its assets. One listing per prefix, not a HEAD per file.
 */
import { RELEASES_PREFIX, releaseFileKey, releaseKeys, type ReleaseRecord } from '../../contracts/release.ts';
import type { Bucket, ListedObject } from '../bucket/bucket.ts';
import { usedAssetPrefixes } from '../build/build-kind.ts';
import { IncompleteReleaseError, listSome } from '../shared/errors.ts';

export interface Completeness {
  readonly checked: number;
  readonly missing: readonly string[];
  /** Present, but with a size other than the record's. */
  readonly wrongSize: readonly string[];
}

export type Listing = ReadonlyMap<string, ListedObject>;

/** Lists several prefixes in parallel into one map by key. */
export async function listPrefixes(bucket: Bucket, prefixes: readonly string[]): Promise<Map<string, ListedObject>> {
  const listed = new Map<string, ListedObject>();
  for (const listing of await Promise.all(prefixes.map((prefix) => bucket.list(prefix)))) {
    for (const object of listing) listed.set(object.key, object);
  }
  return listed;
}

/**
 * Compares a release with a listing that covers `releases/<id>` and its asset folders.
 * `confirmed`: keys known to exist without listing (S3 just answered 200 to their PUT).
 */
export function completenessOf(release: ReleaseRecord, listed: Listing, confirmed: ReadonlySet<string> = new Set()): Completeness {
  const expectedSize = new Map<string, number>([
    ...release.files.map((file) => [releaseFileKey(release.id, file.path), file.size] as const),
    ...release.assets.map((asset) => [asset.path, asset.size] as const),
  ]);
  const keys = releaseKeys(release).filter((key) => !confirmed.has(key));
  const missing = keys.filter((key) => !listed.has(key));
  const wrongSize = keys.filter((key) => {
    const size = expectedSize.get(key);
    const object = listed.get(key);
    return size !== undefined && object !== undefined && object.size !== size;
  });
  return { checked: keys.length + confirmed.size, missing, wrongSize };
}

/** Lists only the prefixes that hold keys not already confirmed; none when all are. */
export async function checkComplete(
  bucket: Bucket,
  release: ReleaseRecord,
  confirmed: ReadonlySet<string> = new Set(),
): Promise<Completeness> {
  const own = `${RELEASES_PREFIX}${release.id}`;
  const unconfirmed = releaseKeys(release).filter((key) => !confirmed.has(key));
  const prefixes = [
    own,
    ...usedAssetPrefixes(
      release.assetPrefixes,
      release.assets.map((asset) => asset.path),
    ),
  ].filter((prefix) => unconfirmed.some((key) => key.startsWith(prefix)));
  return completenessOf(release, await listPrefixes(bucket, prefixes), confirmed);
}

export function incompleteError(bucket: string, release: ReleaseRecord, result: Completeness, what: string): IncompleteReleaseError {
  const problems = [...result.missing.map((key) => `missing: ${key}`), ...result.wrongSize.map((key) => `wrong size: ${key}`)];
  return new IncompleteReleaseError(
    `${what}: release "${release.id}" is incomplete in s3://${bucket} (${problems.length} of ${result.checked} objects):\n${listSome(problems)}`,
    [...result.missing, ...result.wrongSize],
  );
}

/** Throws an IncompleteReleaseError naming what is missing, unless the release is complete. */
export async function requireComplete(
  bucket: Bucket,
  release: ReleaseRecord,
  what: string,
  confirmed: ReadonlySet<string> = new Set(),
): Promise<Completeness> {
  const result = await checkComplete(bucket, release, confirmed);
  if (result.missing.length + result.wrongSize.length > 0) throw incompleteError(bucket.name, release, result, what);
  return result;
}
