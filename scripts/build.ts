/**
 * `npm run build` (also `prepack`): everything the package ships, into dist/.
 * - dist/edge/index.mjs: the edge handler bundle (lambda/build.ts), deployed by the construct;
 * - dist/cli/: the CLI as one ESM bundle with lazy chunks (the SDK loads only for commands that
 *   reach S3), so the installed bin starts without a TypeScript loader or a module graph walk;
 * - dist/lib/: contracts/, cli/ and infra/ compiled by tsc with .d.ts types, for the `shellfront`
 *   (programmatic API) and `shellfront/cdk` (construct) entries.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { EDGE_BUNDLE_DIR } from '../contracts/edge-bundle.ts';
import { bundleEdge } from '../lambda/build.ts';
import { PROJECT_ROOT } from './paths.ts';

const only = process.argv[2];
const started = performance.now();

if (!only || only === 'edge') {
  const { bytes, file } = bundleEdge(join(PROJECT_ROOT, EDGE_BUNDLE_DIR));
  console.error(`built ${file} (${(bytes / 1024).toFixed(1)} KB)`);
}

if (!only || only === 'cli') {
  const outdir = join(PROJECT_ROOT, 'dist', 'cli');
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { main: join(PROJECT_ROOT, 'cli', 'main.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: PROJECT_ROOT,
    // Some SDK dependencies still call require(): give the ESM bundle one.
    banner: {
      js: "import { createRequire as __shellfrontRequire } from 'node:module'; const require = __shellfrontRequire(import.meta.url);",
    },
  });
  console.error(`built ${outdir}/main.mjs`);
}

if (!only || only === 'lib') {
  const outdir = join(PROJECT_ROOT, 'dist', 'lib');
  rmSync(outdir, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed (exit ${tsc.status})`);
  console.error(`built ${outdir} (JavaScript + .d.ts)`);
}

console.error(`build done in ${Math.round(performance.now() - started)} ms`);
