/**
 * `npm start`: the whole system on loopback. `npm start -- --help` prints the options (HELP below).
 * Writes <data>/local.json (what runs where) while running.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  assetPatternProblem,
  CONFIG_HEADERS,
  configProblem,
  cspProblem,
  DEFAULT_API_PATH_PATTERN,
  DEFAULT_ASSET_PATH_PATTERNS,
  DEFAULT_EDGE_CONFIG,
  pathPatternProblem,
} from '../contracts/edge-config.ts';
import { closest } from '../cli/terminal/spec.ts';
import { PROJECT_ROOT } from '../scripts/paths.ts';
import { cliEnvironment, deployCommandLine } from './deploy.ts';
import { portTaken, portTakenMessage, runningStartPid, takenPortProblems, type PortUse } from './start-checks.ts';
import { LOCAL_PREVIEW_DOMAIN, startLocalSystem, type LocalSystem } from './system.ts';

/** Like the manifest TTL (2 s here, 60 in the stack): short, so a local deploy shows within seconds. */
const LOCAL_SHELL_CDN_SECONDS = 2;

const HELP = `npm start -- [options]   the whole shellfront system on loopback

  --dist <folder>       serve your own build instead of the example app
  --port <n>            the edge (PORT, default 8080)
  --api-port <n>        the sample API (API_PORT, default 8081)
  --api-origin <url>    send /api/* to your own API (API_ORIGIN) instead of the sample API
  --s3-port <n>         s3rver, the local S3 (S3_PORT, default 4569)
  --data <dir>          s3rver's data, kept across starts (SHELLFRONT_DATA, default .shellfront)

The stack's settings that change what the edge answers, named and checked as its context keys
(-c key=value), so a team can try its own values before deploying them:
  --csp <policy>                  Content-Security-Policy on every response (SHELLFRONT_CSP;
                                  default: the stack's default policy)
  --manifest-ttl-seconds <n>      manifest TTL of the edge handler, 1-3600 (alias --ttl;
                                  SHELLFRONT_TTL; default 2 here, 60 in the stack)
  --shell-cdn-seconds <n>         s-maxage of the shell: how long the edge cache keeps it, 0-3600
                                  (SHELLFRONT_SHELL_CDN_SECONDS; default ${LOCAL_SHELL_CDN_SECONDS} here, ${DEFAULT_EDGE_CONFIG.shellCdnSeconds} in the stack)
  --fetch-timeout-ms <n>          bound on one manifest GET, 100-10000
                                  (SHELLFRONT_FETCH_TIMEOUT_MS; default ${DEFAULT_EDGE_CONFIG.fetchTimeoutMs})
  --asset-path-patterns <list>    hashed-asset folders straight to S3, e.g. /static/*,/media/*
                                  (SHELLFRONT_ASSET_PATH_PATTERNS; default ${DEFAULT_ASSET_PATH_PATTERNS.join(',')});
                                  the deploy gets the matching --asset-dirs
  --api-path-pattern <pattern>    the API behavior (SHELLFRONT_API_PATH_PATTERN; default ${DEFAULT_API_PATH_PATTERN})

  --no-previews                   run as a stack without previewDomain: every host is production,
                                  no viewer function (SHELLFRONT_PREVIEWS=off; default: previews at
                                  http://<channel>.${LOCAL_PREVIEW_DOMAIN}:<port>)

  --no-edge-cache       no CloudFront cache: every request reaches S3 or the handler
                        (SHELLFRONT_EDGE_CACHE=off; default: cached as the behavior table says)
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

const OPTIONS = {
  dist: { type: 'string' },
  port: { type: 'string' },
  'api-port': { type: 'string' },
  'api-origin': { type: 'string' },
  's3-port': { type: 'string' },
  data: { type: 'string' },
  ttl: { type: 'string' },
  'manifest-ttl-seconds': { type: 'string' },
  'shell-cdn-seconds': { type: 'string' },
  'fetch-timeout-ms': { type: 'string' },
  'asset-path-patterns': { type: 'string' },
  'api-path-pattern': { type: 'string' },
  csp: { type: 'string' },
  'no-previews': { type: 'boolean', default: false },
  'no-edge-cache': { type: 'boolean', default: false },
  quiet: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;
const AFTER_OPTIONS = 'Run `npm start -- --help` for the options (note the -- before them).';

/**
 * parseArgs, with an unknown flag named with its nearest option, and a negative number after an
 * option that takes a value (`--shell-cdn-seconds -1`) taken as its value so its own check can say
 * what is wrong with it (parseArgs would call it "ambiguous").
 */
function parseOptions(args: readonly string[]) {
  const joined: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    const name = arg.startsWith('--') ? (arg.slice(2).split('=')[0] as string) : undefined;
    if (name !== undefined && name !== '' && !(name in OPTIONS)) {
      const near = closest(name, Object.keys(OPTIONS));
      fail(`Unknown option '--${name}'.${near ? ` Did you mean --${near}?` : ''}\n${AFTER_OPTIONS}`);
    }
    const next = args[index + 1];
    if (
      name &&
      OPTIONS[name as keyof typeof OPTIONS].type === 'string' &&
      !arg.includes('=') &&
      next !== undefined &&
      /^-[\d.]/.test(next)
    ) {
      joined.push(`${arg}=${next}`);
      index++;
    } else joined.push(arg);
  }
  return parseArgs({ args: joined, options: OPTIONS, strict: true }).values;
}
let values: ReturnType<typeof parseOptions>;
try {
  values = parseOptions(process.argv.slice(2));
} catch (error) {
  // parseArgs' own words for what is left (a missing value, a stray positional), minus its '--' advice.
  fail(`${(error as Error).message.replace(/ To specify (an option argument|a positional argument).*$/s, '')}\n${AFTER_OPTIONS}`);
}
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

if (values.ttl !== undefined && values['manifest-ttl-seconds'] !== undefined && values.ttl !== values['manifest-ttl-seconds']) {
  fail(`--ttl is another name for --manifest-ttl-seconds: give one of them, got ${values.ttl} and ${values['manifest-ttl-seconds']}`);
}
/** A numeric edge setting from its flag, its environment variable or the default, checked like the stack checks it. */
function setting(name: 'manifestTtlSeconds' | 'shellCdnSeconds' | 'fetchTimeoutMs', flag: string, env: string, fallback: number): number {
  const given = values[flag as keyof typeof values];
  const text = (typeof given === 'string' ? given : undefined) ?? process.env[env] ?? String(fallback);
  const problem = configProblem(name, String(text));
  if (problem) fail(`--${flag} / ${env}: ${problem}`);
  return Number(text);
}
const manifestTtlSeconds = setting('manifestTtlSeconds', values.ttl !== undefined ? 'ttl' : 'manifest-ttl-seconds', 'SHELLFRONT_TTL', 2);
const shellCdnSeconds = setting('shellCdnSeconds', 'shell-cdn-seconds', 'SHELLFRONT_SHELL_CDN_SECONDS', LOCAL_SHELL_CDN_SECONDS);
/** A switch that is on unless its --no-… flag is given or its environment variable says off. */
function switchedOn(flag: 'no-previews' | 'no-edge-cache', env: string): boolean {
  if (values[flag]) return false;
  const text = process.env[env];
  if (text === undefined || text === '' || /^(on|true|1|yes)$/i.test(text)) return true;
  if (/^(off|false|0|no)$/i.test(text)) return false;
  fail(`${env} must be "on" or "off" (or --${flag}), got ${JSON.stringify(text)}`);
}
const previews = switchedOn('no-previews', 'SHELLFRONT_PREVIEWS');
const edgeCache = switchedOn('no-edge-cache', 'SHELLFRONT_EDGE_CACHE');
const fetchTimeoutMs = setting('fetchTimeoutMs', 'fetch-timeout-ms', 'SHELLFRONT_FETCH_TIMEOUT_MS', DEFAULT_EDGE_CONFIG.fetchTimeoutMs);
const assetPatternsText = values['asset-path-patterns'] ?? process.env.SHELLFRONT_ASSET_PATH_PATTERNS;
const assetPathPatterns = assetPatternsText === undefined ? undefined : assetPatternsText.split(',').map((item) => item.trim());
for (const pattern of assetPathPatterns ?? []) {
  const problem = assetPatternProblem(pattern);
  if (problem) fail(`--asset-path-patterns / SHELLFRONT_ASSET_PATH_PATTERNS: ${problem}`);
}
const apiPathPattern = values['api-path-pattern'] ?? process.env.SHELLFRONT_API_PATH_PATTERN;
if (apiPathPattern !== undefined) {
  const problem = pathPatternProblem(apiPathPattern);
  if (problem) fail(`--api-path-pattern / SHELLFRONT_API_PATH_PATTERN: ${problem}`);
}
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
const portUses: PortUse[] = [
  { port: ports.edge, what: 'the edge', flag: '--port / PORT' },
  ...(apiOrigin ? [] : [{ port: ports.api, what: 'the sample API', flag: '--api-port / API_PORT' }]),
  { port: ports.s3, what: 's3rver', flag: '--s3-port / S3_PORT' },
];

// A second `npm start` on the same data folder would run a second s3rver on the same files.
const stateFile = resolve(dataDir, 'local.json');
const otherPid = runningStartPid(stateFile);
if (otherPid !== undefined) {
  fail(
    `another \`npm start\` (pid ${otherPid}) is running with its data in ${show(dataDir)}. ` +
      'Stop that one (Ctrl-C in its terminal), or give this one its own folder with --data <dir> / SHELLFRONT_DATA.',
  );
}
// Every port checked before anything starts: one message per taken port, nothing half-started.
const taken = await takenPortProblems(portUses);
// The edge also listens on [::1] (browsers may send *.localhost there first): free there too?
const edgeOnIpv6 = { port: ports.edge, what: 'the edge, on [::1] where localhost names also go', flag: '--port / PORT' };
const edgeNamed = taken.includes(portTakenMessage(portUses[0] as PortUse));
if (!edgeNamed && (await portTaken(ports.edge, '::1').catch(() => false))) taken.push(portTakenMessage(edgeOnIpv6));
if (taken.length > 0) fail(taken.join('\nnpm start: '));

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
    manifestTtlSeconds,
    shellCdnSeconds,
    fetchTimeoutMs,
    ...(assetPathPatterns ? { assetPathPatterns } : {}),
    ...(apiPathPattern !== undefined ? { apiPathPattern } : {}),
    previewDomain: previews ? LOCAL_PREVIEW_DOMAIN : null,
    edgeCache,
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
  // Taken between the check above and the listen (a race), or an address the check could not see.
  const number = Number(taken[1] ?? taken[2]);
  const use = portUses.find((candidate) => candidate.port === number) ?? { port: number, what: 'a port', flag: '--port / PORT' };
  return portTakenMessage(use);
}

