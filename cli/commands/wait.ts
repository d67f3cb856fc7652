/**
 * `--wait <url>` and `status --url`: what the public URL serves, asked as a browser asks it (a
 * GET of the site's root, a shell route, through CloudFront's cache), read from the
 * `x-shellfront-release` header every shell carries. This measures the edge location nearest to
 * the machine that runs it (a CI runner's region), not every edge location.
 */
import { RELEASE_HEADER } from '../../contracts/release.ts';
import { CliError, EXIT, UsageError } from '../shared/errors.ts';
import type { Reporter } from '../shared/report.ts';

export interface Served {
  /** The release the URL served, or undefined when the answer carried none (not a shellfront site?). */
  readonly release: string | undefined;
  readonly status: number;
}

export class NotLiveInTimeError extends CliError {
  override name = 'NotLiveInTimeError';
  constructor(message: string) {
    super(message, EXIT.notLive);
  }
}

/** A URL for --wait / --url: http(s), parsed, with the site root as the path to poll. */
export function siteUrl(flag: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} must be the site's URL, like https://www.example.com, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${flag} must be an http(s) URL, like https://www.example.com, got ${JSON.stringify(value)}`);
  }
  return new URL('/', url);
}

/** One GET of the site's root; a clear CliError when the URL cannot be reached at all. */
export async function servedRelease(url: URL, timeoutMs = 10_000): Promise<Served> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { 'user-agent': 'shellfront-wait', accept: 'text/html' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
    const reason = cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (error as Error).message;
    throw new CliError(
      `Cannot reach ${url.href} (${reason}): check the URL (the site's public address, e.g. the SiteUrl output).`,
      EXIT.transient,
      {
        cause: error,
      },
    );
  }
  await response.body?.cancel();
  return { release: response.headers.get(RELEASE_HEADER) ?? undefined, status: response.status };
}

export interface WaitOptions {
  readonly url: URL;
  readonly release: string;
  /** Give up after this long. */
  readonly timeoutMs: number;
  /** Consecutive checks that must show the release. @default 3 */
  readonly confirmations?: number;
  /** Between checks. @default 2000 */
  readonly intervalMs?: number;
  readonly reporter: Reporter;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly check?: (url: URL) => Promise<Served>;
}

export interface WaitResult {
  readonly url: string;
  readonly release: string;
  /** From the start of waiting until the first of the confirming checks. */
  readonly liveAfterMs: number;
  readonly checks: number;
}

/**
 * Polls the URL (politely: one request every `intervalMs`) until it serves `release` on
 * `confirmations` checks in a row. A URL that answers without the release header is refused at
 * once (not a shellfront site); past the bound, NotLiveInTimeError (exit 8).
 */
export async function waitUntilLive(options: WaitOptions): Promise<WaitResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const check = options.check ?? servedRelease;
  const confirmations = options.confirmations ?? 3;
  const interval = options.intervalMs ?? 2000;
  const started = now();
  let streak = 0;
  let firstSeen = 0;
  let checks = 0;
  let lastSaid = started;
  let served: Served | undefined;
  for (;;) {
    served = await check(options.url);
    checks += 1;
    if (served.release === undefined) {
      throw new CliError(
        `${options.url.href} answered ${served.status} without an ${RELEASE_HEADER} header: is it this shellfront site (the distribution's URL or its domain)?`,
        EXIT.input,
      );
    }
    if (served.release === options.release) {
      if (streak === 0) firstSeen = now();
      streak += 1;
      if (streak >= confirmations) return { url: options.url.href, release: options.release, liveAfterMs: firstSeen - started, checks };
    } else {
      streak = 0;
    }
    if (now() - started >= options.timeoutMs) {
      throw new NotLiveInTimeError(
        `${options.url.href} still served ${served.release} after ${Math.round((now() - started) / 1000)} s, not ${options.release}. ` +
          'The edge keeps a manifest for its TTL and CloudFront a shell for its CDN time; check `shellfront status`, then wait or raise --wait-timeout.',
      );
    }
    if (now() - lastSaid >= 10_000) {
      options.reporter.info(
        `waiting for ${options.release} at ${options.url.host}: it serves ${served.release} (${Math.round((now() - started) / 1000)} s)…`,
      );
      lastSaid = now();
    }
    await sleep(interval);
  }
}
