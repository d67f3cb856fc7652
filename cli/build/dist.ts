/**
 * Reads a build folder: which tool made it (cli/build/build-kind.ts), its shell, and every file
 * classified as a shared hashed asset or a per-release file, with size, SHA-256, MD5 and
 * Content-Type. Build metadata is not part of the site.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import mime from 'mime';
import { join, sep } from 'node:path';
import { assetPatternForDir } from '../../contracts/edge-config.ts';
import { MANIFEST_KEY, NOT_FOUND_PAGE_FILE, RELEASES_PREFIX, SHELLFRONT_PREFIX, filePathProblem } from '../../contracts/release.ts';
import { RULES_FILES } from '../../contracts/rules.ts';
import { detectBuild, type BuildKind } from './build-kind.ts';
import { InputError, listSome } from '../shared/errors.ts';
import { count } from '../shared/report.ts';
import { shellReferences, type Reference } from './references.ts';

export type { BuildKind } from './build-kind.ts';

export interface DistFile {
  /** Relative to the dist root, "/"-separated. */
  readonly path: string;
  readonly absolutePath: string;
  readonly size: number;
  readonly sha256: string;
  /** Base64 MD5, sent as Content-MD5 and compared with listed ETags. */
  readonly md5Base64: string;
  readonly md5Hex: string;
  readonly contentType: string;
}

export interface ScannedDist {
  readonly root: string;
  readonly kind: BuildKind;
  readonly shell: string;
  readonly assetPrefixes: readonly string[];
  readonly assets: readonly DistFile[];
  readonly files: readonly DistFile[];
  /** Build metadata left out of the upload. */
  readonly skipped: readonly string[];
  /** Files the shell and the bundler manifest say the site needs. */
  readonly references: readonly Reference[];
  /** The build's 404.html (served with status 404 for missing files), when it has one. */
  readonly notFoundPage?: string;
  readonly warnings: readonly string[];
}

export interface ScanOptions {
  /** Overrides the asset folders the build kind implies (each ends with "/"). */
  readonly assetDirs?: readonly string[];
}

/** A build folder walked and classified, before any file is read. */
export interface DistLayout {
  readonly root: string;
  readonly kind: BuildKind;
  readonly assetPrefixes: readonly string[];
  /** Site files (not index.html, not build metadata), sorted. */
  readonly paths: readonly string[];
  readonly skipped: readonly string[];
  /** The bundler manifest's file references (the shell's are added once it is read). */
  readonly manifestReferences: readonly Reference[];
  /** Asset folders came from --asset-dirs rather than the build kind. */
  readonly assetDirsGiven: boolean;
}

export async function scanDist(root: string, options: ScanOptions = {}): Promise<ScannedDist> {
  return describeLayout(await readLayout(root, options));
}

/** Walks and classifies the build: which tool made it, its asset folders, its files. Fast: reads no file contents. */
export async function readLayout(root: string, options: ScanOptions = {}): Promise<DistLayout> {
  const paths = await listFiles(root);
  if (!paths.includes('index.html')) {
    throw new InputError(
      `${root} has no index.html, so it is not a single-page app build. ` +
        `Point shellfront at the build output folder (Vite: dist/, Vue CLI: dist/) after running the build.`,
    );
  }
  const build = await detectBuild(root, paths);
  // Build metadata, and the rules files (read into the release record, not served).
  const skipped = [...build.metadata, ...paths.filter((path) => RULES_FILES.includes(path))];
  const reserved = paths.filter(
    (path) => !skipped.includes(path) && (path.startsWith(RELEASES_PREFIX) || path.startsWith(SHELLFRONT_PREFIX)),
  );
  if (reserved.length > 0) {
    throw new InputError(
      `These files in ${root} collide with the folders shellfront reserves in the bucket ("${RELEASES_PREFIX}" and "${SHELLFRONT_PREFIX}"):\n` +
        `${listSome(reserved)}\nRename those folders in the build.`,
    );
  }
  const unsafe = paths.flatMap((path) => {
    const problem = filePathProblem(path);
    return problem ? [`${path}: ${problem}`] : [];
  });
  if (unsafe.length > 0) throw new InputError(`Some file names in ${root} cannot be served:\n${listSome(unsafe)}`);
  const assetPrefixes = options.assetDirs ? normalizeDirs(options.assetDirs) : [...build.assetDirs];
  const site = paths.filter((path) => !skipped.includes(path) && path !== 'index.html');
  return {
    root,
    kind: build.kind,
    assetPrefixes,
    paths: site,
    skipped,
    manifestReferences: build.references,
    assetDirsGiven: options.assetDirs !== undefined,
  };
}

/** Files hashed between two turns of the event loop. */
const FILES_PER_TURN = 64;

/**
 * Reads and hashes every file. Synchronous reads on purpose: for a thousand small files they
 * are several times faster than fs/promises. Callers start their S3 requests first; every
 * FILES_PER_TURN files the event loop gets a turn, so answers that arrive meanwhile are handled
 * (and the requests that depend on them sent) while hashing goes on.
 */
