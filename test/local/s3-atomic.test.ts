/** The local S3 keeps S3's promise: a PUT cut mid-body stores nothing and leaves the old object. */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localS3Client, startS3Server, type RunningS3Server } from '../../local/s3-server.ts';

let server: RunningS3Server;
let client: S3Client;
beforeAll(async () => {
  server = await startS3Server({ directory: mkdtempSync(join(tmpdir(), 'shellfront-atomic-')), buckets: ['atomic'] });
  client = localS3Client(server.endpoint);
});
afterAll(async () => {
  client.destroy();
  await server.stop();
});

async function read(key: string): Promise<string> {
  const answer = await client.send(new GetObjectCommand({ Bucket: 'atomic', Key: key }));
  return answer.Body!.transformToString();
}

describe('local S3 writes', () => {
  it('a PUT whose client dies mid-body leaves the previous object whole', async () => {
    const previous = JSON.stringify({ schema: 1, release: 'r1', padding: 'x'.repeat(2000) });
    await client.send(new PutObjectCommand({ Bucket: 'atomic', Key: 'manifest.json', Body: previous }));
    const url = new URL(`${server.endpoint}/atomic/manifest.json`);
    await new Promise<void>((resolve) => {
      const cut = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'PUT', headers: { 'content-length': '5000' } });
      cut.on('error', () => resolve());
      cut.on('close', () => resolve());
      cut.write('{"schema": 1, "release": "r2", "pad');
      setTimeout(() => cut.destroy(), 100);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await read('manifest.json')).toBe(previous);
  });

  it('a whole PUT still replaces it', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'atomic', Key: 'manifest.json', Body: '{"whole": true}' }));
    expect(await read('manifest.json')).toBe('{"whole": true}');
  });
});
