/**
 * Which tool made a build, told by the real shape of its bundler manifest, never by a file name:
 * a web app `manifest.json` ({"name", "start_url", …}) is an ordinary file of the site.
 * - Vite: `.vite/manifest.json`, an object of chunks (`build.manifest: true`); it wins when present.
 * - webpack (Vue CLI, webpack-manifest-plugin): a root JSON file that is a flat map whose values
 *   are file paths, most of which exist in the build. Build metadata: not uploaded.
 * - Create React App: `asset-manifest.json`, `{"files": {…}, "entrypoints": […]}`. It stays a
 *   file of the site (service workers read it).
 * - anything else with an index.html: a plain (static) build.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../shared/errors.ts';
import { flatManifestReferences, sitePath, viteManifestReferences, type Reference } from './references.ts';

/** The asset folders that hold at least one of `paths` (a release's assets, or a build's files): the ones worth listing. */
export function usedAssetPrefixes(assetPrefixes: readonly string[], paths: readonly string[]): string[] {
  return assetPrefixes.filter((prefix) => paths.some((path) => path.startsWith(prefix)));
}

export type BuildKind = 'vite' | 'webpack' | 'cra' | 'static';

/** Hashed-asset folders each kind writes by default. */
export const ASSET_DIRS_BY_KIND: Readonly<Record<BuildKind, readonly string[]>> = {
  vite: ['assets/'],
  webpack: ['js/', 'css/', 'img/', 'fonts/', 'media/'],
  cra: ['static/'],
  static: ['assets/', 'static/', 'js/', 'css/', 'img/', 'fonts/', 'media/'],
};

export const VITE_MANIFEST = '.vite/manifest.json';
const CRA_MANIFEST = 'asset-manifest.json';

export interface DetectedBuild {
  readonly kind: BuildKind;
  /** The bundler manifest the kind was read from, if any. */
  readonly manifestFile?: string;
  /** Build metadata that is not part of the site (not uploaded). */
  readonly metadata: readonly string[];
  /** Files the bundler manifest names: each must be in the release. */
  readonly references: readonly Reference[];
  /** The asset folders the build uses (those of its kind that hold files). */
  readonly assetDirs: readonly string[];
}

export async function detectBuild(root: string, paths: readonly string[]): Promise<DetectedBuild> {
  const present = new Set(paths);
  const withDirs = (kind: BuildKind, rest: Omit<DetectedBuild, 'kind' | 'assetDirs'>): DetectedBuild => ({
    kind,
    ...rest,
    assetDirs: usedAssetPrefixes(ASSET_DIRS_BY_KIND[kind], paths),
  });

  if (present.has(VITE_MANIFEST)) {
    let references: Reference[];
    try {
      references = viteManifestReferences(await readFile(join(root, VITE_MANIFEST), 'utf-8'));
    } catch (error) {
      throw new InputError(
        `${join(root, VITE_MANIFEST)} is not a Vite manifest (${(error as Error).message}). Rebuild, or delete it if something else wrote it.`,
        { cause: error },
      );
    }
    return withDirs('vite', { manifestFile: VITE_MANIFEST, metadata: paths.filter((path) => path.startsWith('.vite/')), references });
  }

  const rootJson = paths.filter((path) => !path.includes('/') && path.endsWith('.json'));
  for (const file of rootJson) {
    const parsed = await readJson(root, file);
    if (file === CRA_MANIFEST && isCraManifest(parsed)) {
      const entries = [
        ...Object.entries(parsed.files),
        ...(parsed.entrypoints ?? []).map((entry, index) => [`entrypoints[${index}]`, entry] as const),
      ];
      const references = flatManifestReferences(Object.fromEntries(entries.filter(([, url]) => !url.endsWith('.map'))), file);
      return withDirs('cra', { manifestFile: file, metadata: [], references });
    }
    if (isWebpackManifest(parsed, present)) {
      return withDirs('webpack', { manifestFile: file, metadata: [file], references: flatManifestReferences(parsed, file) });
    }
  }
  return withDirs('static', { metadata: [], references: [] });
}

/**
 * webpack-manifest-plugin's format, `{"js/app.js": "js/app.7bfe0aac.js", …}`: a flat map of
 * strings that all look like file URLs, at least half of which name files of this build (a few
 * may be missing: that is the broken build deploy then refuses, not a reason to misread it).
 */
export function isWebpackManifest(value: unknown, present: ReadonlySet<string>): value is Record<string, string> {
  if (!isFlatStringMap(value)) return false;
  const urls = Object.values(value);
  if (urls.length === 0 || !urls.every(looksLikeFileUrl)) return false;
  const existing = urls.filter((url) => {
    const path = sitePath(url);
    return path !== undefined && present.has(path);
  });
  return existing.length > 0 && existing.length * 2 >= urls.length;
}

function isCraManifest(value: unknown): value is { files: Record<string, string>; entrypoints?: string[] } {
  if (typeof value !== 'object' || value === null) return false;
  const { files, entrypoints } = value as { files?: unknown; entrypoints?: unknown };
  return (
    isFlatStringMap(files) &&
    (entrypoints === undefined || (Array.isArray(entrypoints) && entrypoints.every((entry) => typeof entry === 'string')))
  );
}

/** A URL or path ending in a file name with an extension, without spaces: `/js/app.1a2b.js`. */
function looksLikeFileUrl(url: string): boolean {
  return /^[^\s]*[^/\s]\.[A-Za-z0-9]{1,10}(?:[?#][^\s]*)?$/.test(url);
}

function isFlatStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((entry) => typeof entry === 'string')
  );
}

async function readJson(root: string, file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(join(root, file), 'utf-8'));
  } catch {
    return undefined;
  }
}
