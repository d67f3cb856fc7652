/**
 * The edge handler benchmark (`npx tsx bench/edge.bench.ts`, or `npm run bench -- edge`).
 * Measures the BUILT bundle: warm invocations/s and p50/p99, cold-start cost against a bare
 * `node -e ''`, bundle size (and both for the @aws-sdk/client-s3 and aws4fetch+fetch ways of the one GET), and
 * how many S3 requests reach a counting loopback proxy in front of s3rver. Writes
 * bench/results/edge.json.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { buildSync } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { channelPointerKey, PRODUCTION_CHANNEL } from '../contracts/channels.ts';
import { CHANNEL_HEADERS, CONFIG_HEADERS } from '../contracts/edge-config.ts';
import { LOCAL_REGION, S3RVER_CREDENTIALS, startS3Server } from '../local/s3-server.ts';
import { bundleEdge, edgeBuildOptions } from '../lambda/build.ts';
import { PROJECT_ROOT } from '../scripts/paths.ts';
import { makeManifest, makeRelease } from '../scripts/fixtures/releases.ts';
import type { CloudFrontRequestEvent, CloudFrontRequestResult } from '../lambda/edge/types.ts';
import { loadavg } from 'node:os';
import { adversarialRules, measureWarm, migrationRules, MIXED_PATHS } from './edge-rules.ts';

type Handler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;
interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  pass?: boolean;
}

const BUCKET = 'shellfront-bench';
/** The same site with a 1,000-rule `_redirects` (bench/edge-rules.ts), and the index's worst case. */
const RULES_BUCKET = 'shellfront-bench-rules';
const WORST_BUCKET = 'shellfront-bench-worst';
/**
 * Production and 50 preview channels, each its own release: a team with 50 open pull requests,
 * where a warm request must not cost more than with one channel.
 */
const CHANNELS_BUCKET = 'shellfront-bench-channels';
const PREVIEW_DOMAIN = 'preview.example.com';
const CHANNEL_COUNT = 50;
const POINTER = channelPointerKey(PRODUCTION_CHANNEL);
const WARM_RUNS = 200_000;
const COLD_RUNS = 25;
const figures: Figure[] = [];
const work = mkdtempSync(join(tmpdir(), 'shellfront-edge-bench-'));

function figure(name: string, value: number, unit: string, target?: string, pass?: boolean): void {
  const rounded = Math.round(value * 100) / 100;
  figures.push({ name, value: rounded, unit, ...(target ? { target, pass } : {}) });
  console.log(`${name}: ${rounded} ${unit}${target ? `  (target ${target}: ${pass ? 'pass' : 'MISS'})` : ''}`);
}

function event(uri: string, ttlSeconds = 60, bucket = BUCKET, viewerHost?: string): CloudFrontRequestEvent {
  const header = CONFIG_HEADERS.manifestTtlSeconds;
  const domain = CHANNEL_HEADERS.previewDomain;
  const custom = {
    [header]: [{ key: header, value: String(ttlSeconds) }],
    ...(viewerHost ? { [domain]: [{ key: domain, value: PREVIEW_DOMAIN }] } : {}),
  };
  return {
    Records: [
      {
        cf: {
          config: { eventType: 'origin-request' },
          request: {
            method: 'GET',
            uri,
            querystring: '',
            headers: viewerHost ? { [CHANNEL_HEADERS.viewerHost]: [{ key: CHANNEL_HEADERS.viewerHost, value: viewerHost }] } : {},
            origin: {
              s3: {
                domainName: `${bucket}.s3.${LOCAL_REGION}.amazonaws.com`,
                region: LOCAL_REGION,
                authMethod: 'none',
                path: '',
                customHeaders: custom,
              },
            },
          },
        },
      },
    ],
  };
}

/** A loopback proxy in front of s3rver that counts manifest GETs (and conditional ones). */
function countingProxy(
  target: string,
): Promise<{ server: Server; endpoint: string; gets: () => number; conditional: () => number; reset: () => void }> {
  const upstream = new URL(target);
  let gets = 0;
  let conditional = 0;
  const server = createServer((req, res) => {
    if (req.method === 'GET') {
      gets += 1;
      if (req.headers['if-none-match']) conditional += 1;
    }
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      resolve({
        server,
        endpoint: `http://127.0.0.1:${address.port}`,
        gets: () => gets,
        conditional: () => conditional,
        reset: () => {
          gets = 0;
          conditional = 0;
        },
      });
    });
  });
}

