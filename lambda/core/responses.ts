/**
 * Every response the core generates. Small bodies, explicit caching, never a stack trace.
 * Header names are lowercase; the adapter turns them into Lambda@Edge's shape.
 */
import { CHANNEL_HEADERS } from '../../contracts/edge-config.ts';
import { RELEASE_HEADER } from '../../contracts/release.ts';
import type { PlainResponse } from './types.ts';
import type { PreparedRelease } from './shell.ts';

export const ALLOWED_METHODS = 'GET, HEAD';
const HTML = 'text/html; charset=utf-8';
const NO_STORE = 'no-store';
const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' };

/** Browsers always revalidate the shell; CloudFront may keep it `cdnSeconds`. */
export function shellCacheControl(cdnSeconds: number): string {
  return `public, max-age=0, must-revalidate, s-maxage=${cdnSeconds}`;
}

export function shellResponse(release: PreparedRelease, method: string, cdnSeconds: number): PlainResponse {
  return {
    status: 200,
    headers: {
      'content-type': HTML,
      'cache-control': shellCacheControl(cdnSeconds),
      etag: release.etag,
      [RELEASE_HEADER]: release.id,
    },
    body: method === 'HEAD' ? '' : release.page,
  };
}

function page(status: number, title: string, text: string, method: string, headers: Record<string, string>): PlainResponse {
  const body = `<!doctype html><meta charset="utf-8"><title>${status} ${title}</title><h1>${title}</h1><p>${text}</p>\n`;
  return {
    status,
    headers: { 'content-type': HTML, ...headers },
    body: method === 'HEAD' ? '' : body,
  };
}

/**
 * A file-like path that is not part of the release: 404, never the shell. The app's own 404.html
 * (the release's `notFoundPage`) when it has one, else a plain page; the same caching either way.
 */
export function notFound(method: string, cdnSeconds: number, appPage?: string): PlainResponse {
  const headers = { 'cache-control': `public, max-age=0, s-maxage=${cdnSeconds}` };
  if (appPage === undefined) return page(404, 'Not Found', 'There is no such file.', method, headers);
  return { status: 404, headers: { 'content-type': HTML, ...headers }, body: method === 'HEAD' ? '' : appPage };
}

/**
 * A `_redirects` rule's redirect. Browsers may not keep it (max-age=0), so a deploy or a rollback
 * that changes the rule takes effect like the shell does; CloudFront keeps it `cdnSeconds`.
 */
export function redirect(status: number, location: string, release: PreparedRelease, method: string, cdnSeconds: number): PlainResponse {
  const href = /[&"<>]/.test(location) ? location.replace(/[&"<>]/g, (char) => HTML_ESCAPES[char] as string) : location;
  return {
    status,
    headers: {
      location,
      'content-type': HTML,
      'cache-control': shellCacheControl(cdnSeconds),
      [RELEASE_HEADER]: release.id,
    },
    body:
      method === 'HEAD' ? '' : `<!doctype html><meta charset="utf-8"><title>Moved</title><p>Moved to <a href="${href}">${href}</a>.</p>\n`,
  };
}

/** Adds a release's `_headers` values to a response it generated (kept apart: the response's own headers win). */
export function withHeaders(response: PlainResponse, extra: Readonly<Record<string, string>> | undefined): PlainResponse {
  return extra === undefined ? response : { ...response, extraHeaders: extra };
}

export function badRequest(method: string): PlainResponse {
  return page(400, 'Bad Request', 'The request path is not valid.', method, { 'cache-control': NO_STORE });
}

export function methodNotAllowed(method: string): PlainResponse {
  return page(405, 'Method Not Allowed', 'Only GET and HEAD are allowed here.', method, {
    allow: ALLOWED_METHODS,
    'cache-control': NO_STORE,
  });
}

/** 503: the manifest cannot be read and was never loaded (or the handler hit an unexpected error). */
export function unavailable(method: string, retryAfterSeconds: number): PlainResponse {
  return page(503, 'Service Unavailable', 'The site is temporarily unavailable. Please try again shortly.', method, {
    'cache-control': NO_STORE,
    'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });
}

/**
 * 404 for a host that names no live preview: a channel never deployed, deleted, or a name that is
 * not a channel (`reason`). Kept by CloudFront only `cdnSeconds`, so a first deploy to the channel
 * shows within TTL + that, like any release switch.
 */
export function noPreview(method: string, channel: string | undefined, cdnSeconds: number, reason?: string): PlainResponse {
  const what = channel === undefined ? 'There is no preview at this address' : `There is no preview named ${escapeHtml(channel)}`;
  const why = reason === undefined ? ' (it was never deployed, or its channel was deleted)' : ` (${escapeHtml(reason)})`;
  return page(404, 'No Such Preview', `${what}${why}.`, method, { 'cache-control': `public, max-age=0, s-maxage=${cdnSeconds}` });
}

/** Headers every response the function generates for a preview carries. */
export const PREVIEW_HEADERS = { robots: 'x-robots-tag', channel: CHANNEL_HEADERS.servedChannel } as const;

/** A generated response of a preview channel: named, and kept out of search engines. */
export function previewResponse(response: PlainResponse, channel: string): PlainResponse {
  return { ...response, headers: { ...response.headers, [PREVIEW_HEADERS.robots]: 'noindex', [PREVIEW_HEADERS.channel]: channel } };
}

function escapeHtml(text: string): string {
  return text.replace(/[&"<>]/g, (char) => HTML_ESCAPES[char] as string);
}

/** 503: the bucket has no manifest yet. */
export function noRelease(method: string, retryAfterSeconds: number): PlainResponse {
  return page(503, 'No Release Yet', 'No release is deployed yet. Deploy one with <code>shellfront deploy</code>.', method, {
    'cache-control': NO_STORE,
    'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });
}
