/**
 * The one definition of how the edge handler is bundled: used by `npm run build`
 * (scripts/build-edge.ts) and by the CDK stack, so what is tested is what is deployed.
 */
import { buildSync, type BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const EDGE_ENTRY = fileURLToPath(new URL('../lambda/index.ts', import.meta.url));
/** The Lambda runtime the function is pinned to; the bundle targets the same Node version. */
export const EDGE_RUNTIME = 'nodejs22.x';
export const EDGE_NODE_TARGET = 'node22';
export const EDGE_BUNDLE_FILE = 'index.mjs';
/** Lambda handler string for the bundle. */
export const EDGE_HANDLER = 'index.handler';

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
    absWorkingDir: PROJECT_ROOT,
  };
}

/** Bundles the handler into `outdir` (index.mjs + index.mjs.map); returns the bundle's size. */
export function bundleEdge(outdir: string): { bytes: number; file: string } {
  const result = buildSync(edgeBuildOptions(outdir));
  const output = Object.entries(result.metafile?.outputs ?? {}).find(([name]) => name.endsWith(EDGE_BUNDLE_FILE));
  if (!output) throw new Error(`esbuild produced no ${EDGE_BUNDLE_FILE} in ${outdir}`);
  return { bytes: output[1].bytes, file: `${outdir}/${EDGE_BUNDLE_FILE}` };
}
