/** Where things are in this repository (tooling, local system, tests and benchmarks only). */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EDGE_BUNDLE_DIR, EDGE_BUNDLE_FILE } from '../contracts/edge-bundle.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** dist/edge/index.mjs: what `npm run build` writes and the stack deploys. */
export const EDGE_BUNDLE_PATH = join(PROJECT_ROOT, EDGE_BUNDLE_DIR, EDGE_BUNDLE_FILE);
