/**
 * The `--wait <url>` flags `deploy` and `rollback` share: checked before any network call, run
 * after the switch (cli/commands/wait.ts polls the site), and the line they add to the summary.
 */
import { DEFAULT_EDGE_CONFIG } from '../../contracts/edge-config.ts';
import { UsageError } from '../shared/errors.ts';
import { parseWholeNumber } from './inputs.ts';
import type { Reporter } from '../shared/report.ts';
import type { ParsedInput } from './spec.ts';
import { siteUrl, waitUntilLive, type WaitResult } from '../commands/wait.ts';

const text = (input: ParsedInput, flag: string) => input.values[flag] as string | undefined;

/** Default bound for --wait: the edge's manifest TTL + the shell's CDN time + a margin (default stack settings). */
const DEFAULT_WAIT_SECONDS = DEFAULT_EDGE_CONFIG.manifestTtlSeconds + DEFAULT_EDGE_CONFIG.shellCdnSeconds + 30;
export const waitFlags = {
  wait: {
    type: 'string',
    value: '<url>',
    help: "after the switch, poll the site's URL until it serves the new release (3 checks in a row)",
  },
  'wait-timeout': {
    type: 'string',
    value: '<s>',
    help: `give up waiting after this many seconds (default ${DEFAULT_WAIT_SECONDS}); exit 8`,
  },
} as const;

export interface WaitInput {
  readonly wait?: { readonly url: URL; readonly timeoutMs: number };
}

export function waitOption(input: ParsedInput): WaitInput {
  const url = text(input, 'wait');
  const seconds = parseWholeNumber('wait-timeout', text(input, 'wait-timeout'), 1);
  if (url === undefined) {
    if (seconds !== undefined) throw new UsageError('--wait-timeout needs --wait <url>');
    return {};
  }
  return { wait: { url: siteUrl('--wait', url), timeoutMs: (seconds ?? DEFAULT_WAIT_SECONDS) * 1000 } };
}

export async function waited<R extends { release: string }>(
  result: R,
  options: WaitInput,
  target: { reporter: Reporter },
  live: boolean,
): Promise<R & { wait?: WaitResult }> {
  if (!options.wait || !live) return result;
  return { ...result, wait: await waitUntilLive({ ...options.wait, release: result.release, reporter: target.reporter }) };
}

export const waitLine = (wait?: WaitResult) =>
  wait ? `  serving at ${wait.url} after ${(wait.liveAfterMs / 1000).toFixed(1)} s (edge nearest to this machine)\n` : '';