let containers = 0;
async function coldContainer(bundle: string): Promise<Handler> {
  containers += 1;
  return ((await import(`${pathToFileURL(bundle).href}?container=${containers}`)) as { handler: Handler }).handler;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Wall time of one fresh `node` process running `args`, in ms. */
function timeProcess(args: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`cold run failed (${run.status}): ${run.stderr || run.stdout}`);
  return ms;
}

const COLD_SCRIPT = (bundle: string, eventJson: string) => `
const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
const result = await handler(${eventJson});
if (!(result.status === '200' || result.ok)) { console.error(JSON.stringify(result).slice(0, 300)); process.exit(1); }
// Lambda freezes the container once the response is out; do not time keep-alive sockets lingering.
process.exit(0);
`;

/** The one signed GET of the manifest + parse, done the two other ways, for comparison. */
const VARIANTS = {
  '@aws-sdk/client-s3': `
import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';
const client = new S3Client({ region: '${LOCAL_REGION}', endpoint: process.env.AWS_ENDPOINT_URL_S3, forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
export async function handler() {
  const object = await client.send(new GetObjectCommand({ Bucket: '${BUCKET}', Key: '${POINTER}' }));
  const manifest = JSON.parse(await object.Body.transformToString());
  return { ok: typeof manifest.release.shell === 'string' };
}`,
  'aws4fetch + fetch': `
import { AwsClient } from 'aws4fetch';
const client = new AwsClient({ accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
  service: 's3', region: '${LOCAL_REGION}', retries: 0 });
export async function handler() {
  const response = await client.fetch(process.env.AWS_ENDPOINT_URL_S3 + '/${BUCKET}/${POINTER}', { signal: AbortSignal.timeout(1000) });
  const manifest = JSON.parse(await response.text());
  return { ok: typeof manifest.release.shell === 'string' };
}`,
} as const;

