/**
 * The 1,000-rule case of the edge benchmark (bench/edge.bench.ts): a release whose `_redirects`
 * has 1,000 rules (the per-file limit) and whose `_headers` has two blocks, the workloads that
 * exercise them, and the warm measurement used for it and for its same-run baseline.
 */
import type { ReleaseRules, RedirectRule } from '../contracts/rules.ts';
import type { CloudFrontRequestEvent, CloudFrontRequestResult } from '../lambda/edge/types.ts';

type Handler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;

const SECTIONS = Array.from({ length: 20 }, (_, i) => ['docs', 'blog', 'help', 'shop', 'news'][i % 5] + (i < 5 ? '' : `-${i}`));

/**
 * A site migration's `_redirects`: 950 moved pages in 20 sections, 30 moved folders (splats), and
 * 20 rules that start with a placeholder (`/:lang/…`), which every request must consider.
 */
export function migrationRules(): ReleaseRules {
  const redirects: RedirectRule[] = [];
  for (let i = 0; i < 1000; i++) {
    const section = SECTIONS[i % SECTIONS.length] as string;
    const line = i + 1;
    if (i < 950) redirects.push({ line, from: `/${section}/old-${i}`, to: `/${section}/new-${i}`, status: 301, force: false });
    else if (i < 980) redirects.push({ line, from: `/${section}/archive-${i}/*`, to: `/archive/${i}/:splat`, status: 302, force: false });
    else redirects.push({ line, from: `/:lang/legacy-${i}`, to: `/:lang/current-${i}`, status: 301, force: false });
  }
  return {
    redirects,
    headers: [
      { line: 1, for: '/*', headers: { 'permissions-policy': 'camera=(), microphone=()' } },
      { line: 3, for: '/docs/*', headers: { link: '</assets/docs.css>; rel=preload; as=style' } },
    ],
  };
}

/** The worst case for the index: 1,000 rules that all start with a placeholder, none matching. */
export function adversarialRules(): ReleaseRules {
  return {
    redirects: Array.from({ length: 1000 }, (_, i) => ({
      line: i + 1,
      from: `/:any/moved-${i}`,
      to: `/:any/new-${i}`,
      status: 301,
      force: false,
    })),
    headers: [],
  };
}

/** What a site sees: mostly client routes that match no rule, some redirects, early and late in the file. */
export const MIXED_PATHS: readonly string[] = [
  '/pipelines/42',
  '/docs/getting-started/install',
  '/runs/run.2026-11-24.1',
  '/docs/old-940',
  '/blog/old-1',
  '/en/legacy-999',
  '/shop/archive-963/2019/summer',
  '/settings/profile',
];

export interface WarmFigures {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/**
 * Warm throughput and latency of containers measured in turns (each cycling through its own
 * events), so that on a shared machine every case sees the same load: `runs` invocations each,
 * in rounds of 10,000, after a warm-up.
 */
export async function measureWarm(
  cases: readonly { handler: Handler; events: readonly CloudFrontRequestEvent[] }[],
  runs: number,
): Promise<WarmFigures[]> {
  const round = 10_000;
  const elapsed = cases.map(() => 0);
  const samples = cases.map(() => new Float64Array(runs));
  for (const { handler, events } of cases)
    for (let i = 0; i < 20_000; i++) await handler(events[i % events.length] as CloudFrontRequestEvent);
  for (let done = 0; done < runs; done += round) {
    for (const [index, { handler, events }] of cases.entries()) {
      const started = process.hrtime.bigint();
      for (let i = done; i < Math.min(runs, done + round); i++) await handler(events[i % events.length] as CloudFrontRequestEvent);
      elapsed[index] = (elapsed[index] as number) + Number(process.hrtime.bigint() - started) / 1e9;
      const own = samples[index] as Float64Array;
      for (let i = done; i < Math.min(runs, done + round); i++) {
        const t0 = process.hrtime.bigint();
        await handler(events[i % events.length] as CloudFrontRequestEvent);
        own[i] = Number(process.hrtime.bigint() - t0) / 1000;
      }
    }
  }
  return cases.map((_, index) => {
    const sorted = (samples[index] as Float64Array).sort();
    return { perSecond: runs / (elapsed[index] as number), p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  });
}
