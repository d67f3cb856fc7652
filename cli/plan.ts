/**
 * Which of a build's assets the bucket already has, which are missing, and which would get
 * different bytes under an existing key (refused: assets are immutable). One listing per
 * asset folder; a HEAD only for the rare key whose ETag is not a plain MD5 (SSE-KMS, multipart).
 */
import type { Bucket, ListedObject } from './bucket.ts';
import type { DistFile, ScannedDist } from './dist.ts';
import { ConflictError, listSome } from './errors.ts';
import { mapLimit } from './pool.ts';

export interface AssetConflict {
  readonly path: string;
  readonly reason: string;
}

export interface AssetPlan {
  readonly missing: readonly DistFile[];
  readonly present: readonly DistFile[];
  readonly conflicts: readonly AssetConflict[];
  conflictError(bucket: string): ConflictError;
}

export async function planAssets(bucket: Bucket, dist: ScannedDist): Promise<AssetPlan> {
  const prefixes = dist.assetPrefixes.filter((prefix) => dist.assets.some((asset) => asset.path.startsWith(prefix)));
  const existing = new Map<string, ListedObject>();
  for (const listing of await Promise.all(prefixes.map((prefix) => bucket.list(prefix)))) {
    for (const object of listing) existing.set(object.key, object);
  }
  const missing: DistFile[] = [];
  const present: DistFile[] = [];
  const conflicts: AssetConflict[] = [];
  const unsure: DistFile[] = [];
  for (const asset of dist.assets) {
    const object = existing.get(asset.path);
    if (!object) missing.push(asset);
    else if (object.size !== asset.size) conflicts.push({ path: asset.path, reason: `${object.size} bytes in the bucket, ${asset.size} in the build` });
    else if (object.etag === asset.md5Hex) present.push(asset);
    else unsure.push(asset);
  }
  await mapLimit(unsure, 16, async (asset) => {
    const head = await bucket.head(asset.path);
    if (!head) missing.push(asset);
    else if (head.metadata.sha256 === asset.sha256) present.push(asset);
    else conflicts.push({ path: asset.path, reason: 'same size, different bytes' });
  });
  return {
    missing,
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
