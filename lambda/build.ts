/**
 * How the edge handler is bundled: the one esbuild definition, used by `npm run build` (which
 * writes dist/edge/index.mjs, shipped in the package) and by the local edge and the tests. The
 * stack never bundles: it deploys that built file (infra/edge-bundle-asset.ts).
 */
import { buildSync, type BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { EDGE_BUNDLE_FILE, EDGE_NODE_TARGET } from '../contracts/edge-bundle.ts';

export const EDGE_ENTRY = fileURLToPath(new URL('./index.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function edgeBuildOptions(outdir: string): BuildOptions {
  return {
    entryPoints: { index: EDGE_ENTRY },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: EDGE_NODE_TARGET,
    minify: true,
    sourcemap: 'external',
    sourcesContent: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: ROOT,
  };
}

/** Bundles the handler into `outdir` (index.mjs + index.mjs.map); returns the bundle's size. */
export function bundleEdge(outdir: string): { bytes: number; file: string } {
  const result = buildSync(edgeBuildOptions(outdir));
  const output = Object.entries(result.metafile?.outputs ?? {}).find(([name]) => name.endsWith(EDGE_BUNDLE_FILE));
  if (!output) throw new Error(`esbuild produced no ${EDGE_BUNDLE_FILE} in ${outdir}`);
  return { bytes: output[1].bytes, file: `${outdir}/${EDGE_BUNDLE_FILE}` };
}
