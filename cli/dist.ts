/**
 * Reads a build folder: which tool made it (Vite, Vue CLI / webpack, or a plain folder with an
 * index.html), its shell, and every file classified as a shared hashed asset or a per-release
 * file, with size, SHA-256, MD5 and Content-Type. Build metadata is not part of the site.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import mime from 'mime';
import { join, sep } from 'node:path';
import { MANIFEST_KEY, RELEASES_PREFIX, filePathProblem } from '../contracts/release.ts';
import { InputError, listSome } from './errors.ts';

export type BuildKind = 'vite' | 'webpack' | 'static';

/** Asset folders of a Vue CLI / webpack build. */
export const WEBPACK_ASSET_DIRS = ['js/', 'css/', 'img/', 'fonts/', 'media/'] as const;
export const VITE_ASSET_DIRS = ['assets/'] as const;
const VITE_MANIFEST = '.vite/manifest.json';

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
}

export async function scanDist(root: string, options: ScanOptions = {}): Promise<ScannedDist> {
  return describeLayout(await readLayout(root, options));
}

/** Walks and classifies the build: which tool made it, its asset folders, its files. Fast: reads no file contents. */
export async function readLayout(root: string, options: ScanOptions = {}): Promise<DistLayout> {
  const paths = await listFiles(root);
  const present = new Set(paths);
  const kind = await detectKind(root, present);
  if (!present.has('index.html')) {
    throw new InputError(
      `${root} has no index.html, so it is not a single-page app build. ` +
        `Point shellfront at the build output folder (Vite: dist/, Vue CLI: dist/) after running the build.`,
    );
  }
  const skipped = paths.filter((path) => (kind === 'vite' && path.startsWith('.vite/')) || (kind === 'webpack' && path === MANIFEST_KEY));
  const reserved = paths.filter((path) => !skipped.includes(path) && (path === MANIFEST_KEY || path.startsWith(RELEASES_PREFIX)));
  if (reserved.length > 0) {
    throw new InputError(
      `These files in ${root} collide with names shellfront reserves in the bucket ("${MANIFEST_KEY}" at the root, the "${RELEASES_PREFIX}" folder):\n` +
        `${listSome(reserved)}\nRename them in the build (e.g. a web app manifest as site.webmanifest).`,
    );
  }
  const unsafe = paths.flatMap((path) => {
    const problem = filePathProblem(path);
    return problem ? [`${path}: ${problem}`] : [];
  });
  if (unsafe.length > 0) throw new InputError(`Some file names in ${root} cannot be served:\n${listSome(unsafe)}`);
  const assetPrefixes = options.assetDirs ? normalizeDirs(options.assetDirs) : defaultAssetDirs(kind, paths);
  const site = paths.filter((path) => !skipped.includes(path) && path !== 'index.html');
  return { root, kind, assetPrefixes, paths: site, skipped };
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
  const unhashed = assets.filter((file) => !looksHashed(file.path)).map((file) => file.path);
  const warnings = unhashed.length
    ? [
        `${unhashed.length} file(s) in asset folders have no content hash in their name; they are stored as immutable, so a later build that changes one will be refused:\n${listSome(unhashed)}`,
      ]
    : [];
  const shell = readFileSync(join(layout.root, 'index.html'), 'utf-8');
  return { root: layout.root, kind: layout.kind, shell, assetPrefixes: layout.assetPrefixes, assets, files, skipped: layout.skipped, warnings };
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
    files.push(absolute.slice(root.replace(/[\\/]+$/, '').length + 1).split(sep).join('/'));
  }
  return files.sort();
}

async function detectKind(root: string, present: ReadonlySet<string>): Promise<BuildKind> {
  if (present.has(VITE_MANIFEST)) return 'vite';
  if (present.has(MANIFEST_KEY) && isFlatManifest(await readFile(join(root, MANIFEST_KEY), 'utf-8'))) return 'webpack';
  return 'static';
}

/** webpack-manifest-plugin's format: `{"js/app.js": "js/app.7bfe0aac.js", …}`. */
export function isFlatManifest(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const entries = Object.values(value);
    return entries.length > 0 && entries.every((entry) => typeof entry === 'string');
  } catch {
    return false;
  }
}

function defaultAssetDirs(kind: BuildKind, paths: readonly string[]): string[] {
  const candidates: readonly string[] = kind === 'vite' ? VITE_ASSET_DIRS : kind === 'webpack' ? WEBPACK_ASSET_DIRS : [...VITE_ASSET_DIRS, ...WEBPACK_ASSET_DIRS];
  return candidates.filter((dir) => paths.some((path) => path.startsWith(dir)));
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
