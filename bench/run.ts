/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process (one at a time, so they do not
 * compete for the two cores), then gathers bench/results/*.json into bench/RESULTS.md.
 * Each benchmark prints its figures and writes its own results file; pass a name to run one:
 * `npm run bench -- edge`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => only.length === 0 || only.includes(basename(name, '.bench.ts')))
  .sort();
if (benches.length === 0) {
  console.error(
    `no benchmark matches ${only.join(', ')}; have: ${readdirSync(here)
      .filter((n) => n.endsWith('.bench.ts'))
      .join(', ')}`,
  );
  process.exit(2);
}

let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, bench)], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed += 1;
    console.error(`${bench} exited with ${run.status ?? run.signal}`);
  }
}

const resultsDir = join(here, 'results');
const sections = readdirSync(resultsDir)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => render(basename(name, '.json'), JSON.parse(readFileSync(join(resultsDir, name), 'utf8'))));
writeFileSync(
  join(here, 'RESULTS.md'),
  [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (bench/run.ts) from bench/results/*.json; each figure is from the',
    'run recorded in its file. Machine of the latest run:',
    `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${arch()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.`,
    '',
    ...sections,
  ].join('\n'),
);
console.log(`\nwrote bench/RESULTS.md${failed ? `; ${failed} benchmark(s) failed` : ''}`);
process.exit(failed ? 1 : 0);

function render(name: string, data: unknown): string {
  const lines = [`## ${name}`, ''];
  const record = data as { measuredAt?: string; figures?: unknown };
  if (record.measuredAt) lines.push(`Measured ${record.measuredAt}.`, '');
  if (Array.isArray(record.figures)) {
    lines.push('| figure | value | target | result |', '|---|---|---|---|');
    for (const f of record.figures as Array<Record<string, unknown>>) {
      const verdict = f.pass === true ? 'pass' : f.pass === false ? '**miss**' : '—';
      lines.push(`| ${f.name} | ${f.value}${f.unit ? ` ${f.unit}` : ''} | ${f.target ?? '—'} | ${verdict} |`);
    }
  } else {
    lines.push('```json', JSON.stringify(data, null, 2), '```');
  }
  return [...lines, ''].join('\n');
}
