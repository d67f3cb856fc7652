/**
 * The releases in a bucket: every `releases/<id>.json` record (one listing, then the records
 * read in parallel), newest first. Shared by `releases` and `prune`.
 */
import { RELEASES_PREFIX, type ReleaseRecord } from '../../contracts/release.ts';
import type { Bucket } from '../bucket/bucket.ts';
import { readRecord } from '../channels/live.ts';
import { mapLimit } from '../shared/pool.ts';

export interface StoredRelease {
  readonly id: string;
  readonly record: ReleaseRecord | undefined;
  /** Why the record could not be read, when it could not. */
  readonly problem?: string;
}

export interface History {
  readonly releases: readonly StoredRelease[];
  /** Ids that have a `releases/<id>/` folder but no record (e.g. a deploy killed mid-upload). */
  readonly orphanFolders: readonly string[];
}

export async function readHistory(bucket: Bucket): Promise<History> {
  const { objects, folders } = await bucket.listFolder(RELEASES_PREFIX);
  const ids = objects
    .map((object) => object.key.slice(RELEASES_PREFIX.length))
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length));
  const releases = await mapLimit(ids, 16, async (id): Promise<StoredRelease> => {
    try {
      return { id, record: await readRecord(bucket, id) };
    } catch (error) {
      return { id, record: undefined, problem: (error as Error).message };
    }
  });
  releases.sort((a, b) => (b.record?.createdAt ?? '').localeCompare(a.record?.createdAt ?? '') || b.id.localeCompare(a.id));
  const recorded = new Set(ids);
  const orphanFolders = folders.map((folder) => folder.slice(RELEASES_PREFIX.length, -1)).filter((id) => !recorded.has(id));
  return { releases, orphanFolders };
}

/** Bytes a release serves: its shell, files and assets. */
export function releaseSize(record: ReleaseRecord): number {
  const sum = (entries: readonly { size: number }[]) => entries.reduce((total, entry) => total + entry.size, 0);
  return Buffer.byteLength(record.shell) + sum(record.files) + sum(record.assets);
}
