/**
 * The release format: the one contract between the deploy CLI (which writes it) and the edge
 * handler (which reads it). Pure data and validation; no I/O, no dependencies, safe to bundle
 * into the edge function.
 *
 * Bucket layout (see docs/release-format.md):
 *   <asset prefix>/<hashed file>   shared by all releases, immutable
 *   releases/<id>/<file>           a release's own non-hashed files (favicon.svg, robots.txt, …)
 *   releases/<id>.json             the release record, immutable once written
 *   manifest.json                  the only mutable object: names (and embeds) the live release
 */

import { type ReleaseRules, validateRoutingFields } from './rules.ts';

export const RELEASE_SCHEMA_VERSION = 1;
export const MANIFEST_KEY = 'manifest.json';
export const RELEASES_PREFIX = 'releases/';
/** shellfront's own bucket objects (channel pointers, contracts/channels.ts); never a build file. */
export const SHELLFRONT_PREFIX = '_shellfront/';
/** A manifest or record larger than this is refused before it is parsed. */
export const MAX_RECORD_BYTES = 5 * 1024 * 1024;
/** The app's own 404.html travels in the record (and so in every manifest GET): kept small. */
export const MAX_NOT_FOUND_PAGE_BYTES = 64 * 1024;
/** The build file that becomes the release's 404 page. */
export const NOT_FOUND_PAGE_FILE = '404.html';

/** How many earlier live releases the manifest remembers (for `rollback` with no `--to`). */
export const MAX_HISTORY = 20;
export const MAX_PATH_LENGTH = 1024;

export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/**
 * A release's own files (favicon, robots.txt, a web app manifest) are served at their site path,
 * which every release shares, so CloudFront must not keep them longer than the shell: `s-maxage`
 * is the default shell CDN time, and a release switch shows them within TTL + that, like the shell.
 * Browsers keep them a minute.
 */
export const RELEASE_FILE_CACHE_CONTROL = 'public, max-age=60, s-maxage=10, must-revalidate';
export const RECORD_CACHE_CONTROL = 'no-cache';
export const MANIFEST_CACHE_CONTROL = 'no-cache';

/** One file of a build, as recorded in a release. `path` is relative to the site root. */
export interface FileEntry {
  readonly path: string;
  readonly size: number;
  /** Lowercase hex SHA-256 of the bytes. */
  readonly sha256: string;
  readonly contentType: string;
}

export interface ReleaseRecord {
  readonly schema: typeof RELEASE_SCHEMA_VERSION;
  readonly id: string;
  /** ISO 8601 time the release was created. */
  readonly createdAt: string;
  readonly message?: string;
  /** The commit the build came from, and where that was read (`--git-sha`, `GITHUB_SHA`, `git in <dir>`). */
  readonly git?: { readonly sha?: string; readonly ref?: string; readonly source?: string };
  /** The build's index.html, verbatim (the template): the edge renders it, once per release, into the page it serves (`PreparedRelease.page`). */
  readonly shell: string;
  /**
   * Directories of hashed, immutable assets (e.g. `assets/` for Vite, `js/`, `css/` for Vue CLI).
   * Each ends with `/`. Any request under one of them goes to S3 at its natural key.
   */
  readonly assetPrefixes: readonly string[];
  /** Hashed assets this release references, at their natural keys. */
  readonly assets: readonly FileEntry[];
  /** Per-release files, stored at `releases/<id>/<path>`. index.html is not among them. */
  readonly files: readonly FileEntry[];
  /** Runtime config, injected into the shell as JSON. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** The build's own `404.html`, verbatim, served with status 404 for a missing file (else the plain page). */
  readonly notFoundPage?: string;
  /** From `_redirects`/`_headers` and `--file-extensions` (contracts/rules.ts). Optional, like notFoundPage: older records lack them, older handlers ignore them. */
  readonly rules?: ReleaseRules;
  readonly fileExtensions?: readonly string[];
}

export interface Manifest {
  readonly schema: typeof RELEASE_SCHEMA_VERSION;
  readonly updatedAt: string;
  /** The live release, embedded so the edge needs one GET per refresh. */
  readonly release: ReleaseRecord;
  /** Ids of the releases that were live before this one, newest first. */
  readonly previous: readonly string[];
}