function buildVariant(contents: string, outdir: string): string {
  const { entryPoints: _entry, outdir: _out, outExtension: _ext, ...options } = edgeBuildOptions(outdir);
  // The SDK's CommonJS parts require node built-ins: give the ESM bundle a \`require\`.
  const banner = { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" };
  const outfile = join(outdir, 'index.mjs');
  buildSync({ ...options, banner, stdin: { contents, resolveDir: PROJECT_ROOT, loader: 'js', sourcefile: 'variant.js' }, outfile });
  return outfile;
}

async function main(): Promise<void> {
  // The machine is shared: the load when the run starts and ends goes with the figures.
  figure('load average (1 min) at the start', loadavg()[0] as number, 'load');
  const outdir = join(PROJECT_ROOT, 'dist', 'edge');
  const { bytes, file: bundle } = bundleEdge(outdir);
  figure('bundle size (minified)', bytes / 1024, 'KB', '< 200 KB', bytes < 200 * 1024);
  const variants = Object.entries(VARIANTS).map(([name, contents], index) => {
    const file = buildVariant(contents, join(work, `variant-${index}`));
    figure(`bundle size of the ${name} variant (for comparison)`, statSync(file).size / 1024, 'KB');
    return { name, file };
  });

  const s3 = await startS3Server({ directory: join(work, 's3'), buckets: [BUCKET, RULES_BUCKET, WORST_BUCKET, CHANNELS_BUCKET] });
  const proxy = await countingProxy(s3.endpoint);
  const client = new S3Client({
    region: LOCAL_REGION,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const put = (id: string) =>
    client.send(new PutObjectCommand({ Bucket: BUCKET, Key: POINTER, Body: JSON.stringify(makeManifest(makeRelease({ id }))) }));
  await put('bench-1');
  for (const [bucket, rules] of [
    [RULES_BUCKET, migrationRules()],
    [WORST_BUCKET, adversarialRules()],
  ] as const) {
    const body = JSON.stringify(makeManifest(makeRelease({ id: 'bench-rules', rules })));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: POINTER, Body: body }));
  }
  const channelNames = [PRODUCTION_CHANNEL, ...Array.from({ length: CHANNEL_COUNT }, (_, i) => `pr-${i}`)];
  for (const name of channelNames) {
    const body = JSON.stringify(makeManifest(makeRelease({ id: `bench-${name}` })));
    await client.send(new PutObjectCommand({ Bucket: CHANNELS_BUCKET, Key: channelPointerKey(name), Body: body }));
  }
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: proxy.endpoint,
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
  });
  delete process.env.AWS_SESSION_TOKEN;
  const quiet = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: []) =>
    String(chunk).startsWith('{"time"') ? true : quiet(chunk, ...rest)) as typeof process.stdout.write;

  try {
    // Warm: one container, manifest cached, shell route.
    const warm = await coldContainer(bundle);
    const shellEvent = event('/pipelines/42');
    for (let i = 0; i < 20_000; i++) await warm(shellEvent);
    const started = process.hrtime.bigint();
    for (let i = 0; i < WARM_RUNS; i++) await warm(shellEvent);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    figure('warm invocations per second (one core)', WARM_RUNS / seconds, '/s', '> 100,000/s', WARM_RUNS / seconds > 100_000);
    const samples = new Float64Array(WARM_RUNS);
    for (let i = 0; i < WARM_RUNS; i++) {
      const t0 = process.hrtime.bigint();
      await warm(shellEvent);
      samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
    }
    const sorted = Array.from(samples).sort((a, b) => a - b);
    figure('warm p50', percentile(sorted, 50), 'µs');
    figure('warm p99', percentile(sorted, 99), 'µs', '< 50 µs', percentile(sorted, 99) < 50);

    // 1,000 rules: the same mixed paths (mostly client routes, some redirects) with and without
    // rules, in this run, so the comparison does not depend on the machine's load that day.
    const mixed = (bucket: string) => MIXED_PATHS.map((path) => event(path, 60, bucket));
    const [base, ruled, worst] = await measureWarm(
      [
        { handler: await coldContainer(bundle), events: mixed(BUCKET) },
        { handler: await coldContainer(bundle), events: mixed(RULES_BUCKET) },
        { handler: await coldContainer(bundle), events: [event('/pipelines/42', 60, WORST_BUCKET)] },
      ],
      WARM_RUNS,
    );
    if (!base || !ruled || !worst) throw new Error('measureWarm returned too few results');
    figure('same-run baseline, no rules, mixed paths: warm invocations per second', base.perSecond, '/s');
    figure('same-run baseline, no rules, mixed paths: warm p50', base.p50, 'µs');
    figure('same-run baseline, no rules, mixed paths: warm p99', base.p99, 'µs');
    figure('1,000 rules, mixed paths: warm invocations per second', ruled.perSecond, '/s', '> 100,000/s', ruled.perSecond > 100_000);
    figure('1,000 rules, mixed paths: warm p50', ruled.p50, 'µs');
    figure('1,000 rules, mixed paths: warm p99', ruled.p99, 'µs', '< 50 µs', ruled.p99 < 50);
    figure('1,000 rules, mixed paths: throughput relative to the same-run baseline', (100 * ruled.perSecond) / base.perSecond, '%');
    figure('1,000 rules all starting with a placeholder, none matching (worst case): warm invocations per second', worst.perSecond, '/s');
    figure('1,000 rules all starting with a placeholder, none matching (worst case): warm p99', worst.p99, 'µs');

    // 50 warm preview channels and production in one container (requests cycling over all 51
    // hosts), against the same-run single-channel baseline with previews on.
    const hosts = channelNames.map((name) => (name === PRODUCTION_CHANNEL ? 'www.example.com' : `${name}.${PREVIEW_DOMAIN}`));
    const [single, many] = await measureWarm(
      [
        { handler: await coldContainer(bundle), events: [event('/pipelines/42', 60, CHANNELS_BUCKET, 'www.example.com')] },
        { handler: await coldContainer(bundle), events: hosts.map((host) => event('/pipelines/42', 60, CHANNELS_BUCKET, host)) },
      ],
      WARM_RUNS,
    );
    if (!single || !many) throw new Error('measureWarm returned too few results');
    figure('same-run baseline, previews on, production only: warm invocations per second', single.perSecond, '/s');
    figure('same-run baseline, previews on, production only: warm p99', single.p99, 'µs');
    figure(
      `${CHANNEL_COUNT} warm preview channels + production: warm invocations per second`,
      many.perSecond,
      '/s',
      '> 100,000/s',
      many.perSecond > 100_000,
    );
    figure(`${CHANNEL_COUNT} warm preview channels + production: warm p50`, many.p50, 'µs');
    figure(`${CHANNEL_COUNT} warm preview channels + production: warm p99`, many.p99, 'µs', '< 50 µs', many.p99 < 50);

    // S3 requests: 1,000 concurrent requests on a cold container.
    proxy.reset();
    const cold = await coldContainer(bundle);
    await Promise.all(Array.from({ length: 1000 }, (_, i) => cold(event(`/route/${i}`))));
    figure('S3 GETs for 1,000 concurrent cold requests', proxy.gets(), 'GET', '1', proxy.gets() === 1);

    // 10,000 warm requests spread over 5 TTLs of 1 s: one conditional GET per TTL.
    const ttl = await coldContainer(bundle);
    await ttl(event('/', 1));
    proxy.reset();
    for (let period = 0; period < 5; period++) {
      await new Promise((resolve) => setTimeout(resolve, 1020));
      for (let batch = 0; batch < 10; batch++) {
        await Promise.all(Array.from({ length: 200 }, (_, i) => ttl(event(`/p/${period}/${batch}/${i}`, 1))));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    figure('S3 conditional GETs for 10,000 warm requests over 5 TTLs', proxy.conditional(), 'GET', '5', proxy.conditional() === 5);
    figure('S3 GETs in total for the same', proxy.gets(), 'GET', '5', proxy.gets() === 5);

    // Cold start: fresh processes, alternating, against s3rver directly.
    const env = { ...process.env, AWS_ENDPOINT_URL_S3: s3.endpoint };
    const script = COLD_SCRIPT(bundle, JSON.stringify(event('/')));
    const rulesScript = COLD_SCRIPT(bundle, JSON.stringify(event('/', 60, RULES_BUCKET)));
    const bare: number[] = [];
    const ours: number[] = [];
    const withRules: number[] = [];
    const others = variants.map(() => [] as number[]);
    for (let run = 0; run < COLD_RUNS; run++) {
      bare.push(timeProcess(['-e', ''], env));
      ours.push(timeProcess(['--input-type=module', '-e', script], env));
      withRules.push(timeProcess(['--input-type=module', '-e', rulesScript], env));
      variants.forEach((variant, index) => {
        others[index]!.push(timeProcess(['--input-type=module', '-e', COLD_SCRIPT(variant.file, '{}')], env));
      });
    }
    figure(`bare node -e '' (median of ${COLD_RUNS})`, median(bare), 'ms');
    const extra = median(ours) - median(bare);
    figure('cold start extra: import bundle + one shell from S3 on loopback', extra, 'ms', '< 50 ms', extra < 50);
    const rulesCost = median(withRules) - median(ours);
    figure('cold start with a 1,000-rule release, over the same without rules (same run)', rulesCost, 'ms', '< 5 ms', rulesCost < 5);
    variants.forEach((variant, index) => {
      figure(`cold start extra of the ${variant.name} variant (for comparison)`, median(others[index]!) - median(bare), 'ms');
    });
  } finally {
    process.stdout.write = quiet;
    client.destroy();
    proxy.server.close();
    await s3.stop();
    rmSync(work, { recursive: true, force: true });
  }

  figure('load average (1 min) at the end', loadavg()[0] as number, 'load');
  const results = join(PROJECT_ROOT, 'bench', 'results');
  mkdirSync(results, { recursive: true });
  const record = { measuredAt: new Date().toISOString(), node: process.version, figures };
  writeFileSync(join(results, 'edge.json'), `${JSON.stringify(record, null, 2)}\n`);
  console.log('wrote bench/results/edge.json');
  if (figures.some((f) => f.pass === false)) process.exitCode = 1;
}

await main();
