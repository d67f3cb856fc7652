/**
 * The edge function's code asset: the handler bundled by the one esbuild definition
 * (scripts/edge-bundle.ts), staged once per process and reused by every stack built in it.
 */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { bundleEdge, EDGE_BUNDLE_FILE, EDGE_ENTRY, PROJECT_ROOT } from '../scripts/edge-bundle.ts';

let stagedDir: string | undefined;

/** Bundles lambda/index.ts into a temporary folder (once per process); returns the folder. */
export function stageEdgeBundle(): string {
  if (stagedDir && existsSync(join(stagedDir, EDGE_BUNDLE_FILE))) return stagedDir;
  if (!existsSync(EDGE_ENTRY)) {
    throw new Error(
      `the edge handler ${relative(PROJECT_ROOT, EDGE_ENTRY)} does not exist: the stack bundles it with scripts/edge-bundle.ts ` +
        '(or pass edgeCode to the Shellfront construct)',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'shellfront-edge-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  bundleEdge(dir);
  stagedDir = dir;
  return dir;
}

/**
 * The bundle as a Lambda asset. The source map is left out: Lambda@Edge cannot enable source
 * maps (no environment variables, so no NODE_OPTIONS), and its relative paths would make the
 * asset hash depend on where the bundle was staged, publishing a new version on every deploy.
 */
export function edgeBundleCode(): lambda.Code {
  return lambda.Code.fromAsset(stageEdgeBundle(), { exclude: ['*.map'] });
}
