/**
 * The edge function's code: the handler bundle `npm run build` writes into the package
 * (dist/edge/index.mjs). The stack never bundles, so a team's `cdk synth` needs neither esbuild
 * nor the TypeScript sources: it deploys the very file the package was tested with.
 */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EDGE_BUNDLE_DIR, EDGE_BUNDLE_FILE } from '../contracts/edge-bundle.ts';

const PACKAGE_NAME = 'shellfront';

/** The package's root: the nearest folder above this module whose package.json is ours. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The folder holding the built handler bundle; a clear error when it was never built. */
export function edgeBundleDir(): string {
  const dir = join(packageRoot(), EDGE_BUNDLE_DIR);
  if (!existsSync(join(dir, EDGE_BUNDLE_FILE))) {
    throw new Error(
      `the edge handler bundle ${join(dir, EDGE_BUNDLE_FILE)} is missing: in the shellfront repository run \`npm run build\` ` +
        '(the published package ships it), or pass edgeCode to the Shellfront construct',
    );
  }
  return dir;
}

/**
 * The bundle as a Lambda asset. The source map is left out: Lambda@Edge cannot enable source
 * maps (no environment variables, so no NODE_OPTIONS), and it would change the asset hash.
 */
export function edgeBundleCode(): lambda.Code {
  return lambda.Code.fromAsset(edgeBundleDir(), { exclude: ['*.map'] });
}
