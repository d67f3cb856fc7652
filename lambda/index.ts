/**
 * The Lambda@Edge origin-request entry (bundled into dist/edge/index.mjs). Module scope is the
 * container: the S3 readers and manifest caches created here live as long as it does.
 */
import { createEdgeHandler } from './edge/handler.ts';
import { jsonLogger } from './log.ts';

export type { CloudFrontRequestEvent, CloudFrontRequestResult } from './edge/types.ts';

export const handler = createEdgeHandler({
  env: process.env,
  now: Date.now,
  log: jsonLogger,
});
