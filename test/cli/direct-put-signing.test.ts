/**
 * What the direct upload path puts on the wire: a request signed by the SDK's SigV4 signer over
 * the body's SHA-256, Content-MD5 and the metadata. Checked against an independent signer (the
 * edge handler's, itself checked against AWS's published example), because s3rver does not
 * verify signatures.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../cli/bucket/client.ts';
import { DirectPut } from '../../cli/bucket/direct-put.ts';
import { encodeKeyPath as encodeKey } from '../../contracts/s3-protocol.ts';
import { signRequest } from '../../lambda/sigv4.ts';

const credentials = {
  accessKeyId: 'ASIAEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'token/with+chars==',
};
const body = Buffer.from('console.log("shellfront")\n');
const sha256 = createHash('sha256').update(body).digest('hex');
const md5 = createHash('md5').update(body).digest('base64');

let server: Server;
let endpoint: string;
const seen: Array<{ method: string; path: string; headers: IncomingMessage['headers']; body: Buffer }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { etag: `"${createHash('md5').update(Buffer.concat(chunks)).digest('hex')}"` }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('direct PUT signing', () => {
  it('signs the SHA-256 of the body, Content-MD5, the type and the metadata, verifiably', async () => {
    const client = createS3Client({ region: 'eu-west-1', env: { AWS_ENDPOINT_URL_S3: endpoint }, credentials });
    const direct = new DirectPut(client, { endpoint, maxSockets: 4 });
    const key = "assets/app (1)-Ab_c.9!'*.js";
    const sent = await direct.put('site', key, body, {
      contentType: 'text/javascript; charset=utf-8',
      cacheControl: 'public, max-age=31536000, immutable',
      contentMd5: md5,
      metadata: { sha256 },
      sha256,
    });
    direct.destroy();
    expect(sent).toBe(true);
    const request = seen.at(-1)!;
    expect(request.method).toBe('PUT');
    expect(request.path).toBe(`/site/${encodeKey(key)}`);
    expect(request.body.equals(body)).toBe(true);
    expect(request.headers).toMatchObject({
      'x-amz-content-sha256': sha256,
      'content-md5': md5,
      'x-amz-meta-sha256': sha256,
      'x-amz-security-token': credentials.sessionToken,
    });

    const authorization = String(request.headers.authorization);
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
    expect(signedHeaders).toEqual(
      expect.arrayContaining([
        'content-md5',
        'content-type',
        'host',
        'x-amz-content-sha256',
        'x-amz-date',
        'x-amz-meta-sha256',
        'x-amz-security-token',
      ]),
    );
    const amzDate = String(request.headers['x-amz-date']);
    const date = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    const independent = signRequest({
      method: 'PUT',
      url: new URL(`${endpoint}${request.path}`),
      headers: Object.fromEntries(
        signedHeaders
          .filter((name) => !['host', 'x-amz-date', 'x-amz-security-token'].includes(name))
          .map((name) => [name, String(request.headers[name])]),
      ),
      region: 'eu-west-1',
      service: 's3',
      credentials,
      date,
      payloadHash: sha256,
    });
    expect(authorization).toBe(independent.authorization);
  });

  it('encodes keys segment by segment, keeping "/"', () => {
    expect(encodeKey('assets/a b+c/ü~._-.js')).toBe('assets/a%20b%2Bc/%C3%BC~._-.js');
    expect(encodeKey("x/(!'*)")).toBe('x/%28%21%27%2A%29');
  });
});