export class ReleaseFormatError extends Error {
  override readonly name = 'ReleaseFormatError';
  /** Where in the document the problem is, e.g. `release.files[3].path`. */
  readonly field: string;
  constructor(field: string, problem: string, options?: { cause?: unknown }) {
    super(`${field}: ${problem}`, options);
    this.field = field;
  }
}

export function releaseRecordKey(id: string): string {
  return `${RELEASES_PREFIX}${id}.json`;
}

export function releaseFileKey(id: string, path: string): string {
  return `${RELEASES_PREFIX}${id}/${path}`;
}

const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const ASSET_PREFIX = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*\/$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why `id` is not a valid release id, or undefined when it is. */
export function releaseIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return `expected a string, got ${describe(id)}`;
  if (!RELEASE_ID.test(id) || id.includes('..')) {
    return `expected 1-128 characters of A-Z a-z 0-9 . _ - starting with a letter or digit and without "..", got ${JSON.stringify(id)}`;
  }
  return undefined;
}

/**
 * Why `path` is not a safe relative file path inside a release, or undefined when it is.
 * Checked on both sides: the CLI before it writes, the handler before it trusts a manifest.
 */
export function filePathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string') return `expected a string, got ${describe(path)}`;
  if (path.length === 0) return 'expected a file path, got an empty string';
  if (path.length > MAX_PATH_LENGTH) return `expected at most ${MAX_PATH_LENGTH} characters, got ${path.length}`;
  if (CONTROL.test(path)) return `must not contain NUL or control characters, got ${JSON.stringify(path)}`;
  if (path.includes('\\')) return `must use "/" not backslashes, got ${JSON.stringify(path)}`;
  if (path.startsWith('/')) return `must be relative to the site root (no leading "/"), got ${JSON.stringify(path)}`;
  if (/^[A-Za-z]:/.test(path)) return `must be relative, not a drive path, got ${JSON.stringify(path)}`;
  const segments = path.split('/');
  if (segments.some((s) => s === '..')) return `must not contain "..", got ${JSON.stringify(path)}`;
  if (segments.some((s) => s === '' || s === '.')) {
    return `must not contain empty or "." segments, got ${JSON.stringify(path)}`;
  }
  if (path.endsWith('/')) return `must name a file, not a folder, got ${JSON.stringify(path)}`;
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}

function fail(field: string, problem: string): never {
  throw new ReleaseFormatError(field, problem);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireObject(value: unknown, field: string): Record<string, unknown> {
  if (!isObject(value)) fail(field, `expected an object, got ${describe(value)}`);
  return value;
}

function requireString(value: unknown, field: string, { nonEmpty = false } = {}): string {
  if (typeof value !== 'string') fail(field, `expected a string, got ${describe(value)}`);
  if (nonEmpty && value.trim().length === 0) fail(field, 'expected a non-empty string');
  return value;
}

function requireIsoTime(value: unknown, field: string): string {
  const text = requireString(value, field);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(Date.parse(text))) {
    fail(field, `expected an ISO 8601 time like 2026-11-23T10:00:00.000Z, got ${JSON.stringify(text)}`);
  }
  return text;
}

function requireSchema(value: unknown, field: string): void {
  if (value !== RELEASE_SCHEMA_VERSION) {
    fail(
      field,
      `unknown schema version ${describe(value)}; this shellfront reads schema ${RELEASE_SCHEMA_VERSION} (upgrade shellfront to read newer releases)`,
    );
  }
}

