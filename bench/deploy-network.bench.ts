/**
 * Deploy speed as users meet it: CI to S3 is a network away, and a loopback s3rver is bound by
 * its own CPU, so every client here talks to s3rver through a proxy that adds a round trip per
 * request exchange (local/latency-proxy.ts), at 20 ms and 60 ms. In the same run, on the same
 * generated 1,000-file build, each a fresh process as CI runs it:
 * - shellfront: the INSTALLED package's bin (npm pack, installed into a throwaway project);
 * - aws s3 sync: Debian's awscli v2 (/usr/bin/aws);
 * - s3-spa-upload: the closest SPA-specific uploader (npm).
 * Targets at 60 ms (a CI runner a region away from its bucket, where the round trips dominate):
 * first deploy >= 3x faster than aws s3 sync and faster than s3-spa-upload; unchanged redeploy
 * >= 2x faster than sync's re-run.
 * Writes bench/results/deploy-network.json.
 *
 *   npx tsx bench/deploy-network.bench.ts
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLatencyProxy } from '../local/latency-proxy.ts';
import { LOCAL_REGION, S3RVER_CREDENTIALS, startS3Server } from '../local/s3-server.ts';
import { installProject, pack } from '../scripts/pack.ts';
import { PROJECT_ROOT } from '../scripts/paths.ts';
import { generateDist } from '../scripts/fixtures/generate-dist.ts';

const RESULT_FILE = join(PROJECT_ROOT, 'bench', 'results', 'deploy-network.json');
const AWS = '/usr/bin/aws';
const SPA_UPLOAD = join(PROJECT_ROOT, 'node_modules', 's3-spa-upload', 'src', 'cli.js');
const FILES = 1000;
const RTTS_MS = [20, 60];
const RUNS = 2;
const TARGETS = { firstVsSync: 3, redeployVsSync: 2, firstVsSpaUpload: 1 } as const;

type Tool = 'shellfront' | 'awsS3Sync' | 's3SpaUpload';
interface Samples {
  firstMs: number[];
  againMs: number[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Runs a command to completion, asynchronously: the proxy lives in this process and must keep running. */
async function timed(label: string, command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
  if (code !== 0) throw new Error(`${label} failed (exit ${code}):\n${output.slice(-2000)}`);
  return ms;
}

