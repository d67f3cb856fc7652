/** The edge function's bundle and runtime: what `npm run build` writes and the stack deploys. */

/**
 * The Lambda runtime of the edge function, the newest Node.js that Lambda@Edge runs (it supports
 * the current Lambda Node.js runtimes: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-at-edge-function-restrictions.html;
 * nodejs24.x is supported until 2028-04-30, nodejs22.x is deprecated on 2027-04-30:
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html). The bundle targets the same
 * Node version; the construct's `edgeRuntime` prop overrides the runtime.
 */
export const EDGE_RUNTIME = 'nodejs24.x';
export const EDGE_NODE_TARGET = 'node24';
/** Where `npm run build` writes the handler bundle, relative to the package root, and its file. */
export const EDGE_BUNDLE_DIR = 'dist/edge';
export const EDGE_BUNDLE_FILE = 'index.mjs';
/** Lambda handler string for the bundle. */
export const EDGE_HANDLER = 'index.handler';
