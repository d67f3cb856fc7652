import { describe, expect, it } from 'vitest';
import type { HttpGet } from '../../lambda/http-get.ts';
import { credentialsFromEnv, objectUrl, S3ObjectReader, S3RequestError } from '../../lambda/s3-fetch.ts';
import { recordingGet } from './helpers.ts';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token-1' };
const location = { bucket: 'site', region: 'eu-west-1' };
const NOW = Date.parse('2026-11-23T10:00:00Z');

function reader(get: HttpGet, credentials: typeof CREDENTIALS | null = CREDENTIALS) {
  return new S3ObjectReader(location, credentials ?? undefined, get, () => NOW);
}

describe('objectUrl', () => {
  it('uses virtual-hosted style on AWS, path style for dotted buckets and custom endpoints', () => {
    expect(objectUrl({ bucket: 'site', region: 'eu-west-1' }, 'manifest.json')).toBe(
      'https://site.s3.eu-west-1.amazonaws.com/manifest.json',
    );
    expect(objectUrl({ bucket: 'my.site', region: 'us-east-1' }, 'a/b.json')).toBe('https://s3.us-east-1.amazonaws.com/my.site/a/b.json');
    expect(objectUrl({ bucket: 'site', region: 'cn-north-1' }, 'm.json')).toBe('https://site.s3.cn-north-1.amazonaws.com.cn/m.json');
    expect(objectUrl({ bucket: 'site', region: 'us-east-1', endpoint: 'http://127.0.0.1:4569/' }, 'dir/m v.json')).toBe(
      'http://127.0.0.1:4569/site/dir/m%20v.json',
    );
  });
});

describe('credentialsFromEnv', () => {
  it('reads the standard variables, and nothing when they are missing', () => {
    expect(credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_SESSION_TOKEN: 'c' })).toEqual({
      accessKeyId: 'a',
      secretAccessKey: 'b',
      sessionToken: 'c',
    });
    expect(credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'a' })).toBeUndefined();
  });
});

describe('S3ObjectReader', () => {
  it('sends one SigV4-signed conditional GET with a timeout signal and the 5 MB cap', async () => {
    let seen: { signal: AbortSignal; maxBytes: number } | undefined;
    const { calls, get } = recordingGet((_call, options) => {
      seen = options;
      return new Response('{}', { status: 200, headers: { etag: '"e2"' } });
    });
    expect(await reader(get).manifestFetcher('manifest.json')({ etag: '"e1"', timeoutMs: 1000 })).toEqual({
      kind: 'body',
      text: '{}',
      etag: '"e2"',
    });
    expect(calls).toHaveLength(1);
    const { url, headers } = calls[0]!;
    expect(url).toBe('https://site.s3.eu-west-1.amazonaws.com/manifest.json');
    expect(headers.get('if-none-match')).toBe('"e1"');
    expect(headers.get('host')).toBe('site.s3.eu-west-1.amazonaws.com');
    expect(headers.get('authorization')).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261123\/eu-west-1\/s3\/aws4_request, SignedHeaders=host;if-none-match;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    expect(headers.get('x-amz-date')).toBe('20261123T100000Z');
    expect(headers.get('x-amz-security-token')).toBe('token-1');
    expect(seen?.signal).toBeInstanceOf(AbortSignal);
    expect(seen?.maxBytes).toBe(5 * 1024 * 1024);
  });

  it('sends no If-None-Match on the first GET', async () => {
    const { calls, get } = recordingGet(() => new Response('{}', { status: 200 }));
    await reader(get).manifestFetcher('manifest.json')({ timeoutMs: 1000 });
    expect(calls[0]!.headers.has('if-none-match')).toBe(false);
  });

  it.each([
    [304, '', { kind: 'not-modified' }],
    [404, '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>', { kind: 'missing' }],
    [404, '', { kind: 'missing' }],
  ])('maps %i to %j', async (status, body, expected) => {
    const { get } = recordingGet(() => new Response(status === 304 ? null : body, { status }));
    expect(await reader(get).manifestFetcher('m.json')({ timeoutMs: 1000 })).toEqual(expected);
  });

  it.each([
    [403, '<Error><Code>AccessDenied</Code></Error>', 'AccessDenied'],
    [404, '<Error><Code>NoSuchBucket</Code></Error>', 'NoSuchBucket'],
    [500, '<Error><Code>InternalError</Code></Error>', 'InternalError'],
    [502, 'Bad Gateway', 'Http502'],
  ])('throws an S3RequestError for %i (%s)', async (status, body, code) => {
    const { get } = recordingGet(() => new Response(body, { status }));
    await expect(reader(get).manifestFetcher('m.json')({ timeoutMs: 1000 })).rejects.toMatchObject({
      name: 'S3RequestError',
      code,
      status,
    });
  });

  it('says which permissions a 403 on the manifest means are missing (a misconfiguration, not an outage)', async () => {
    const { get } = recordingGet(() => new Response('<Error><Code>AccessDenied</Code></Error>', { status: 403 }));
    await expect(reader(get).manifestFetcher('m.json')({ timeoutMs: 1000 })).rejects.toThrow(
      /403 AccessDenied: the function's role needs s3:GetObject on this key and s3:ListBucket on the bucket/,
    );
  });

  it('reports a body over 5 MB as TooLarge', async () => {
    const { get } = recordingGet(() => new Response('{}', { status: 200, headers: { 'content-length': String(6 * 1024 * 1024) } }));
    await expect(reader(get).manifestFetcher('m.json')({ timeoutMs: 1000 })).rejects.toMatchObject({ code: 'TooLarge' });
  });

  it('times out a hanging request', async () => {
    const get: HttpGet = (_url, options) =>
      new Promise((_resolve, reject) => options.signal.addEventListener('abort', () => reject(options.signal.reason)));
    await expect(reader(get).manifestFetcher('m.json')({ timeoutMs: 50 })).rejects.toMatchObject({
      code: 'Timeout',
      message: expect.stringContaining('50 ms'),
    });
  });

  it('wraps network errors', async () => {
    const get: HttpGet = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await expect(reader(get).manifestFetcher('m.json')({ timeoutMs: 1000 })).rejects.toMatchObject({
      code: 'NetworkError',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('fails clearly without credentials, without calling S3', async () => {
    const { calls, get } = recordingGet(() => new Response('{}'));
    const fetcher = reader(get, null).manifestFetcher('m.json');
    await expect(fetcher({ timeoutMs: 1000 })).rejects.toBeInstanceOf(S3RequestError);
    await expect(fetcher({ timeoutMs: 1000 })).rejects.toMatchObject({ code: 'NoCredentials' });
    expect(calls).toHaveLength(0);
  });
});
