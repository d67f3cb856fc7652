/**
 * Which of a build's assets the bucket already has, which are missing, and which would get
 * different bytes under an existing key (refused: assets are immutable). The caller lists the
 * asset folders once; a HEAD only for the rare key whose ETag is not a plain MD5 (SSE-KMS, multipart).
 */
import type { ReleaseRecord } from '../../contracts/release.ts';
import type { Bucket } from '../bucket/bucket.ts';
import type { Listing } from './completeness.ts';
import type { DistFile, ScannedDist } from '../build/dist.ts';
import { ConflictError, listSome } from '../shared/errors.ts';
import { mapLimit } from '../shared/pool.ts';

export interface AssetConflict {
  readonly path: string;
  readonly reason: string;
}

export interface AssetPlan {
  readonly missing: readonly DistFile[];
  /** Leftovers of interrupted uploads, not used by the live release, uploaded again: see planAssets. */
  readonly leftovers: readonly string[];
  readonly present: readonly DistFile[];
  readonly conflicts: readonly AssetConflict[];
  conflictError(bucket: string): ConflictError;
}

/**
 * `existing`: a listing of the build's asset folders, taken before uploading. `liveAssets`: keys
 * the live release references. An object the live release does not use is the leftover of an
 * interrupted upload (some S3-compatible servers, s3rver among them, keep a PUT cut mid-body; S3
 * never does) and is uploaded again rather than refused when it is empty, or when its size differs
 * and its `sha256` metadata is absent (not written by this CLI) or names this very file (our own
 * upload, cut short). A different size under a different recorded checksum is a real conflict.
 */
export async function planAssets(
  bucket: Bucket,
  dist: ScannedDist,
  existing: Listing,
  liveAssets: ReadonlySet<string>,
): Promise<AssetPlan> {
  const missing: DistFile[] = [];
  const leftovers: string[] = [];
  const present: DistFile[] = [];
  const conflicts: AssetConflict[] = [];
  const unsure: { asset: DistFile; size: number }[] = [];
  for (const asset of dist.assets) {
    const object = existing.get(asset.path);
    if (!object) missing.push(asset);
    else if (object.size === 0 && asset.size > 0 && !liveAssets.has(asset.path)) {
      missing.push(asset);
      leftovers.push(asset.path);
    } else if (object.size !== asset.size && liveAssets.has(asset.path)) {
      conflicts.push({ path: asset.path, reason: `${object.size} bytes in the bucket, ${asset.size} in the build` });
    } else if (object.size === asset.size && object.etag === asset.md5Hex) present.push(asset);
    else unsure.push({ asset, size: object.size });
  }
  // The listing's size is authoritative; a HEAD only reads the checksum the CLI stored.
  await mapLimit(unsure, 16, async ({ asset, size }) => {
    const head = await bucket.head(asset.path);
    const recorded = head?.metadata.sha256;
    if (!head) missing.push(asset);
    else if (size === asset.size && recorded === asset.sha256) present.push(asset);
    else if (size !== asset.size && (recorded === undefined || recorded === asset.sha256)) {
      missing.push(asset);
      leftovers.push(asset.path);
    } else {
      const reason = size === asset.size ? 'same size, different bytes' : `${size} bytes in the bucket, ${asset.size} in the build`;
      conflicts.push({ path: asset.path, reason });
    }
  });
  return {
    missing,
    leftovers,
    present,
    conflicts,
    conflictError: (name) =>
      new ConflictError(
        `${conflicts.length} asset(s) already in s3://${name} would get different bytes under the same key, and assets are immutable ` +
          `(old tabs and caches keep the old bytes for a year):\n${listSome(conflicts.map((c) => `${c.path}: ${c.reason}`))}\n` +
          `Give changed files content-hashed names (Vite and Vue CLI do this for everything they process), or move unhashed files out of the asset folders (e.g. Vite's public/ root).`,
      ),
  };
}

/** Whether two releases serve exactly the same site: shell, files, assets, asset folders and config. */
export function sameBuild(a: ReleaseRecord, b: ReleaseRecord): boolean {
  const content = (release: ReleaseRecord) =>
    JSON.stringify([
      release.shell,
      release.assetPrefixes,
      release.assets,
      release.files,
      release.config ?? null,
      release.rules ?? null,
      release.fileExtensions ?? null,
    ]);
  return content(a) === content(b);
}
