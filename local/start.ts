/**
 * `npm start`: the whole system on loopback. `npm start -- --help` prints the options (HELP below).
 * Writes <data>/local.json (what runs where) while running.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CONFIG_HEADERS, configProblem, cspProblem } from '../contracts/edge-config.ts';
import { PROJECT_ROOT } from '../scripts/paths.ts';
import { cliEnvironment, deployCommandLine } from './deploy.ts';
import { startLocalSystem, type LocalSystem } from './system.ts';

const HELP = `npm start -- [options]   the whole shellfront system on loopback

  --dist <folder>       serve your own build instead of the example app
  --port <n>            the edge (PORT, default 8080)
  --api-port <n>        the sample API (API_PORT, default 8081)
  --api-origin <url>    send /api/* to your own API (API_ORIGIN) instead of the sample API
  --s3-port <n>         s3rver, the local S3 (S3_PORT, default 4569)
  --data <dir>          s3rver's data, kept across starts (SHELLFRONT_DATA, default .shellfront)
  --ttl <seconds>       manifest TTL of the edge handler (SHELLFRONT_TTL, default 2)
  --csp <policy>        Content-Security-Policy on every response, as the stack's -c csp=… sets it
                        (SHELLFRONT_CSP; default: the stack's default policy)
  --quiet               no request log
  --help                this help

Port 0 picks a free port. Each option also reads the environment variable named with it.
`;

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

let values;
try {
  ({ values } = parseArgs({
    options: {
      dist: { type: 'string' },
      port: { type: 'string' },
      'api-port': { type: 'string' },
      'api-origin': { type: 'string' },
      's3-port': { type: 'string' },
      data: { type: 'string' },
      ttl: { type: 'string' },
      csp: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }));
} catch (error) {
  fail(
    `${(error as Error).message.replace(/ To specify an option argument.*$/s, '')}\nRun \`npm start -- --help\` for the options (note the -- before them).`,
  );
}
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const ttlText = values.ttl ?? process.env.SHELLFRONT_TTL ?? '2';
const ttlProblem = configProblem('manifestTtlSeconds', ttlText);
if (ttlProblem) fail(`--ttl: ${ttlProblem}`);
const apiOrigin = values['api-origin'] ?? process.env.API_ORIGIN;
if (apiOrigin !== undefined && !/^https?:\/\/[^/?#]+\/?$/.test(apiOrigin)) {
  fail(`--api-origin must be an origin like http://127.0.0.1:3000 (no path), got ${JSON.stringify(apiOrigin)}`);
}
const csp = values.csp ?? process.env.SHELLFRONT_CSP;
if (csp !== undefined) {
  const problem = cspProblem(csp);
  if (problem) fail(`--csp ${problem}`);
}
const dataDir = resolve(values.data ?? process.env.SHELLFRONT_DATA ?? resolve(PROJECT_ROOT, '.shellfront'));
const show = (path: string) => (path.startsWith(PROJECT_ROOT) ? relative(process.cwd(), path) || '.' : path);

const ports = {
  edge: port('--port / PORT', values.port ?? process.env.PORT, 8080),
  api: port('--api-port / API_PORT', values['api-port'] ?? process.env.API_PORT, 8081),
  s3: port('--s3-port / S3_PORT', values['s3-port'] ?? process.env.S3_PORT, 4569),
};

let system: LocalSystem;
try {
  system = await startLocalSystem({
    dataDir,
    ...(values.dist ? { dist: resolve(values.dist) } : {}),
    edgePort: ports.edge,
    apiPort: ports.api,
    ...(apiOrigin ? { apiOrigin } : {}),
    s3Port: ports.s3,
    ...(csp !== undefined ? { csp } : {}),
    manifestTtlSeconds: Number(ttlText),
    log: (line) => console.log(line),
    ...(values.quiet ? {} : { requestLog: (line: string) => console.log(`  edge │ ${line}`) }),
  });
} catch (error) {
  fail(startFailure((error as Error).message));
}

/** "port 8080 is taken" with the flag that moves it, instead of an EADDRINUSE stack. */
function startFailure(message: string): string {
  const taken = /EADDRINUSE\D*(?:[\d.]+:)?(\d+)|address already in use\D*(?:[\d.]+:)?(\d+)/.exec(message);
  if (!taken) return message;
  const number = Number(taken[1] ?? taken[2]);
  const which =
    number === ports.edge
      ? ['the edge', '--port / PORT']
      : number === ports.api
        ? ['the sample API', '--api-port / API_PORT']
        : ['s3rver', '--s3-port / S3_PORT'];
  return (
    `port ${number} (${which[0]}) is already taken, probably by another \`npm start\`. ` +
    `Stop that one (Ctrl-C in its terminal), or pick another port with ${which[1]} (0 picks a free one).`
  );
}

const { edge, api, s3, bucket, release, config } = system;
const env = cliEnvironment(s3.endpoint);
const envLine = Object.entries(env)
  .map(([name, value]) => `${name}=${value}`)
  .join(' ');
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
  ${envLine} npx --no-install shellfront rollback --bucket ${bucket}
See which release is live (the one above may have changed since):
  ${envLine} npx --no-install shellfront releases --bucket ${bucket}

Ctrl-C stops everything.
`);

const stateFile = resolve(dataDir, 'local.json');
writeFileSync(
  stateFile,
  // What runs where; not the live release, which changes with every deploy (`shellfront releases` tells).
  `${JSON.stringify({ pid: process.pid, edge: edge.url, api: api.url, s3: s3.endpoint, bucket, env }, null, 2)}\n`,
);

// s3rver runs in a child process: if it dies, every asset would answer 502 in silence. Say so and stop.
void s3.exited.then(({ code, signal }) => {
  if (stopping) return;
  console.error(
    `\nnpm start: s3rver (the local S3 at ${s3.endpoint}) exited unexpectedly (${signal ?? `code ${code}`}); ` +
      'the edge cannot serve without it, so everything stops now. Run `npm start` again: the data in ' +
      `${show(dataDir)} is kept.`,
  );
  void system.stop().finally(() => process.exit(1));
});

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
