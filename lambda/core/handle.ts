/**
 * The core: a plain request and a manifest source in, a plain response or a pass-through out.
 * No AWS event types and no I/O of its own.
 */
import type { EdgeConfig } from '../../contracts/edge-config.ts';
import { checkPath } from './path.ts';
import { isReserved, looksLikeFile, route } from './route.ts';
import { badRequest, methodNotAllowed, noRelease, notFound, shellResponse, unavailable } from './responses.ts';
import type { CoreResult, ManifestSource, PlainRequest, PlainResponse } from './types.ts';

export interface CoreContext {
  readonly config: EdgeConfig;
  readonly manifest: ManifestSource;
}

function respond(response: PlainResponse): CoreResult {
  return { kind: 'respond', response };
}

export async function handleRequest(request: PlainRequest, context: CoreContext): Promise<CoreResult> {
  const method = request.method;
  if (method !== 'GET' && method !== 'HEAD') return respond(methodNotAllowed(method));
  const checked = checkPath(request.path);
  if (!checked.ok) return respond(badRequest(method));
  const { config } = context;
  const path = checked.path;
  if (isReserved(path, config.manifestKey)) return respond(notFound(method, config.shellCdnSeconds));

  const lookup = await context.manifest();
  if (lookup.kind === 'missing') {
    // With nothing deployed a file-like path is still a plain 404, not a 503.
    if (looksLikeFile(path)) return respond(notFound(method, config.shellCdnSeconds));
    return respond(noRelease(method, config.manifestTtlSeconds));
  }
  if (lookup.kind === 'unavailable') return respond(unavailable(method, lookup.retryAfterMs / 1000));

  const release = lookup.release;
  const target = route(path, release);
  switch (target.kind) {
    case 'shell':
      return respond(shellResponse(release, method, config.shellCdnSeconds));
    case 'asset':
      return { kind: 'pass', path: request.path };
    case 'release-file':
      return { kind: 'pass', path: target.uri };
    case 'not-found':
      return respond(notFound(method, config.shellCdnSeconds, release.manifest.release.notFoundPage));
  }
}