function validateFiles(value: unknown, field: string, seen: Map<string, string>): FileEntry[] {
  if (!Array.isArray(value)) fail(field, `expected an array, got ${describe(value)}`);
  return value.map((raw, index) => {
    const at = `${field}[${index}]`;
    const entry = requireObject(raw, at);
    const problem = filePathProblem(entry.path);
    if (problem) fail(`${at}.path`, problem);
    const path = entry.path as string;
    const first = seen.get(path);
    if (first) fail(`${at}.path`, `duplicate path ${JSON.stringify(path)} (already listed at ${first})`);
    seen.set(path, at);
    if (!Number.isSafeInteger(entry.size) || (entry.size as number) < 0) {
      fail(`${at}.size`, `expected a whole number of bytes >= 0, got ${describe(entry.size)}`);
    }
    if (typeof entry.sha256 !== 'string' || !SHA256.test(entry.sha256)) {
      fail(`${at}.sha256`, `expected 64 lowercase hex characters, got ${describe(entry.sha256)}`);
    }
    const contentType = requireString(entry.contentType, `${at}.contentType`, { nonEmpty: true });
    if (CONTROL.test(contentType)) fail(`${at}.contentType`, 'must not contain control characters');
    return { path, size: entry.size as number, sha256: entry.sha256, contentType };
  });
}

/** Validates a parsed release record; returns it typed, or throws a ReleaseFormatError. */
export function validateReleaseRecord(value: unknown, field = 'release'): ReleaseRecord {
  const record = requireObject(value, field);
  requireSchema(record.schema, `${field}.schema`);
  const idProblem = releaseIdProblem(record.id);
  if (idProblem) fail(`${field}.id`, idProblem);
  const id = record.id as string;
  const createdAt = requireIsoTime(record.createdAt, `${field}.createdAt`);
  if (record.message !== undefined) requireString(record.message, `${field}.message`);
  if (record.git !== undefined) {
    const git = requireObject(record.git, `${field}.git`);
    if (git.sha !== undefined) requireString(git.sha, `${field}.git.sha`);
    if (git.ref !== undefined) requireString(git.ref, `${field}.git.ref`);
    if (git.source !== undefined) requireString(git.source, `${field}.git.source`);
  }
  if (record.shell === undefined) fail(`${field}.shell`, "missing: a release needs the build's index.html");
  const shell = requireString(record.shell, `${field}.shell`);
  if (shell.trim().length === 0) fail(`${field}.shell`, "is empty: a release needs the build's index.html");

  if (!Array.isArray(record.assetPrefixes)) {
    fail(`${field}.assetPrefixes`, `expected an array of folders like "assets/", got ${describe(record.assetPrefixes)}`);
  }
  const assetPrefixes = record.assetPrefixes.map((prefix: unknown, index: number) => {
    const at = `${field}.assetPrefixes[${index}]`;
    if (typeof prefix !== 'string' || !ASSET_PREFIX.test(prefix) || prefix.split('/').includes('..')) {
      fail(at, `expected a relative folder ending in "/" like "assets/", got ${describe(prefix)}`);
    }
    if (prefix === RELEASES_PREFIX || prefix.startsWith(RELEASES_PREFIX)) {
      fail(at, `"${RELEASES_PREFIX}" is reserved for release files and records`);
    }
    if (prefix.startsWith(SHELLFRONT_PREFIX)) fail(at, `"${SHELLFRONT_PREFIX}" is reserved for channel pointers`);
    return prefix;
  });

  const seen = new Map<string, string>();
  const assets = validateFiles(record.assets, `${field}.assets`, seen);
  assets.forEach((asset, index) => {
    if (!assetPrefixes.some((prefix: string) => asset.path.startsWith(prefix))) {
      fail(
        `${field}.assets[${index}].path`,
        `${JSON.stringify(asset.path)} is not under any asset prefix (${assetPrefixes.join(', ') || 'none'})`,
      );
    }
  });
  const files = validateFiles(record.files, `${field}.files`, seen);
  files.forEach((file, index) => {
    const at = `${field}.files[${index}].path`;
    if (file.path === 'index.html') fail(at, 'index.html is the shell, not a release file');
    if (file.path.startsWith(RELEASES_PREFIX)) fail(at, `"${RELEASES_PREFIX}" is reserved for release files and records`);
    if (file.path.startsWith(SHELLFRONT_PREFIX)) fail(at, `"${SHELLFRONT_PREFIX}" is reserved for channel pointers`);
    if (assetPrefixes.some((prefix: string) => file.path.startsWith(prefix))) {
      fail(at, `${JSON.stringify(file.path)} is under an asset prefix: list it in assets instead`);
    }
  });

  if (record.config !== undefined && !isObject(record.config)) {
    fail(`${field}.config`, `expected a JSON object, got ${describe(record.config)}`);
  }
  if (record.notFoundPage !== undefined) {
    requireString(record.notFoundPage, `${field}.notFoundPage`);
    const bytes = new TextEncoder().encode(record.notFoundPage as string).byteLength;
    if (bytes > MAX_NOT_FOUND_PAGE_BYTES) {
      fail(
        `${field}.notFoundPage`,
        `is ${bytes} bytes; the limit is ${MAX_NOT_FOUND_PAGE_BYTES} (it travels in the manifest every edge reads)`,
      );
    }
  }
  return {
    schema: RELEASE_SCHEMA_VERSION,
    id,
    createdAt,
    ...(record.message !== undefined ? { message: record.message as string } : {}),
    ...(record.git !== undefined ? { git: record.git as ReleaseRecord['git'] } : {}),
    shell,
    assetPrefixes,
    assets,
    files,
    ...(record.config !== undefined ? { config: record.config as Record<string, unknown> } : {}),
    ...(record.notFoundPage !== undefined ? { notFoundPage: record.notFoundPage as string } : {}),
    ...validateRoutingFields(record, field, fail),
  };
}

