/**
 * The core: a plain request and a manifest source in, a plain response or a pass-through out.
 * No AWS event types and no I/O of its own.
 */
import type { EdgeConfig } from '../../contracts/edge-config.ts';
import { encodeKeyPath } from '../../contracts/s3-protocol.ts';
import { checkPath } from './path.ts';
import { isReserved, looksLikeFile, route, type Route } from './route.ts';
import {
  badRequest,
  methodNotAllowed,
  noPreview,
  noRelease,
  notFound,
  previewResponse,
  redirect,
  shellResponse,
  unavailable,
  withHeaders,
} from './responses.ts';
import type { PreparedRelease } from './shell.ts';
import type { CoreResult, ManifestSource, PlainRequest, PlainResponse } from './types.ts';

/** The channel a request was mapped to (contracts/channels.ts channelForHost). */
export interface ChannelContext {
  readonly name: string;
  /** A preview (not production): its responses say so and ask not to be indexed. */
  readonly preview: boolean;
}

export interface CoreContext {
  readonly config: EdgeConfig;
  readonly manifest: ManifestSource;
  /** @default production */
  readonly channel?: ChannelContext;
}

function respond(response: PlainResponse): CoreResult {
  return { kind: 'respond', response };
}

export async function handleRequest(request: PlainRequest, context: CoreContext): Promise<CoreResult> {
  const result = await handleChannelRequest(request, context);
  const channel = context.channel;
  return channel?.preview && result.kind === 'respond' ? respond(previewResponse(result.response, channel.name)) : result;
}

async function handleChannelRequest(request: PlainRequest, context: CoreContext): Promise<CoreResult> {
  const method = request.method;
  if (method !== 'GET' && method !== 'HEAD') return respond(methodNotAllowed(method));
  const checked = checkPath(request.path);
  if (!checked.ok) return respond(badRequest(method));
  const { config } = context;
  const path = checked.path;
  if (isReserved(path)) return respond(notFound(method, config.shellCdnSeconds));

  const lookup = await context.manifest();
  if (lookup.kind === 'missing') {
    // A preview that was never deployed (or was deleted): its own 404, whatever the path.
    if (context.channel?.preview) return respond(noPreview(method, context.channel.name, config.shellCdnSeconds));
    // With nothing deployed a file-like path is still a plain 404, not a 503.
    if (looksLikeFile(path)) return respond(notFound(method, config.shellCdnSeconds));
    return respond(noRelease(method, config.manifestTtlSeconds));
  }
  if (lookup.kind === 'unavailable') return respond(unavailable(method, lookup.retryAfterMs / 1000));

  const release = lookup.release;
  const direct = route(path, release);
  // Asset folders are the asset behaviors' (no rules there); a file of the release shadows a rule without "!".
  const hit =
    direct.kind === 'asset'
      ? undefined
      : release.rules.redirect(path, direct.kind === 'release-file' || isShellPath(path), request.query ?? '');
  const result = hit === undefined ? answer(direct, request.path, release, method, config) : applyRule(hit, release, method, config);
  return result.kind === 'respond' ? respond(withHeaders(result.response, release.rules.headersFor(path))) : result;
}

function isShellPath(path: string): boolean {
  return path === '/' || path === '/index.html';
}

type Hit = NonNullable<ReturnType<PreparedRelease['rules']['redirect']>>;

function applyRule(hit: Hit, release: PreparedRelease, method: string, config: EdgeConfig): CoreResult {
  const cdn = config.shellCdnSeconds;
  switch (hit.kind) {
    case 'redirect':
      return respond(redirect(hit.status, hit.location, release, method, cdn));
    case 'not-found':
      return respond(notFound(method, cdn, hit.page === 'shell' ? release.page : release.manifest.release.notFoundPage));
    case 'rewrite': {
      // The rewritten path is checked like a request path (a placeholder's value cannot escape the release).
      const checked = checkPath(hit.path);
      if (!checked.ok || isReserved(checked.path)) return respond(notFound(method, cdn));
      const target = route(checked.path, release);
      return answer(target, `/${encodeKeyPath(checked.path.slice(1))}`, release, method, config);
    }
  }
}

/** The answer for a route; `rawPath` is the (encoded) path an asset pass-through keeps. */
function answer(target: Route, rawPath: string, release: PreparedRelease, method: string, config: EdgeConfig): CoreResult {
  switch (target.kind) {
    case 'shell':
      return respond(shellResponse(release, method, config.shellCdnSeconds));
    case 'asset':
      return { kind: 'pass', path: rawPath };
    case 'release-file':
      return { kind: 'pass', path: target.uri };
    case 'not-found':
      return respond(notFound(method, config.shellCdnSeconds, release.manifest.release.notFoundPage));
  }
}
