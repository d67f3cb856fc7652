import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHttpGet } from '../../lambda/http-get.ts';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ok') {
      res.writeHead(200, { etag: '"abc"', 'content-type': 'application/json' });
      res.end(JSON.stringify({ echo: req.headers['x-test'] ?? null }));
    } else if (req.url === '/big-declared') {
      res.writeHead(200, { 'content-length': String(2048) });
      res.end('x'.repeat(2048));
    } else if (req.url === '/big-streamed') {
      res.writeHead(200); // chunked, no Content-Length
      for (let i = 0; i < 8; i++) res.write('y'.repeat(512));
      res.end();
    } else if (req.url === '/hang') {
      res.writeHead(200);
      res.write('{');
    } else if (req.url === '/cut') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => res.destroy(), 10);
    } else {
      res.writeHead(404);
      res.end('<Error><Code>NoSuchKey</Code></Error>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const options = (maxBytes = 1024, timeoutMs = 2000) => ({
  headers: { 'x-test': 'hello' },
  signal: AbortSignal.timeout(timeoutMs),
  maxBytes,
});

describe('nodeHttpGet', () => {
  it('returns status, lowercase headers and the body, sending the given headers', async () => {
    const answer = await nodeHttpGet(new URL(`${base}/ok`), options());
    expect(answer).toMatchObject({ status: 200, headers: { etag: '"abc"', 'content-type': 'application/json' }, body: '{"echo":"hello"}' });
  });

  it('returns error statuses with their body', async () => {
    expect(await nodeHttpGet(new URL(`${base}/nope`), options())).toMatchObject({
      status: 404,
      body: expect.stringContaining('NoSuchKey'),
    });
  });

  it('refuses a body over the cap by Content-Length and while streaming', async () => {
    await expect(nodeHttpGet(new URL(`${base}/big-declared`), options())).rejects.toMatchObject({
      name: 'BodyTooLargeError',
      code: 'TooLarge',
    });
    await expect(nodeHttpGet(new URL(`${base}/big-streamed`), options())).rejects.toMatchObject({ code: 'TooLarge' });
  });

  it('aborts on the signal even mid-body', async () => {
    await expect(nodeHttpGet(new URL(`${base}/hang`), options(1024, 100))).rejects.toThrow();
  });

  it('fails when the connection is cut before the body ends', async () => {
    await expect(nodeHttpGet(new URL(`${base}/cut`), options())).rejects.toThrow();
  });

  it('fails on a refused connection', async () => {
    await expect(nodeHttpGet(new URL('http://127.0.0.1:1/x'), options())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