/** Validates a parsed manifest; returns it typed, or throws a ReleaseFormatError. */
export function validateManifest(value: unknown): Manifest {
  const manifest = requireObject(value, 'manifest');
  requireSchema(manifest.schema, 'manifest.schema');
  const updatedAt = requireIsoTime(manifest.updatedAt, 'manifest.updatedAt');
  const release = validateReleaseRecord(manifest.release, 'manifest.release');
  const previousRaw = manifest.previous ?? [];
  if (!Array.isArray(previousRaw)) fail('manifest.previous', `expected an array of release ids, got ${describe(previousRaw)}`);
  const previous = previousRaw.map((id: unknown, index: number) => {
    const problem = releaseIdProblem(id);
    if (problem) fail(`manifest.previous[${index}]`, problem);
    return id as string;
  });
  return { schema: RELEASE_SCHEMA_VERSION, updatedAt, release, previous };
}

function parseJsonDocument(text: string, what: string): unknown {
  // A string's UTF-8 size is at most 3 bytes per UTF-16 unit: only long texts need encoding.
  const bytes = text.length * 3 <= MAX_RECORD_BYTES ? text.length : new TextEncoder().encode(text).byteLength;
  if (bytes > MAX_RECORD_BYTES) {
    fail(what, `is ${bytes} bytes; the limit is ${MAX_RECORD_BYTES} (5 MB): keep large data out of the release config`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ReleaseFormatError(what, `is not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

/** Parses and validates the text of `manifest.json`. */
export function parseManifest(text: string): Manifest {
  return validateManifest(parseJsonDocument(text, 'manifest'));
}

/** Parses and validates the text of `releases/<id>.json`. */
export function parseReleaseRecord(text: string): ReleaseRecord {
  return validateReleaseRecord(parseJsonDocument(text, 'release'));
}

/** A new manifest that makes `release` live, remembering `current` as the previous one. */
export function nextManifest(release: ReleaseRecord, current: Manifest | undefined, now: Date): Manifest {
  const previous = current ? [current.release.id, ...current.previous].filter((id) => id !== release.id).slice(0, MAX_HISTORY) : [];
  return { schema: RELEASE_SCHEMA_VERSION, updatedAt: now.toISOString(), release, previous };
}

/** Every key a release needs in the bucket: its record, its files and the assets it references. */
export function releaseKeys(release: ReleaseRecord): string[] {
  return [
    releaseRecordKey(release.id),
    ...release.files.map((file) => releaseFileKey(release.id, file.path)),
    ...release.assets.map((asset) => asset.path),
  ];
}

/**
 * How the handler hands the release and its runtime config to the app: a JSON data block
 * (not executed, so a strict `script-src 'self'` CSP allows it) inserted before `</head>`:
 *   <script type="application/json" id="shellfront-data">{"release":"<id>","config":{…}}</script>
 * The app reads `JSON.parse(document.getElementById('shellfront-data').textContent)`.
 */
export const SHELL_DATA_ELEMENT_ID = 'shellfront-data';
export const RELEASE_HEADER = 'x-shellfront-release';
