/** `npm run build`: bundles the edge handler into dist/edge/index.mjs. */
import { join } from 'node:path';
import { bundleEdge, PROJECT_ROOT } from './edge-bundle.ts';

const outdir = join(PROJECT_ROOT, 'dist', 'edge');
const { bytes, file } = bundleEdge(outdir);
console.log(`built ${file} (${(bytes / 1024).toFixed(1)} KB)`);
