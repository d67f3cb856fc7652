/**
 * Preview channels (a release per branch or pull request, served beside production): the channel
 * name rules, the one place every channel pointer key is derived, the legacy `manifest.json`
 * fallback, and the viewer host → channel mapping. Shared by the CLI, the edge handler, the stack
 * and the local edge. Pure data; no I/O, no dependencies, safe to bundle into the edge function.
 *
 * Bucket layout addition (see docs/release-format.md):
 *   _shellfront/channels/<name>.json   a channel's pointer (same format as the old manifest.json)
 *   manifest.json                      legacy production pointer, read only when production's
 *                                      channel pointer does not exist yet
 */
import { MANIFEST_KEY, SHELLFRONT_PREFIX } from './release.ts';

/** The channel the bare domain serves and every command uses by default. */
export const PRODUCTION_CHANNEL = 'production';
/** Where channel pointers live in the bucket. Reserved: a build may not write under it. */
export const CHANNELS_PREFIX = `${SHELLFRONT_PREFIX}channels/`;
/** Before channels, production's pointer. Read as a fallback for production only. */
export const LEGACY_MANIFEST_KEY = MANIFEST_KEY;
/** A DNS label is at most 63 octets (RFC 1035 §2.3.4). */
export const MAX_CHANNEL_NAME_LENGTH = 63;

const CHANNEL_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The rule, stated once, so every refusal says the same thing. */
export const CHANNEL_NAME_RULE =
  'a channel name is one DNS label: 1-63 characters, lowercase letters a-z, digits and "-", ' +
  'starting and ending with a letter or digit (for example "pr-7")';

export class ChannelNameError extends Error {
  override readonly name = 'ChannelNameError';
  readonly channel: string;
  constructor(channel: string, options?: { cause?: unknown }) {
    super(`Invalid channel name ${JSON.stringify(channel)}: ${CHANNEL_NAME_RULE}.`, options);
    this.channel = channel;
  }
}

/** What is wrong with `name` as a channel name, or undefined when it is valid. */
export function channelNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > MAX_CHANNEL_NAME_LENGTH) return `it is ${name.length} characters long (at most ${MAX_CHANNEL_NAME_LENGTH})`;
  if (name.startsWith('xn--')) return 'punycode (xn--) labels are not channel names';
  if (!CHANNEL_NAME.test(name)) return 'it has a character other than a-z, 0-9 and "-", or starts or ends with "-"';
  return undefined;
}

export function isChannelName(name: string): boolean {
  return channelNameProblem(name) === undefined;
}

/** Returns `name` when valid; throws ChannelNameError (which states the rule) otherwise. */
export function assertChannelName(name: string): string {
  if (!isChannelName(name)) throw new ChannelNameError(name);
  return name;
}

/** The one function deriving a channel's pointer key, production included. */
export function channelPointerKey(channel: string): string {
  return `${CHANNELS_PREFIX}${assertChannelName(channel)}.json`;
}

/**
 * The keys the edge reads, in order, to find what `channel` serves: its pointer, then for
 * production only the legacy `manifest.json` (a bucket deployed before channels existed).
 */
export function channelReadKeys(channel: string): readonly string[] {
  const key = channelPointerKey(channel);
  return channel === PRODUCTION_CHANNEL ? [key, LEGACY_MANIFEST_KEY] : [key];
}

/** The channel a pointer key names, or undefined when the key is not a channel pointer. */
export function channelOfPointerKey(key: string): string | undefined {
  if (!key.startsWith(CHANNELS_PREFIX) || !key.endsWith('.json')) return undefined;
  const name = key.slice(CHANNELS_PREFIX.length, -'.json'.length);
  return isChannelName(name) ? name : undefined;
}

/** Where a host was sent: a channel, or a refusal the edge answers with its 404 page. */
export type HostChannel = { readonly kind: 'channel'; readonly channel: string } | { readonly kind: 'unknown'; readonly reason: string };

/** Longest host name DNS allows (RFC 1035 §2.3.4), without the trailing dot. */
const MAX_HOST_LENGTH = 253;

/**
 * Maps the viewer's Host to a channel. Without a preview domain every host is production. With
 * one (`preview.example.com`), `<name>.preview.example.com` is channel `<name>`; any other host
 * (the site's own domain, the distribution's domain) is production. The host is normalised
 * (case, one trailing dot, port); anything that is not exactly one valid label in front of the
 * preview domain (`a.b.preview…`, `..`, punycode, over-long) is `unknown`, never production.
 */
export function channelForHost(host: string | undefined, previewDomain: string | undefined): HostChannel {
  const production: HostChannel = { kind: 'channel', channel: PRODUCTION_CHANNEL };
  if (!previewDomain) return production;
  if (host === undefined || host === '') return production;
  if (host.length > MAX_HOST_LENGTH + 7) return { kind: 'unknown', reason: 'the Host header is too long' };
  const name = normaliseHost(host);
  const domain = normaliseHost(previewDomain);
  // The preview domain itself is production: locally that is `localhost` (channels at
  // <name>.localhost); on AWS the stack aliases only `*.<previewDomain>`, so it never arrives.
  if (name === domain) return production;
  const suffix = `.${domain}`;
  if (!name.endsWith(suffix)) return production;
  const label = name.slice(0, -suffix.length);
  if (label === PRODUCTION_CHANNEL) return production;
  const problem = channelNameProblem(label);
  if (problem) return { kind: 'unknown', reason: `"${label.slice(0, 80)}" is not a channel name: ${problem}` };
  return { kind: 'channel', channel: label };
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Why `domain` cannot be the preview domain (whose one-label sub-domains are channels), or
 * undefined. Lowercase DNS name, no wildcard, no trailing dot, short enough that a 63-character
 * channel label still fits DNS's 253 (RFC 1035). `localhost` is allowed (the local edge).
 */
export function previewDomainProblem(domain: string): string | undefined {
  const example = 'e.g. "preview.example.com" (channels are then served at https://pr-7.preview.example.com)';
  if (domain !== domain.trim() || domain === '') return `must be a domain name, ${example}`;
  if (domain.startsWith('*.')) return `names the domain, not the wildcard: drop "*." (${example})`;
  if (domain !== domain.toLowerCase()) return `must be lowercase, got ${JSON.stringify(domain)}`;
  if (domain.endsWith('.')) return `must not end with ".", got ${JSON.stringify(domain)}`;
  if (domain.length > MAX_HOST_LENGTH - MAX_CHANNEL_NAME_LENGTH - 1) {
    return `is ${domain.length} characters; at most ${MAX_HOST_LENGTH - MAX_CHANNEL_NAME_LENGTH - 1} leave room for a 63-character channel name`;
  }
  const labels = domain.split('.');
  if (labels.some((label) => !DNS_LABEL.test(label))) {
    return `${JSON.stringify(domain)} is not a domain name: dot-separated labels of a-z, 0-9 and "-" (${example})`;
  }
  if (labels.length < 2 && domain !== 'localhost') return `${JSON.stringify(domain)} needs at least two labels (${example})`;
  return undefined;
}

/** The URL a channel is served at under `previewDomain`. */
export function channelUrl(channel: string, previewDomain: string): string {
  return `https://${assertChannelName(channel)}.${normaliseHost(previewDomain)}/`;
}

function normaliseHost(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[')) return name; // an IPv6 literal is never a channel host
  const colon = name.lastIndexOf(':');
  if (colon !== -1 && /^\d*$/.test(name.slice(colon + 1))) name = name.slice(0, colon);
  if (name.endsWith('.')) name = name.slice(0, -1);
  return name;
}
