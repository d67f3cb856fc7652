/** The direct upload path's SigV4 signer gives the same signature as the SDK's signer. */
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeKey, signRequest } from '../../cli/sigv4.ts';

const bytes = (data: string | ArrayBuffer | ArrayBufferView) =>
  typeof data === 'string' ? data : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);

class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.hash.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

const body = Buffer.from('console.log("shellfront")\n');
const sha256 = createHash('sha256').update(body).digest('hex');
const now = new Date('2026-11-24T01:02:03.456Z');

async function sdkSignature(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, headers: Record<string, string>, path: string) {
  const signer = new SignatureV4({ service: 's3', region: 'eu-west-1', credentials, sha256: Sha256, uriEscapePath: false, applyChecksum: true });
  const signed = await signer.sign(
    { method: 'PUT', protocol: 'https:', hostname: 'site.s3.eu-west-1.amazonaws.com', path, query: {}, headers: { ...headers, host: 'site.s3.eu-west-1.amazonaws.com', 'x-amz-content-sha256': sha256 }, body },
    { signingDate: now },
  );
  return signed.headers.authorization;
}

describe('signRequest', () => {
  it.each<[string, { accessKeyId: string; secretAccessKey: string; sessionToken?: string }]>([
    ['long-term keys', { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }],
    ['a session token (CI role)', { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token/with+chars==' }],
  ])('matches the SDK signer with %s', async (_, credentials) => {
    const headers = {
      'content-length': String(body.byteLength),
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
      'content-md5': createHash('md5').update(body).digest('base64'),
      'x-amz-meta-sha256': sha256,
    };
    const path = `/${encodeKey("assets/app (1)-Ab_c.9!'*.js")}`;
    const ours = signRequest({ method: 'PUT', host: 'site.s3.eu-west-1.amazonaws.com', path, headers, payloadSha256: sha256, region: 'eu-west-1', credentials, now });
    expect(ours.authorization).toBe(await sdkSignature(credentials, headers, path));
    expect(ours['x-amz-date']).toBe('20261124T010203Z');
    expect(ours['x-amz-content-sha256']).toBe(sha256);
    expect(ours['x-amz-security-token']).toBe(credentials.sessionToken);
  });

  it('encodes keys segment by segment, keeping "/"', () => {
    expect(encodeKey('assets/a b+c/ü~._-.js')).toBe('assets/a%20b%2Bc/%C3%BC~._-.js');
    expect(encodeKey("x/(!'*)")).toBe('x/%28%21%27%2A%29');
  });
});
