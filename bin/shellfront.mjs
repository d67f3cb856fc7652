#!/usr/bin/env node
// The `shellfront` executable. It runs the TypeScript sources with no build step:
// - fast path: a bundle of cli/ that this file builds with esbuild (when installed) into
//   node_modules/.cache/shellfront-cli/ and reuses while the sources are unchanged
//   (loading one bundle instead of tsx + hundreds of SDK modules saves ~200 ms per run);
// - otherwise, or with SHELLFRONT_NO_BUNDLE=1: tsx (a runtime dependency) runs cli/main.ts.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = join(ROOT, 'node_modules', '.cache', 'shellfront-cli');
const STAMP = join(CACHE, 'current.json');
const ENTRY = join(ROOT, 'cli', 'main.ts');

// The SDK's notice about its own future Node support is not something a deploy can act on
// (this package pins the SDK); keep CI logs for what matters.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const fingerprint = (files) =>
  files.map((file) => {
    const stat = statSync(join(ROOT, file));
    return [file, stat.mtimeMs, stat.size];
  });

function freshBundle() {
  try {
    const stamp = JSON.parse(readFileSync(STAMP, 'utf-8'));
    const now = fingerprint(stamp.inputs.map(([file]) => file));
    return JSON.stringify(now) === JSON.stringify(stamp.inputs) ? join(CACHE, stamp.dir, 'main.mjs') : undefined;
  } catch {
    return undefined;
  }
}

async function buildBundle() {
  try {
    const { build } = await import('esbuild');
    mkdirSync(CACHE, { recursive: true });
    const dir = `build-${process.pid}-${Date.now()}`;
    const result = await build({
      entryPoints: { main: ENTRY },
      outdir: join(CACHE, dir),
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      metafile: true,
      absWorkingDir: ROOT,
      logLevel: 'silent',
      banner: { js: "import { createRequire as __shellfrontRequire } from 'node:module'; const require = __shellfrontRequire(import.meta.url);" },
    });
    const sources = Object.keys(result.metafile.inputs).filter((file) => !file.startsWith('node_modules/'));
    const inputs = fingerprint([...sources, 'package.json', 'package-lock.json'].filter(isFile));
    const temporary = `${STAMP}.${process.pid}`;
    writeFileSync(temporary, JSON.stringify({ dir, inputs }));
    renameSync(temporary, STAMP);
    removeOldBuilds(dir);
    return join(CACHE, dir, 'main.mjs');
  } catch {
    return undefined;
  }
}

function isFile(file) {
  try {
    return statSync(join(ROOT, file)).isFile();
  } catch {
    return false;
  }
}

// Older bundles go once no run can still be loading their lazy chunks.
function removeOldBuilds(keep) {
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    if (name.startsWith('build-') && name !== keep && Date.now() - statSync(path).mtimeMs > 3_600_000) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

let main;
if (process.env.SHELLFRONT_NO_BUNDLE !== '1') {
  const bundle = freshBundle() ?? (await buildBundle());
  if (bundle) main = await import(pathToFileURL(bundle).href).catch(() => undefined);
}
if (!main) {
  const { register } = await import('tsx/esm/api');
  register();
  main = await import(pathToFileURL(ENTRY).href);
}
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf-8'));
process.exitCode = await main.run({ argv: process.argv.slice(2), version });
