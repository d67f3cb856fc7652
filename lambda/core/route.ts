/**
 * Routing on the (validated, decoded) path only: the shell, a pass-through to a hashed asset,
 * a rewrite to a file of the release, or 404. CloudFront caches by path, so nothing else
 * (Accept, cookies) may change the answer.
 */
import { RELEASES_PREFIX, SHELLFRONT_PREFIX } from '../../contracts/release.ts';
import { hasStaticFileExtension } from '../../contracts/static-files.ts';
import type { PreparedRelease } from './shell.ts';

export type Route =
  | { readonly kind: 'shell' }
  /** Under an asset prefix: S3 at the natural key, URI unchanged. */
  | { readonly kind: 'asset' }
  /** A file of the release: S3 at `releases/<id>/<file>` (URI built from the manifest entry). */
  | { readonly kind: 'release-file'; readonly uri: string }
  | { readonly kind: 'not-found' };

const SHELL: Route = { kind: 'shell' };
const ASSET: Route = { kind: 'asset' };
const NOT_FOUND: Route = { kind: 'not-found' };

/** A path ending in a known static-file extension (or one the release adds) is a file: it must never get the shell. */
export function looksLikeFile(path: string, extra?: ReadonlySet<string>): boolean {
  return hasStaticFileExtension(path, extra);
}

/**
 * Paths that are 404 whatever the release says: everything under `releases/` (records and files
 * are only reachable through a rewrite) and `_shellfront/` (the channel pointers). Decided before
 * the manifest loads. `/manifest.json` is not among them: the pointers moved under `_shellfront/`,
 * so a build's own manifest.json (a web app manifest) is an ordinary release file, and the legacy
 * pointer at the bucket root is never reachable (only asset folders pass through unchanged).
 */
export function isReserved(path: string): boolean {
  const relative = path.slice(1);
  return relative.startsWith(RELEASES_PREFIX) || relative.startsWith(SHELLFRONT_PREFIX);
}

export function route(path: string, release: PreparedRelease): Route {
  if (path === '/' || path === '/index.html') return SHELL;
  const relative = path.slice(1);
  for (const prefix of release.assetPrefixes) {
    if (relative.startsWith(prefix)) return ASSET;
  }
  const uri = release.fileUris.get(relative);
  if (uri !== undefined) return { kind: 'release-file', uri };
  return looksLikeFile(relative, release.fileExtensions) ? NOT_FOUND : SHELL;
}
