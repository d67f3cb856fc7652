/**
 * `npm start`: the whole system on loopback. Options (each also an environment variable):
 *   --dist <folder>   serve your own build instead of the example app
 *   --port <n>        the edge (PORT, default 8080)     --api-port <n>  the sample API (API_PORT, 8081)
 *   --s3-port <n>     s3rver (S3_PORT, 4569)            --data <dir>    s3rver's data (SHELLFRONT_DATA, .shellfront)
 *   --ttl <seconds>   manifest TTL of the handler (SHELLFRONT_TTL, 2)   --quiet  no request log
 *   --api-origin <url>  send /api/* to your own API (API_ORIGIN) instead of the sample API
 * Port 0 picks a free port. Writes <data>/local.json (what runs where) while running.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CONFIG_HEADERS, configProblem } from '../contracts/edge-config.ts';
import { PROJECT_ROOT } from '../scripts/edge-bundle.ts';
import { cliEnvironment, deployCommandLine } from './deploy.ts';
import { startLocalSystem, type LocalSystem } from './system.ts';

function fail(message: string): never {
  console.error(`npm start: ${message}`);
  process.exit(2);
}

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > 65_535) fail(`${name} must be a port number from 0 to 65535, got ${JSON.stringify(value)}`);
  return number;
}

const { values } = parseArgs({
  options: {
    dist: { type: 'string' },
    port: { type: 'string' },
    'api-port': { type: 'string' },
    'api-origin': { type: 'string' },
    's3-port': { type: 'string' },
    data: { type: 'string' },
    ttl: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
  strict: true,
});

const ttlText = values.ttl ?? process.env.SHELLFRONT_TTL ?? '2';
const ttlProblem = configProblem('manifestTtlSeconds', ttlText);
if (ttlProblem) fail(`--ttl: ${ttlProblem}`);
const apiOrigin = values['api-origin'] ?? process.env.API_ORIGIN;
if (apiOrigin !== undefined && !/^https?:\/\/[^/?#]+\/?$/.test(apiOrigin)) {
  fail(`--api-origin must be an origin like http://127.0.0.1:3000 (no path), got ${JSON.stringify(apiOrigin)}`);
}
const dataDir = resolve(values.data ?? process.env.SHELLFRONT_DATA ?? resolve(PROJECT_ROOT, '.shellfront'));
const show = (path: string) => (path.startsWith(PROJECT_ROOT) ? relative(process.cwd(), path) || '.' : path);

let system: LocalSystem;
try {
  system = await startLocalSystem({
    dataDir,
    ...(values.dist ? { dist: resolve(values.dist) } : {}),
    edgePort: port('--port / PORT', values.port ?? process.env.PORT, 8080),
    apiPort: port('--api-port / API_PORT', values['api-port'] ?? process.env.API_PORT, 8081),
    ...(apiOrigin ? { apiOrigin } : {}),
    s3Port: port('--s3-port / S3_PORT', values['s3-port'] ?? process.env.S3_PORT, 4569),
    manifestTtlSeconds: Number(ttlText),
    log: (line) => console.log(line),
    ...(values.quiet ? {} : { requestLog: (line: string) => console.log(`  edge │ ${line}`) }),
  });
} catch (error) {
  const message = (error as Error).message;
  const inUse = /EADDRINUSE/.test(message) ? '\nA port is taken: set PORT, API_PORT or S3_PORT (0 picks a free one).' : '';
  fail(`${message}${inUse}`);
}

const { edge, api, s3, bucket, release, config } = system;
const env = cliEnvironment(s3.endpoint);
const envLine = Object.entries(env).map(([name, value]) => `${name}=${value}`).join(' ');
console.log(`
shellfront is running on loopback:
  edge     ${edge.url}   ← open this (behaviors: /api/* → API, /assets/* → S3, the rest → the edge handler)
  api      ${api.url}   ${api.sample ? 'the sample API' : 'your API'} (the separate origin behind /api/*)
  s3       ${s3.endpoint}   s3rver, bucket ${bucket}, data in ${show(dataDir)}
  handler  ${show(system.handlerBundle)}, manifest TTL ${config.manifestTtlSeconds} s (${CONFIG_HEADERS.manifestTtlSeconds})
  release  ${release.id} ${release.deployed ? `(just deployed from ${show(system.dist)})` : `(already live from ${show(system.dist)}, not redeployed)`}

Deploy another build to the local S3; it goes live within ${config.manifestTtlSeconds} s, nothing restarts:
  ${deployCommandLine(s3.endpoint, bucket)}
Roll back to the previous release:
  ${envLine} npx shellfront rollback --bucket ${bucket}

Ctrl-C stops everything.
`);

const stateFile = resolve(dataDir, 'local.json');
writeFileSync(
  stateFile,
  `${JSON.stringify({ pid: process.pid, edge: edge.url, api: api.url, s3: s3.endpoint, bucket, release: release.id, env }, null, 2)}\n`,
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) {
    console.log('stopping now');
    process.exit(1);
  }
  stopping = true;
  console.log(`\n${signal}: stopping the edge, the API and s3rver…`);
  rmSync(stateFile, { force: true });
  await system.stop();
  console.log('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
