/**
 * Deploy benchmark: `shellfront deploy` vs `aws s3 sync` (Debian's awscli v2, /usr/bin/aws)
 * to the same s3rver on loopback, in the same run, on a generated 1,000-file build of
 * realistic sizes. Both run as CI runs them: a fresh process each time (startup included).
 * Targets (loopback takes the network out, so this is the CLI's own cost): first deploy >= 2x
 * faster than sync; unchanged redeploy >= 5x faster than sync's re-run. Writes
 * bench/results/deploy.json. Installs nothing: without /usr/bin/aws the comparison is reported as skipped.
 *
 *   npx tsx bench/deploy.bench.ts
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LOCAL_REGION, S3RVER_CREDENTIALS, startS3Server } from '../local/s3-server.ts';
import { generateDist } from '../scripts/fixtures/generate-dist.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'shellfront.mjs');
const RESULT_FILE = join(ROOT, 'bench', 'results', 'deploy.json');
const AWS = '/usr/bin/aws';
const FILES = 1000;
const RUNS = 3;
const TARGETS = { firstDeploy: 2, redeploy: 5 } as const;

interface Timings {
  firstDeployMs: number[];
  redeployMs: number[];
  /** CPU the S3 server spent serving each run (s3rver is one Node process): bounds what any client can reach. */
  serverCpuMs: { firstDeploy: number[]; redeploy: number[] };
}

interface CliTimings extends Timings {
  /** The same build again under a new --release id: a new release record, every asset skipped. */
  newReleaseSameAssetsMs: number[];
}

/** CPU time (ms) the process has used so far, from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf-8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * (1000 / 100);
  } catch {
    return undefined;
  }
}

/** Runs one command to completion; returns its wall time and the S3 server's CPU time meanwhile. */
function timed(
  label: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  serverPid: number | undefined,
): { ms: number; serverCpuMs?: number } {
  const cpuBefore = processCpuMs(serverPid);
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
  if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status}):\n${result.stderr || result.stdout}`);
  const cpuAfter = processCpuMs(serverPid);
  return cpuBefore === undefined || cpuAfter === undefined ? { ms } : { ms, serverCpuMs: cpuAfter - cpuBefore };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

export async function runDeployBench(): Promise<Record<string, unknown>> {
  const work = mkdtempSync(join(tmpdir(), 'shellfront-bench-'));
  const dist = generateDist(join(work, 'dist'), { files: FILES, seed: 1 });
  const awsAvailable = existsSync(AWS);
  const buckets = Array.from({ length: RUNS }, (_, run) => [`bench-cli-${run}`, `bench-sync-${run}`]).flat();
  const server = await startS3Server({ directory: join(work, 's3'), buckets });
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL_S3: server.endpoint,
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_PAGER: '',
    AWS_CONFIG_FILE: join(work, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'aws-credentials'),
  };
  const shellfront: CliTimings = {
    firstDeployMs: [],
    redeployMs: [],
    newReleaseSameAssetsMs: [],
    serverCpuMs: { firstDeploy: [], redeploy: [] },
  };
  const sync: Timings = { firstDeployMs: [], redeployMs: [], serverCpuMs: { firstDeploy: [], redeploy: [] } };
  const pid = server.process.pid;
  const note = (timings: Timings, phase: 'firstDeploy' | 'redeploy', sample: { ms: number; serverCpuMs?: number }) => {
    timings[`${phase}Ms`].push(sample.ms);
    if (sample.serverCpuMs !== undefined) timings.serverCpuMs[phase].push(sample.serverCpuMs);
  };
  const cli = (bucket: string, release?: string) =>
    timed(
      `shellfront deploy ${release ?? ''}`,
      process.execPath,
      [BIN, 'deploy', dist.root, '--bucket', bucket, ...(release ? ['--release', release] : []), '--json'],
      env,
      pid,
    );
  const awsSync = (bucket: string) =>
    timed(
      'aws s3 sync',
      AWS,
      ['s3', 'sync', dist.root, `s3://${bucket}`, '--endpoint-url', server.endpoint, '--exclude', '.vite/*', '--only-show-errors'],
      env,
      pid,
    );
  try {
    for (let run = 0; run < RUNS; run++) {
      note(shellfront, 'firstDeploy', cli(`bench-cli-${run}`, `first-${run}`));
      if (awsAvailable) note(sync, 'firstDeploy', awsSync(`bench-sync-${run}`));
      // As in CI re-running the same commit: no --release, the build is identical to the live one.
      note(shellfront, 'redeploy', cli(`bench-cli-${run}`));
      if (awsAvailable) note(sync, 'redeploy', awsSync(`bench-sync-${run}`));
      shellfront.newReleaseSameAssetsMs.push(cli(`bench-cli-${run}`, `again-${run}`).ms);
      console.error(`run ${run + 1}/${RUNS} done`);
    }
  } finally {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }

  const cliFirst = median(shellfront.firstDeployMs);
  const cliAgain = median(shellfront.redeployMs);
  const cliNewRelease = median(shellfront.newReleaseSameAssetsMs);
  const result: Record<string, unknown> = {
    benchmark: 'shellfront deploy vs aws s3 sync (s3rver on loopback)',
    measuredAt: new Date().toISOString(),
    node: process.version,
    dist: { files: dist.files, bytes: dist.bytes, generator: 'scripts/fixtures/generate-dist.ts seed 1' },
    runs: RUNS,
    method:
      'each command a fresh process (startup included), median of runs; sync excludes .vite/* like the CLI does. ' +
      'Unchanged redeploy = the same build deployed again without --release: shellfront hashes it, finds it identical to the live ' +
      'release, checks that release is complete (one listing) and writes nothing; sync lists and compares sizes/mtimes. ' +
      'newReleaseSameAssets = the same build under a new --release id (record, release files, completeness listing, manifest switch).',
    host: { cpus: availableParallelism(), loadAverage1m: Number(loadavg()[0]?.toFixed(2)) },
    shellfront: { ...shellfront, firstDeployMedianMs: cliFirst, redeployMedianMs: cliAgain, newReleaseSameAssetsMedianMs: cliNewRelease },
    targets: { firstDeploySpeedup: TARGETS.firstDeploy, redeploySpeedup: TARGETS.redeploy },
  };
  if (!awsAvailable) {
    result.comparison = { skipped: true, reason: `${AWS} not found (install Debian's awscli: apt-get install -y awscli)` };
  } else {
    const version = execFileSync(AWS, ['--version'], { encoding: 'utf-8' }).trim();
    const syncFirst = median(sync.firstDeployMs);
    const syncAgain = median(sync.redeployMs);
    const firstRatio = Number((syncFirst / cliFirst).toFixed(2));
    const againRatio = Number((syncAgain / cliAgain).toFixed(2));
    result.comparison = {
      skipped: false,
      awsCli: version,
      sync: { ...sync, firstDeployMedianMs: syncFirst, redeployMedianMs: syncAgain },
      firstDeploySpeedup: firstRatio,
      redeploySpeedup: againRatio,
      pass: { firstDeploy: firstRatio >= TARGETS.firstDeploy, redeploy: againRatio >= TARGETS.redeploy },
    };
  }
  result.figures = figures(result);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/** The rows bench/run.ts renders into bench/RESULTS.md. */
