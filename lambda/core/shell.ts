/**
 * A release prepared for serving: the shell rendered once (not per request), its ETag, and the
 * lookup tables routing needs. Preparing is part of accepting a manifest, so a release whose
 * shell cannot be served is rejected like any other bad manifest and the last good one stays.
 */
import { createHash } from 'node:crypto';
import { releaseFileKey, type Manifest } from '../../contracts/release.ts';
import { encodeKeyPath } from '../../contracts/s3-protocol.ts';
import { renderedShellSizeProblem, renderShell } from '../../contracts/shell.ts';
import { CompiledRules } from './rules.ts';

export interface PreparedRelease {
  readonly id: string;
  readonly manifest: Manifest;
  /**
   * The page the edge serves: the release's index.html (the record's `shell`, as built) with the
   * release data inserted. Named apart from the record's raw `shell`.
   */
  readonly page: string;
  readonly pageBytes: number;
  /** Strong ETag: release id + digest of the rendered shell. */
  readonly etag: string;
  readonly assetPrefixes: readonly string[];
  /** Release file path (relative, decoded) ⇒ the URI to forward to S3. */
  readonly fileUris: ReadonlyMap<string, string>;
  /** Extensions this release adds to STATIC_FILE_EXTENSIONS (its record's `fileExtensions`). */
  readonly fileExtensions: ReadonlySet<string>;
  /** Its `_redirects` and `_headers` rules, compiled once (lambda/core/rules.ts). */
  readonly rules: CompiledRules;
}

export class ShellTooLargeError extends Error {
  override readonly name = 'ShellTooLargeError';
  readonly bytes: number;
  constructor(id: string, bytes: number, problem: string) {
    super(`release ${id}: ${problem}`);
    this.bytes = bytes;
  }
}

export function prepareRelease(manifest: Manifest): PreparedRelease {
  const release = manifest.release;
  const page = renderShell(release);
  const pageBytes = Buffer.byteLength(page, 'utf8');
  const problem = renderedShellSizeProblem(pageBytes);
  if (problem) throw new ShellTooLargeError(release.id, pageBytes, problem);
  const digest = createHash('sha256').update(page).digest('base64url').slice(0, 16);
  const fileUris = new Map<string, string>();
  for (const file of release.files) fileUris.set(file.path, releaseFileUri(release.id, file.path));
  return {
    id: release.id,
    manifest,
    page,
    pageBytes,
    etag: `"${release.id}-${digest}"`,
    assetPrefixes: release.assetPrefixes,
    fileUris,
    fileExtensions: new Set(release.fileExtensions),
    rules: new CompiledRules(release.rules),
  };
}

/** The URI CloudFront forwards to S3 for a release file; S3 decodes it back to the key. */
export function releaseFileUri(id: string, filePath: string): string {
  return `/${encodeKeyPath(releaseFileKey(id, filePath))}`;
}
