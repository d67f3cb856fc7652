/**
 * Which paths are files: the edge answers a missing one with 404, never the shell. One list,
 * used by the handler's routing (and documented in docs/handler.md).
 */

/**
 * Extensions that mean "a file": a path that ends in one and is not in the release gets a 404
 * (never the shell, so a missing chunk is not answered with HTML). Any other path gets the shell,
 * dots included: `/users/jane.doe`, `/v/1.2.3`, `/runs/run.2026-11-24.1` are client routes.
 */
export const STATIC_FILE_EXTENSIONS: ReadonlySet<string> = new Set([
  'js',
  'mjs',
  'cjs',
  'css',
  'map',
  'json',
  'txt',
  'xml',
  'html',
  'htm',
  'csv',
  'pdf',
  'zip',
  'gz',
  'br',
  'wasm',
  'png',
  'jpg',
  'jpeg',
  'gif',
  'svg',
  'ico',
  'webp',
  'avif',
  'bmp',
  'tif',
  'tiff',
  'apng',
  'cur',
  'woff',
  'woff2',
  'ttf',
  'otf',
  'eot',
  'mp4',
  'webm',
  'ogg',
  'ogv',
  'mp3',
  'wav',
  'm4a',
  'aac',
  'flac',
  'mov',
  'vtt',
  'srt',
  'webmanifest',
  'manifest',
  'appcache',
  'rss',
  'atom',
  'yaml',
  'yml',
  'md',
  'ts',
  'tsx',
  'jsx',
  'glb',
  'gltf',
  'bin',
]);

/**
 * Whether a path's last segment is a file name: a known static-file extension (case-insensitive),
 * one the release adds (its record's `fileExtensions`, `shellfront deploy --file-extensions`), or
 * a dotfile (`/.env`, `/.well-known/x` is a route only if its last segment is not one).
 */
export function hasStaticFileExtension(path: string, extra?: ReadonlySet<string>): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (name.startsWith('.') && name.length > 1) return true;
  if (dot <= 0) return false;
  const extension = name.slice(dot + 1).toLowerCase();
  return STATIC_FILE_EXTENSIONS.has(extension) || (extra !== undefined && extra.has(extension));
}

/** How many extensions a release may add. */
export const MAX_FILE_EXTENSIONS = 100;
const EXTENSION = /^[a-z0-9][a-z0-9_-]{0,15}$/;

/** Why `extension` (without the dot, lowercase) cannot be added to the list, or undefined. */
export function fileExtensionProblem(extension: unknown): string | undefined {
  if (typeof extension !== 'string' || !EXTENSION.test(extension)) {
    return `expected 1-16 lowercase letters, digits, _ or - without the dot (e.g. "usdz"), got ${typeof extension === 'string' ? JSON.stringify(extension) : typeof extension}`;
  }
  return undefined;
}
