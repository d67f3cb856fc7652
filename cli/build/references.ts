/**
 * What a build says it needs: the same-origin scripts, stylesheets, module preloads and icons
 * its index.html references, and every file its bundler manifest names. A release that lacks one
 * of them is a blank page, so deploy refuses it before any upload and verify reports it.
 */
import { Parser } from 'htmlparser2';

/** A file the build needs, relative to the site root ("assets/index-CGELnclK.js"). */
export interface Reference {
  readonly path: string;
  /** Where the need comes from: `index.html <script src>`, `.vite/manifest.json "src/main.ts"`. */
  readonly from: string;
}

const LINK_RELS = new Set(['stylesheet', 'modulepreload', 'preload', 'icon', 'shortcut', 'apple-touch-icon', 'mask-icon', 'manifest']);

/**
 * Same-origin files index.html loads: `<script src>`, and `<link href>` whose rel is a stylesheet,
 * a (module) preload, an icon or the web app manifest. Other hosts, `data:` and `blob:` URLs are
 * not ours to check. Relative URLs resolve against `<base href>`, else the site root (the shell is
 * served for every client route, so only root-relative URLs work everywhere; see docs/cli.md).
 */
export function shellReferences(html: string): Reference[] {
  let base = '/';
  const found: Reference[] = [];
  const add = (url: string | undefined, from: string) => {
    const path = url === undefined ? undefined : sitePath(url, base);
    if (path !== undefined) found.push({ path, from: `index.html ${from}` });
  };
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'base' && attributes.href !== undefined && base === '/') {
          base = new URL(attributes.href, 'https://site.invalid/').pathname.replace(/[^/]*$/, '');
        } else if (name === 'script' && attributes.src) {
          add(attributes.src, `<script src="${attributes.src}">`);
        } else if (name === 'link' && attributes.href) {
          const rels = (attributes.rel ?? '').toLowerCase().split(/\s+/);
          if (rels.some((rel) => LINK_RELS.has(rel))) add(attributes.href, `<link rel="${attributes.rel}" href="${attributes.href}">`);
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return unique(found);
}

/**
 * The site path a URL in the shell names, or undefined when it is not a file of this site:
 * another host (`https://cdn…`, `//cdn…`), `data:`, `blob:`, a bare `#fragment`, or a URL that
 * cannot be parsed. Query strings and fragments are dropped; percent-encoding is decoded.
 */
export function sitePath(url: string, base = '/'): string | undefined {
  const trimmed = url.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  const origin = 'https://site.invalid';
  let resolved: URL;
  try {
    resolved = new URL(trimmed, `${origin}${base}`);
  } catch {
    return undefined;
  }
  if (resolved.origin !== origin) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(resolved.pathname);
  } catch {
    return undefined;
  }
  const relative = path.replace(/^\/+/, '');
  return relative === '' || relative.endsWith('/') ? undefined : relative;
}

/**
 * Files a Vite manifest (`.vite/manifest.json`) names: each chunk's `file`, `css` and `assets`.
 * Throws when the text is not one (the caller reports it as a broken build).
 */
export function viteManifestReferences(text: string): Reference[] {
  const manifest: unknown = JSON.parse(text);
  if (!isRecord(manifest)) throw new Error('expected an object of chunks');
  const found: Reference[] = [];
  for (const [name, chunk] of Object.entries(manifest)) {
    if (!isRecord(chunk)) throw new Error(`chunk ${JSON.stringify(name)} is not an object`);
    const from = `.vite/manifest.json ${JSON.stringify(name)}`;
    if (typeof chunk.file === 'string') found.push({ path: chunk.file, from });
    for (const key of ['css', 'assets'] as const) {
      const list = chunk[key];
      if (Array.isArray(list)) for (const path of list) if (typeof path === 'string') found.push({ path, from });
    }
  }
  return unique(found.map((ref) => ({ ...ref, path: ref.path.replace(/^\/+/, '') })));
}

/** Files a webpack-manifest-plugin manifest names (its values), already as site paths. */
export function flatManifestReferences(manifest: Readonly<Record<string, string>>, file: string): Reference[] {
  return unique(
    Object.entries(manifest).flatMap(([name, url]) => {
      const path = sitePath(url);
      return path === undefined ? [] : [{ path, from: `${file} ${JSON.stringify(name)}` }];
    }),
  );
}

/** The references not satisfied by `has`, each with where it came from. */
export function missingReferences(references: readonly Reference[], has: (path: string) => boolean): Reference[] {
  return references.filter((ref) => !has(ref.path));
}

function unique(references: readonly Reference[]): Reference[] {
  const seen = new Set<string>();
  return references.filter((ref) => {
    if (seen.has(ref.path)) return false;
    seen.add(ref.path);
    return true;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