const work = mkdtempSync(join(tmpdir(), 'shellfront-netbench-'));
try {
  console.error('packing and installing the package into a throwaway project…');
  const { tarball } = pack(work);
  const app = installProject(work, 'ci-app', [tarball]);
  const bin = join(app, 'node_modules', '.bin', 'shellfront');
  const dist = generateDist(join(work, 'dist'), { files: FILES, seed: 1 });
  const tools: Tool[] = [
    'shellfront',
    ...(existsSync(AWS) ? (['awsS3Sync'] as const) : []),
    ...(existsSync(SPA_UPLOAD) ? (['s3SpaUpload'] as const) : []),
  ];
  const buckets = RTTS_MS.flatMap((rtt) =>
    Array.from({ length: RUNS }, (_, run) => tools.map((tool) => `nb-${tool.toLowerCase()}-${rtt}-${run}`)).flat(),
  );
  const server = await startS3Server({ directory: join(work, 's3'), buckets });
  const results: Record<string, Record<Tool, Samples & { firstMedianMs?: number; againMedianMs?: number }>> = {};
  try {
    for (const rtt of RTTS_MS) {
      const proxy = await startLatencyProxy({ host: '127.0.0.1', port: server.port }, rtt);
      const env = {
        ...process.env,
        AWS_ENDPOINT_URL_S3: proxy.endpoint,
        AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
        AWS_REGION: LOCAL_REGION,
        AWS_DEFAULT_REGION: LOCAL_REGION,
        AWS_PAGER: '',
        AWS_CONFIG_FILE: join(work, 'aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(work, 'aws-credentials'),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      };
      const byTool = Object.fromEntries(tools.map((tool) => [tool, { firstMs: [], againMs: [] }])) as unknown as Record<Tool, Samples>;
      const command: Record<Tool, (bucket: string) => [string, string[]]> = {
        // The README's CI invocation: the installed bin, nothing else to set.
        shellfront: (bucket) => [bin, ['deploy', dist.root, '--bucket', bucket, '--json']],
        awsS3Sync: (bucket) => [
          AWS,
          ['s3', 'sync', dist.root, `s3://${bucket}`, '--endpoint-url', proxy.endpoint, '--exclude', '.vite/*', '--only-show-errors'],
        ],
        s3SpaUpload: (bucket) => [process.execPath, [SPA_UPLOAD, dist.root, bucket]],
      };
      for (let run = 0; run < RUNS; run++) {
        for (const tool of tools) {
          const bucket = `nb-${tool.toLowerCase()}-${rtt}-${run}`;
          const [cmd, args] = command[tool](bucket);
          byTool[tool].firstMs.push(await timed(`${tool} first`, cmd, args, env, app));
          byTool[tool].againMs.push(await timed(`${tool} again`, cmd, args, env, app));
        }
        console.error(
          `${rtt} ms: run ${run + 1}/${RUNS} done (${tools.map((tool) => `${tool} ${byTool[tool].firstMs.at(-1)}/${byTool[tool].againMs.at(-1)} ms`).join(', ')})`,
        );
      }
      await proxy.close();
      results[`${rtt}ms`] = Object.fromEntries(
        tools.map((tool) => [
          tool,
          { ...byTool[tool], firstMedianMs: median(byTool[tool].firstMs), againMedianMs: median(byTool[tool].againMs) },
        ]),
      ) as (typeof results)[string];
    }
  } finally {
    await server.stop();
  }

  const at60 = results['60ms'];
  const ratio = (a?: number, b?: number) => (a && b ? Number((a / b).toFixed(2)) : undefined);
  const comparison = at60 && {
    firstVsSync: ratio(at60.awsS3Sync?.firstMedianMs, at60.shellfront.firstMedianMs),
    redeployVsSync: ratio(at60.awsS3Sync?.againMedianMs, at60.shellfront.againMedianMs),
    firstVsSpaUpload: ratio(at60.s3SpaUpload?.firstMedianMs, at60.shellfront.firstMedianMs),
  };
  const pass = comparison && {
    firstVsSync: (comparison.firstVsSync ?? 0) >= TARGETS.firstVsSync,
    redeployVsSync: (comparison.redeployVsSync ?? 0) >= TARGETS.redeployVsSync,
    firstVsSpaUpload: (comparison.firstVsSpaUpload ?? 0) > TARGETS.firstVsSpaUpload,
  };
  const result = {
    benchmark: 'deploy through a round-trip proxy: installed shellfront vs aws s3 sync vs s3-spa-upload',
    measuredAt: new Date().toISOString(),
    node: process.version,
    dist: { files: dist.files, bytes: dist.bytes, generator: 'scripts/fixtures/generate-dist.ts seed 1' },
    runs: RUNS,
    rttMs: RTTS_MS,
    versions: {
      awsCli: existsSync(AWS) ? execFileSync(AWS, ['--version'], { encoding: 'utf-8' }).trim() : 'not installed',
      s3SpaUpload: existsSync(SPA_UPLOAD) ? '2.1.5' : 'not installed',
    },
    method:
      'A TCP proxy holds every chunk half the RTT in each direction (connection setup costs one RTT). Each command is a fresh ' +
      'process, default settings, median of runs. "again" = the same command re-run with nothing changed (shellfront: no --release, ' +
      'so the identical build is a verified no-op; sync: list and compare; s3-spa-upload: uploads everything again). ' +
      `Host: ${availableParallelism()} cores, load ${loadavg()[0]?.toFixed(2)} at the end.`,
    results,
    comparisonAt60ms: comparison,
    targets: TARGETS,
    pass,
    figures: [] as Array<Record<string, unknown>>,
  };
  for (const [rtt, byTool] of Object.entries(results)) {
    for (const [tool, samples] of Object.entries(byTool)) {
      result.figures.push({ name: `${tool} first deploy at ${rtt} RTT (median)`, value: samples.firstMedianMs, unit: 'ms' });
      result.figures.push({ name: `${tool} unchanged re-run at ${rtt} RTT (median)`, value: samples.againMedianMs, unit: 'ms' });
    }
  }
  if (comparison && pass) {
    result.figures.push(
      {
        name: 'first deploy at 60 ms: aws s3 sync / shellfront',
        value: comparison.firstVsSync,
        unit: '×',
        target: `≥ ${TARGETS.firstVsSync}×`,
        pass: pass.firstVsSync,
      },
      {
        name: 'first deploy at 60 ms: s3-spa-upload / shellfront',
        value: comparison.firstVsSpaUpload,
        unit: '×',
        target: '> 1×',
        pass: pass.firstVsSpaUpload,
      },
      {
        name: 'unchanged re-run at 60 ms: aws s3 sync / shellfront',
        value: comparison.redeployVsSync,
        unit: '×',
        target: `≥ ${TARGETS.redeployVsSync}×`,
        pass: pass.redeployVsSync,
      },
    );
  }
  mkdirSync(join(PROJECT_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
  for (const figure of result.figures) {
    console.log(
      `${figure.name}: ${figure.value} ${figure.unit ?? ''}${figure.target ? ` (target ${figure.target}: ${figure.pass ? 'PASS' : 'FAIL'})` : ''}`,
    );
  }
  console.log(`wrote ${RESULT_FILE}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