const { edge, api, s3, bucket, release, config, table, previewDomain } = system;
const liveWithin = edgeCache ? config.manifestTtlSeconds + config.shellCdnSeconds : config.manifestTtlSeconds;
const previewsLine =
  previewDomain === undefined
    ? 'off (--no-previews): every host is production'
    : `http://<channel>.${previewDomain}:${edge.port}/ (e.g. http://pr-7.${previewDomain}:${edge.port}/; http://${previewDomain}:${edge.port}/ is production)`;
const cacheLine = edgeCache
  ? `CloudFront's cache as the behavior table says (x-cache, age headers; --no-edge-cache to turn it off)`
  : 'off (--no-edge-cache): every request reaches S3 or the handler';
const patternsOf = (origin: string) =>
  [...new Set(table.filter((behavior) => behavior.name === origin).map((behavior) => behavior.pathPattern))].join(', ');
const env = cliEnvironment(s3.endpoint);
const envLine = Object.entries(env)
  .map(([name, value]) => `${name}=${value}`)
  .join(' ');
console.log(`
shellfront is running on loopback:
  edge     ${edge.url}   ← open this (behaviors: ${patternsOf('api')} → API, ${patternsOf('assets')} → S3, the rest → the edge handler)
  api      ${api.url}   ${api.sample ? 'the sample API' : 'your API'} (the separate origin behind ${patternsOf('api')})
  s3       ${s3.endpoint}   s3rver, bucket ${bucket}, data in ${show(dataDir)}
  handler  ${show(system.handlerBundle)}, manifest TTL ${config.manifestTtlSeconds} s, shell s-maxage ${config.shellCdnSeconds} s, manifest GET bound ${config.fetchTimeoutMs} ms (origin headers ${CONFIG_HEADERS.manifestTtlSeconds} …)
  previews ${previewsLine}
  cache    ${cacheLine}
  csp      ${csp === undefined ? "the stack's default policy (--csp to try yours)" : csp}
  release  ${release.id} ${release.deployed ? `(just deployed from ${show(system.dist)})` : `(already live from ${show(system.dist)}, not redeployed)`}

Deploy another build to the local S3; it goes live within ${liveWithin} s (manifest TTL${edgeCache ? ' + shell s-maxage' : ''}), nothing restarts:
  ${deployCommandLine(s3.endpoint, bucket)}${
    previewDomain === undefined
      ? ''
      : `
Deploy a build as a preview channel instead (production untouched), then open http://pr-7.${previewDomain}:${edge.port}/:
  ${deployCommandLine(s3.endpoint, bucket)} --channel pr-7`
  }
Roll back to the previous release:
  ${envLine} npx --no-install shellfront rollback --bucket ${bucket}
See which release is live (the one above may have changed since):
  ${envLine} npx --no-install shellfront releases --bucket ${bucket}

Ctrl-C stops everything.
`);

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
