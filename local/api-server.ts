/**
 * The sample API: the separate origin behind `/api/*`. A small JSON API of ML pipeline runs,
 * with its own JSON 404s and errors, so the browser tests can show the SPA fallback never
 * swallows an API path.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { queuedRun, runSummary, sampleRuns, type Run } from './api-data.ts';

export interface RunningApiServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'too_large', `body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'bad_path', `the path has malformed percent-encoding: ${JSON.stringify(segment)}`);
  }
}

/** Routes one request; returns `[status, body]` or throws an HttpError. */
async function route(runs: Run[], req: IncomingMessage, url: URL): Promise<[number, unknown]> {
  const method = req.method ?? 'GET';
  const parts = url.pathname.split('/').filter(Boolean).map(decodeSegment);
  if (parts[0] !== 'api') throw new HttpError(404, 'not_found', `no API route for ${url.pathname}`);
  const [, resource, id, sub, step] = parts;
  const allow = (...methods: string[]) => {
    if (!methods.includes(method))
      throw new HttpError(405, 'method_not_allowed', `${method} is not allowed here; use ${methods.join(', ')}`);
  };

  if (resource === 'health' && parts.length === 2) return allow('GET', 'HEAD'), [200, { ok: true }];
  if (resource === 'boom' && parts.length === 2) throw new Error('the sample API failed on purpose');
  if (resource === 'echo' && parts.length === 2) {
    // Shows what reached the origin: the local edge must proxy method, headers and body untouched.
    return [200, { method, path: url.pathname, query: url.search, headers: req.headers, body: await readBody(req) }];
  }
  if (resource !== 'runs') throw new HttpError(404, 'not_found', `no API route for ${url.pathname}`);

  if (parts.length === 2) {
    allow('GET', 'HEAD', 'POST');
    if (method !== 'POST') return [200, { runs: runs.map(runSummary) }];
    let input: { pipeline?: unknown };
    try {
      input = JSON.parse(await readBody(req)) as { pipeline?: unknown };
    } catch {
      throw new HttpError(400, 'bad_json', 'expected a JSON body like {"pipeline": "churn-model"}');
    }
    if (typeof input?.pipeline !== 'string' || !/^[a-z0-9-]{1,40}$/.test(input.pipeline)) {
      throw new HttpError(400, 'bad_pipeline', `pipeline must be 1-40 characters of a-z 0-9 -, got ${JSON.stringify(input?.pipeline)}`);
    }
    const next = Math.max(...runs.filter((run) => /^run-\d+$/.test(run.id)).map((run) => Number(run.id.slice(4)))) + 1;
    const run = queuedRun(`run-${next}`, input.pipeline, new Date());
    runs.unshift(run);
    return [201, { run: runSummary(run) }];
  }
  allow('GET', 'HEAD');
  const run = runs.find((candidate) => candidate.id === id);
  if (!run) throw new HttpError(404, 'not_found', `no run ${JSON.stringify(id)}`);
  if (parts.length === 3) return [200, { run: { ...runSummary(run), steps: run.steps.map(({ log: _, ...rest }) => rest) } }];
  if (sub === 'steps' && parts.length === 5) {
    const found = run.steps.find((candidate) => candidate.name === step);
    if (!found) throw new HttpError(404, 'not_found', `run ${run.id} has no step ${JSON.stringify(step)}`);
    return [200, { runId: run.id, step: found }];
  }
  throw new HttpError(404, 'not_found', `no API route for ${url.pathname}`);
}

export async function startApiServer(options: { port?: number; host?: string } = {}): Promise<RunningApiServer> {
  const runs = sampleRuns();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://api.local');
    route(runs, req, url).then(
      ([status, body]) => send(res, status, body),
      (error: unknown) => {
        if (error instanceof HttpError) {
          send(res, error.status, { error: error.code, message: error.message, path: url.pathname });
        } else {
          send(res, 500, { error: 'internal', message: (error as Error).message, path: url.pathname });
        }
      },
    );
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
