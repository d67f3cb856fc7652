/**
 * `npm run test:package` (run by .ci/run): the package as a user gets it. Packs it, installs the
 * tarball into two projects made from scratch, and proves:
 * 1. a CDK app doing `new Shellfront(this, 'Site', { apiDomain })` synthesizes offline with cdk-nag
 *    clean, deploying the edge bundle shipped in the package (no esbuild, no TypeScript sources);
 * 2. a Vite app deploys with the installed bin to s3rver, and the edge handler shipped in the
 *    installed package serves it.
 * It also times the installed bin's start (node directly, and through `npx --no-install`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RELEASE_HEADER } from '../contracts/release.ts';
import { LOCAL_REGION, localOriginEvent, S3RVER_CREDENTIALS, startS3Server } from '../local/s3-server.ts';
import { installProject, pack, pinned, run } from '../scripts/pack.ts';

const work = mkdtempSync(join(tmpdir(), 'shellfront-package-'));
const started = performance.now();
const step = (text: string) => console.log(`\n=== ${text} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
const project = (name: string, dependencies: string[]) => installProject(work, name, dependencies);

try {
  step('npm pack');
  const { tarball, files } = pack(work);
  const stray = files.filter(
    (file) =>
      /^(test|bench|examples|local|scripts|lambda|infra|cli|contracts)\//.test(file) || (file.endsWith('.ts') && !file.endsWith('.d.ts')),
  );
  if (stray.length > 0) throw new Error(`the package ships files it should not:\n${stray.join('\n')}`);
  for (const needed of [
    'bin/shellfront.mjs',
    'dist/edge/index.mjs',
    'dist/cli/main.mjs',
    'dist/lib/infra/index.js',
    'dist/lib/infra/index.d.ts',
    'dist/lib/cli/api.d.ts',
  ]) {
    if (!files.includes(needed)) throw new Error(`the package lacks ${needed}`);
  }
  console.log(`${tarball}: ${files.length} files`);

  step('a CDK app from scratch: install');
  const cdkApp = project('cdk-app', [tarball, pinned('aws-cdk-lib'), pinned('constructs'), pinned('aws-cdk'), pinned('cdk-nag')]);
  writeFileSync(
    join(cdkApp, 'app.mjs'),
    `import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Shellfront } from 'shellfront/cdk';

const app = new App();
const stack = new Stack(app, 'Site', { env: { region: 'eu-west-1' } });
new Shellfront(stack, 'Site', { apiDomain: 'api.example.com' });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
`,
  );
  writeFileSync(join(cdkApp, 'cdk.json'), '{ "app": "node app.mjs" }\n');
  step('cdk synth (offline, cdk-nag on)');
  const env = { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', CDK_DISABLE_VERSION_CHECK: '1' };
  run(join(cdkApp, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--no-notices'], cdkApp, env);
  const assets = readdirSync(join(cdkApp, 'cdk.out')).filter((name) => name.startsWith('asset.'));
  const shipped = readFileSync(join(cdkApp, 'node_modules', 'shellfront', 'dist', 'edge', 'index.mjs'));
  if (
    !assets.some(
      (dir) =>
        existsSync(join(cdkApp, 'cdk.out', dir, 'index.mjs')) && readFileSync(join(cdkApp, 'cdk.out', dir, 'index.mjs')).equals(shipped),
    )
  ) {
    throw new Error('the synthesized stack does not deploy the edge bundle shipped in the package');
  }
  if (existsSync(join(cdkApp, 'node_modules', 'esbuild'))) throw new Error('installing the package pulled in esbuild');
  console.log(
    `synth ok: ${readdirSync(join(cdkApp, 'cdk.out'))
      .filter((name) => name.endsWith('.template.json'))
      .join(', ')}; edge asset = the shipped bundle`,
  );

  step('a Vite app from scratch: install and build');
  const viteApp = project('vite-app', [tarball, pinned('vite')]);
  writeFileSync(
    join(viteApp, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>pkg</title></head><body><div id="app"></div><script type="module" src="/src/main.js"></script></body></html>\n',
  );
  mkdirSync(join(viteApp, 'src'));
  writeFileSync(join(viteApp, 'src', 'main.js'), "document.getElementById('app').textContent = 'hello from a packaged deploy';\n");
  writeFileSync(join(viteApp, 'vite.config.mjs'), 'export default { build: { manifest: true } };\n');
  run(join(viteApp, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'error'], viteApp);

  step('deploy with the installed bin to s3rver');
  const s3 = await startS3Server({ directory: join(work, 's3'), buckets: ['pkg-test'] });
  try {
    const s3Env = {
      ...process.env,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_REGION: LOCAL_REGION,
    };
    const out = run(
      join(viteApp, 'node_modules', '.bin', 'shellfront'),
      ['deploy', 'dist', '--bucket', 'pkg-test', '--json'],
      viteApp,
      s3Env,
    );
    const deployed = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { release?: string; live?: boolean };
    if (!deployed.live || !deployed.release) throw new Error(`deploy did not go live: ${out}`);
    console.log(`deployed ${deployed.release}`);

    step('the installed edge handler serves it');
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    });
    const { handler } = (await import(pathToFileURL(join(viteApp, 'node_modules', 'shellfront', 'dist', 'edge', 'index.mjs')).href)) as {
      handler: (event: unknown) => Promise<{ status?: string; body?: string; headers?: Record<string, { value: string }[]> }>;
    };
    // The handler logs its manifest refresh as a JSON line on stdout (for CloudWatch); keep it out of CI's output.
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
      typeof chunk === 'string' && chunk.startsWith('{"time":')
        ? true
        : write(chunk as string, ...(rest as []))) as typeof process.stdout.write;
    const answer = await handler(localOriginEvent('pkg-test', '/some/client/route', 5)).finally(() => {
      process.stdout.write = write;
    });
    if (
      answer.status !== '200' ||
      answer.headers?.[RELEASE_HEADER]?.[0]?.value !== deployed.release ||
      !answer.body?.includes('/assets/')
    ) {
      throw new Error(`the installed handler did not serve the deployed shell: ${JSON.stringify(answer).slice(0, 400)}`);
    }
    console.log(`the shipped handler served the shell of ${deployed.release}`);
  } finally {
    await s3.stop();
  }

  step('start-up of the installed bin');
  const time = (command: string, args: string[]) => {
    const samples: number[] = [];
    for (let index = 0; index < 5; index++) {
      const begin = performance.now();
      execFileSync(command, args, { cwd: viteApp, stdio: 'ignore' });
      samples.push(performance.now() - begin);
    }
    return Math.round(samples.sort((a, b) => a - b)[2]!);
  };
  console.log(
    `shellfront --help: node node_modules/.bin/shellfront ${time(process.execPath, [join(viteApp, 'node_modules', '.bin', 'shellfront'), '--help'])} ms, ` +
      `npx --no-install shellfront ${time('npx', ['--no-install', 'shellfront', '--help'])} ms (median of 5)`,
  );
  step('package test passed');
} finally {
  rmSync(work, { recursive: true, force: true });
}
