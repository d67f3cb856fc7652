/**
 * A release prepared for serving: the shell rendered once (not per request), its ETag, and the
 * lookup tables routing needs. Preparing is part of accepting a manifest, so a release whose
 * shell cannot be served is rejected like any other bad manifest and the last good one stays.
 */
import { createHash } from 'node:crypto';
import {
  SHELL_DATA_ELEMENT_ID,
  type Manifest,
  type ReleaseRecord,
} from '../../contracts/release.ts';
import { releaseFileUri } from './route.ts';

/**
 * Lambda@Edge refuses generated responses over 1 MB (headers and body); the shell must stay
 * well under it.
 */
export const MAX_SHELL_BYTES = 960 * 1024;
/** `<meta name="shellfront-release" content="<id>">` in the shell's head. */
export const RELEASE_META_NAME = 'shellfront-release';

export interface PreparedRelease {
  readonly id: string;
  readonly manifest: Manifest;
  /** The rendered shell HTML. */
  readonly shell: string;
  readonly shellBytes: number;
  /** Strong ETag: release id + digest of the rendered shell. */
  readonly etag: string;
  readonly assetPrefixes: readonly string[];
  /** Release file path (relative, decoded) ⇒ the URI to forward to S3. */
  readonly fileUris: ReadonlyMap<string, string>;
}

export class ShellTooLargeError extends Error {
  override readonly name = 'ShellTooLargeError';
  readonly bytes: number;
  constructor(id: string, bytes: number) {
    super(
      `release ${id}: the rendered shell is ${bytes} bytes; the limit is ${MAX_SHELL_BYTES} (Lambda@Edge generated responses must stay under 1 MB). Move inline data out of index.html or the release config.`,
    );
    this.bytes = bytes;
  }
}

/** JSON that cannot end its `<script>` element or break out of it: `<`, `>`, `&`, U+2028/2029 escaped. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => {
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

function escapeAttribute(text: string): string {
  return text.replace(/[&"<>]/g, (char) => `&#${char.charCodeAt(0)};`);
}

const HEAD_END = /<\/head\s*>/i;
const BODY_START = /<body[\s>]/i;

/** The release's index.html with the release meta tag and the data block inserted before `</head>`. */
export function renderShell(release: ReleaseRecord): string {
  const data = scriptSafeJson({ release: release.id, config: release.config ?? {} });
  const inject =
    `<meta name="${RELEASE_META_NAME}" content="${escapeAttribute(release.id)}">` +
    `<script type="application/json" id="${SHELL_DATA_ELEMENT_ID}">${data}</script>`;
  const html = release.shell;
  const at = html.search(HEAD_END);
  if (at >= 0) return html.slice(0, at) + inject + html.slice(at);
  // No </head>: put it before <body> (the browser opens the head implicitly), else in front.
  const body = html.search(BODY_START);
  return body >= 0 ? html.slice(0, body) + inject + html.slice(body) : inject + html;
}

export function prepareRelease(manifest: Manifest): PreparedRelease {
  const release = manifest.release;
  const shell = renderShell(release);
  const shellBytes = Buffer.byteLength(shell, 'utf8');
  if (shellBytes > MAX_SHELL_BYTES) throw new ShellTooLargeError(release.id, shellBytes);
  const digest = createHash('sha256').update(shell).digest('base64url').slice(0, 16);
  const fileUris = new Map<string, string>();
  for (const file of release.files) fileUris.set(file.path, releaseFileUri(release.id, file.path));
  return {
    id: release.id,
    manifest,
    shell,
    shellBytes,
    etag: `"${release.id}-${digest}"`,
    assetPrefixes: release.assetPrefixes,
    fileUris,
  };
}