export async function describeLayout(layout: DistLayout): Promise<ScannedDist> {
  const isAsset = (path: string) => layout.assetPrefixes.some((prefix) => path.startsWith(prefix));
  const described: DistFile[] = [];
  for (const path of layout.paths) {
    if (described.length % FILES_PER_TURN === FILES_PER_TURN - 1) await new Promise<void>((resolve) => setImmediate(resolve));
    described.push(describeFile(layout.root, path));
  }
  const assets = described.filter((file) => isAsset(file.path));
  const files = described.filter((file) => !isAsset(file.path));
  const shell = readFileSync(join(layout.root, 'index.html'), 'utf-8');
  const references = [...shellReferences(shell), ...layout.manifestReferences];
  const notFoundPage = layout.paths.includes(NOT_FOUND_PAGE_FILE)
    ? readFileSync(join(layout.root, NOT_FOUND_PAGE_FILE), 'utf-8')
    : undefined;
  return {
    root: layout.root,
    kind: layout.kind,
    shell,
    assetPrefixes: layout.assetPrefixes,
    assets,
    files,
    skipped: layout.skipped,
    references,
    ...(notFoundPage !== undefined ? { notFoundPage } : {}),
    warnings: layoutWarnings(assets, files),
  };
}

/**
 * Hashed names outside the asset folders lose old-tab safety without a word: they become
 * per-release files (short caching, gone from the live folder after the next deploy), so a tab
 * still running this release fails to load its lazy chunks. Unhashed names inside them are
 * immutable forever. Both are said loudly, with the fix.
 */
function layoutWarnings(assets: readonly DistFile[], files: readonly DistFile[]): string[] {
  const warnings: string[] = [];
  const unhashed = assets.filter((file) => !looksHashed(file.path)).map((file) => file.path);
  if (unhashed.length > 0) {
    warnings.push(
      `${count(unhashed.length, 'file')} in asset folders ${unhashed.length === 1 ? 'has' : 'have'} no content hash in the name; ` +
        `assets are immutable, so a later build that changes one will be refused:\n${listSome(unhashed)}`,
    );
  }
  const hashedOutside = files.filter((file) => looksHashed(file.path) && /\.(m?js|css|wasm)$/.test(file.path)).map((file) => file.path);
  if (hashedOutside.length > 0) {
    const dirs = [...new Set(hashedOutside.filter((path) => path.includes('/')).map((path) => `${path.slice(0, path.indexOf('/'))}/`))];
    const fix = dirs.length
      ? `Deploy with --asset-dirs ${dirs.join(',')} and give the stack -c assetPathPatterns=${dirs.map(assetPatternForDir).join(',')} (the two go together).`
      : 'They sit at the build root, which cannot be an asset folder: configure the bundler to write its hashed output into a folder (e.g. assets/).';
    warnings.push(
      `${hashedOutside.length} content-hashed ${hashedOutside.length === 1 ? 'script or stylesheet is' : 'scripts or stylesheets are'} outside the asset folders, ` +
        `so ${hashedOutside.length === 1 ? 'it is' : 'they are'} uploaded as per-release files (cached 60 s): tabs still open on this release will fail to load ` +
        `${hashedOutside.length === 1 ? 'it' : 'them'} after the next deploy.\n${listSome(hashedOutside)}\n${fix}`,
    );
  }
  return warnings;
}

async function listFiles(root: string): Promise<string[]> {
  let entries;
  try {
    if (!(await stat(root)).isDirectory()) throw new InputError(`${root} is not a folder: pass the build output folder, e.g. dist/`);
    entries = await readdir(root, { recursive: true, withFileTypes: true });
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`Cannot read the build folder ${root} (${(error as Error).message}). Run the build first.`, { cause: error });
  }
  const files: string[] = [];
  for (const entry of entries) {
    const absolute = join(entry.parentPath, entry.name);
    const isFile = entry.isFile() || (entry.isSymbolicLink() && (await stat(absolute)).isFile());
    if (!isFile) continue;
    files.push(
      absolute
        .slice(root.replace(/[\\/]+$/, '').length + 1)
        .split(sep)
        .join('/'),
    );
  }
  return files.sort();
}

function normalizeDirs(dirs: readonly string[]): string[] {
  return [...new Set(dirs.map((dir) => dir.replace(/^\.?\/+/, '').replace(/\/*$/, '/')).filter((dir) => dir !== '/'))];
}

function describeFile(root: string, path: string): DistFile {
  const absolutePath = join(root, ...path.split('/'));
  const bytes = readFileSync(absolutePath);
  const md5 = createHash('md5').update(bytes).digest();
  return {
    path,
    absolutePath,
    size: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    md5Base64: md5.toString('base64'),
    md5Hex: md5.toString('hex'),
    contentType: contentTypeOf(path),
  };
}

/**
 * Whether a file name carries a content hash: after some "-" or ".", 8+ characters up to the next
 * "." that include a digit or mix cases (Vite `index-CGELnclK.js`, `index-D-3xYk_a.js`, webpack
 * `app.7bfe0aac.js`). Only used for a warning.
 */
export function looksHashed(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  for (let index = 0; index < name.length; index++) {
    if (name[index] !== '.' && name[index] !== '-') continue;
    const segment = name.slice(index + 1).split('.')[0] ?? '';
    if (/^[A-Za-z0-9_-]{8,}$/.test(segment) && (/\d/.test(segment) || (/[a-z]/.test(segment) && /[A-Z]/.test(segment)))) {
      return true;
    }
  }
  return false;
}

const TEXT_LIKE = /^(text\/|application\/(json|javascript|ld\+json|manifest\+json|xml)|image\/svg\+xml)/;

/** Content-Type by extension (the `mime` package), with a charset for text. */
export function contentTypeOf(path: string): string {
  const type = mime.getType(path) ?? 'application/octet-stream';
  return TEXT_LIKE.test(type) ? `${type}; charset=utf-8` : type;
}