function figures(result: Record<string, unknown>): Array<Record<string, unknown>> {
  const cli = result.shellfront as Record<string, number> & Timings;
  const comparison = result.comparison as Record<string, unknown>;
  const serverCpu = (timings: Timings) => (timings.serverCpuMs.firstDeploy.length ? median(timings.serverCpuMs.firstDeploy) : 'n/a');
  const rows: Array<Record<string, unknown>> = [
    { name: 'shellfront first deploy (1,000 files, median)', value: cli.firstDeployMedianMs, unit: 'ms' },
    { name: 's3rver CPU while serving that first deploy (median)', value: serverCpu(cli), unit: 'ms' },
    { name: 'shellfront unchanged redeploy (median)', value: cli.redeployMedianMs, unit: 'ms' },
    { name: 'shellfront same build as a new release (median)', value: cli.newReleaseSameAssetsMedianMs, unit: 'ms' },
  ];
  if (comparison.skipped) {
    rows.push({ name: 'comparison with aws s3 sync', value: `skipped: ${String(comparison.reason)}` });
    return rows;
  }
  const sync = comparison.sync as Record<string, number> & Timings;
  const pass = comparison.pass as Record<string, boolean>;
  rows.push(
    { name: 'aws s3 sync first run (median)', value: sync.firstDeployMedianMs, unit: 'ms' },
    { name: 's3rver CPU while serving that sync (median)', value: serverCpu(sync), unit: 'ms' },
    { name: 'aws s3 sync re-run, nothing changed (median)', value: sync.redeployMedianMs, unit: 'ms' },
    {
      name: 'first deploy: sync time / shellfront time',
      value: comparison.firstDeploySpeedup,
      unit: '×',
      target: `≥ ${TARGETS.firstDeploy}×`,
      pass: pass.firstDeploy,
    },
    {
      name: 'unchanged redeploy: sync re-run / shellfront',
      value: comparison.redeploySpeedup,
      unit: '×',
      target: `≥ ${TARGETS.redeploy}×`,
      pass: pass.redeploy,
    },
  );
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runDeployBench();
  const comparison = result.comparison as Record<string, unknown>;
  const cli = result.shellfront as Record<string, number>;
  console.log(
    `shellfront deploy, ${FILES} files: first ${cli.firstDeployMedianMs} ms, unchanged redeploy ${cli.redeployMedianMs} ms, ` +
      `same assets as a new release ${cli.newReleaseSameAssetsMedianMs} ms`,
  );
  if (comparison.skipped) {
    console.log(`aws s3 sync comparison skipped: ${comparison.reason}`);
  } else {
    const sync = comparison.sync as Record<string, number>;
    const pass = comparison.pass as Record<string, boolean>;
    console.log(`aws s3 sync: first ${sync.firstDeployMedianMs} ms, re-run ${sync.redeployMedianMs} ms`);
    console.log(
      `first deploy ${comparison.firstDeploySpeedup}x faster (target ${TARGETS.firstDeploy}x): ${pass.firstDeploy ? 'PASS' : 'FAIL'}`,
    );
    console.log(
      `unchanged redeploy ${comparison.redeploySpeedup}x faster (target ${TARGETS.redeploy}x): ${pass.redeploy ? 'PASS' : 'FAIL'}`,
    );
  }
  console.log(`wrote ${RESULT_FILE}`);
}
