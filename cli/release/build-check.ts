/**
 * A release is only as good as the files its page loads. Before any upload, deploy checks that
 * every file the shell and the bundler manifest reference is in the build, or already in the
 * bucket under one of the build's asset folders; verify checks the same for a release in the
 * bucket. Either failure is an IncompleteReleaseError (exit 5) that lists what is missing.
 */
import type { ReleaseRecord } from '../../contracts/release.ts';
import type { Bucket } from '../bucket/bucket.ts';
import type { Listing } from './completeness.ts';
import type { ScannedDist } from '../build/dist.ts';
import { IncompleteReleaseError, listSome } from '../shared/errors.ts';
import { missingReferences, shellReferences, type Reference } from '../build/references.ts';
import type { Reporter } from '../shared/report.ts';

/**
 * Throws when the build references files it lacks. `bucketAssets` lists the build's asset
 * folders in the bucket: an asset an earlier deploy uploaded also satisfies a reference (said as
 * a warning: only releases that contain it keep it from prune).
 */
export function requireReferencedFiles(dist: ScannedDist, bucketAssets: Listing, reporter: Reporter): void {
  const inBuild = new Set(['index.html', ...dist.assets.map((file) => file.path), ...dist.files.map((file) => file.path)]);
  const notInBuild = missingReferences(dist.references, (path) => inBuild.has(path));
  const inAssetFolder = (path: string) => dist.assetPrefixes.some((prefix) => path.startsWith(prefix));
  const fromBucket = notInBuild.filter((ref) => inAssetFolder(ref.path) && bucketAssets.has(ref.path));
  const missing = notInBuild.filter((ref) => !fromBucket.includes(ref));
  if (missing.length > 0) {
    throw new IncompleteReleaseError(
      `The build in ${dist.root} references ${missing.length === 1 ? 'a file' : `${missing.length} files`} it does not contain, ` +
        `so the site would load a blank page. Nothing was uploaded.\n${listSome(missing.map(describe))}\n` +
        'Rebuild (a partial copy or a failed build step often causes this), or fix the reference in index.html.',
      missing.map((ref) => ref.path),
    );
  }
  if (fromBucket.length > 0) {
    reporter.warn(
      `${fromBucket.length === 1 ? 'A referenced asset is' : `${fromBucket.length} referenced assets are`} not in this build but already in the bucket ` +
        `(from an earlier deploy); prune keeps ${fromBucket.length === 1 ? 'it' : 'them'} only while a kept release contains ${fromBucket.length === 1 ? 'it' : 'them'}:\n` +
        listSome(fromBucket.map(describe)),
    );
  }
}

/**
 * The shell's references that a release in the bucket cannot serve: neither a file nor an asset
 * of the release, nor an object present under one of its asset folders (one HEAD each, rare).
 */
export async function unservedShellReferences(bucket: Bucket, release: ReleaseRecord): Promise<Reference[]> {
  const own = new Set(['index.html', ...release.files.map((file) => file.path), ...release.assets.map((asset) => asset.path)]);
  const candidates = missingReferences(shellReferences(release.shell), (path) => own.has(path));
  const unserved: Reference[] = [];
  for (const ref of candidates) {
    const inAssetFolder = release.assetPrefixes.some((prefix) => ref.path.startsWith(prefix));
    if (!inAssetFolder || !(await bucket.head(ref.path))) unserved.push(ref);
  }
  return unserved;
}

export function describe(ref: Reference): string {
  return `${ref.path} (${ref.from})`;
}
