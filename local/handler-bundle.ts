/**
 * The built edge handler (dist/edge/index.mjs), loaded in this process the way Lambda would
 * load it: built first when missing or older than its sources, and imported only after the
 * S3 endpoint and credentials are in the environment.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleEdge } from '../lambda/build.ts';
import { EDGE_BUNDLE_PATH, PROJECT_ROOT } from '../scripts/paths.ts';
import type { EdgeHandler } from './cloudfront-event.ts';

export { EDGE_BUNDLE_PATH };
const SOURCE_DIRS = ['lambda', 'contracts'].map((dir) => join(PROJECT_ROOT, dir));

function newestSourceTime(): number {
  let newest = 0;
  for (const dir of SOURCE_DIRS) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** Builds dist/edge/index.mjs when it is missing or older than lambda/ and contracts/; says which. */
export function ensureHandlerBundle(): { path: string; built: boolean } {
  const stale = !existsSync(EDGE_BUNDLE_PATH) || statSync(EDGE_BUNDLE_PATH).mtimeMs < newestSourceTime();
  if (stale) {
    if (!existsSync(join(PROJECT_ROOT, 'lambda', 'index.ts'))) {
      throw new Error(`${EDGE_BUNDLE_PATH} is missing and lambda/index.ts does not exist to build it from`);
    }
    bundleEdge(dirname(EDGE_BUNDLE_PATH));
  }
  return { path: EDGE_BUNDLE_PATH, built: stale };
}

export interface HandlerEnvironment {
  /** The S3 endpoint the handler reads the manifest from (AWS_ENDPOINT_URL_S3, path-style). */
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

let containers = 0;

/**
 * Imports the bundle and returns its `handler`. The environment is set BEFORE the import (as
 * Lambda does), so a bundle that reads it at load time sees it too. Each call imports a fresh
 * module instance (a new "container", with empty caches), so a second local system in the same
 * process never talks to the first one's S3 endpoint.
 */
export async function loadHandler(path: string, environment: HandlerEnvironment): Promise<EdgeHandler> {
  process.env.AWS_ENDPOINT_URL_S3 = environment.endpoint;
  process.env.AWS_ACCESS_KEY_ID = environment.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = environment.credentials.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  containers += 1;
  const module = (await import(`${pathToFileURL(path).href}?container=${containers}`)) as { handler?: unknown };
  if (typeof module.handler !== 'function') throw new Error(`${path} does not export a handler function`);
  return module.handler as EdgeHandler;
}
