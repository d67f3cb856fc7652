import { describe, expect, it } from 'vitest';
import { credentialsFromEnv, objectUrl, S3ObjectReader, S3RequestError, type FetchFunction } from '../../lambda/s3-fetch.ts';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token-1' };

function recorder(answer: () => Response | Promise<Response>) {
  const calls: Array<{ url: string; headers: Headers; signal?: AbortSignal | null }> = [];
  const fetch: FetchFunction = async (url, init) => {
    calls.push({ url, headers: new Headers(init.headers), signal: init.signal });
    return answer();
  };
  return { calls, fetch };
}

describe('objectUrl', () => {
  it('uses virtual-hosted style on AWS, path style for dotted buckets and custom endpoints', () => {
    expect(objectUrl({ bucket: 'site', region: 'eu-west-1' }, 'manifest.json')).toBe('https://site.s3.eu-west-1.amazonaws.com/manifest.json');
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
  const location = { bucket: 'site', region: 'eu-west-1' };

  it('sends one SigV4-signed conditional GET with a timeout signal', async () => {
    const { calls, fetch } = recorder(() => new Response('{}', { status: 200, headers: { etag: '"e2"' } }));
    const get = new S3ObjectReader(location, CREDENTIALS, fetch).manifestFetcher('manifest.json');
    expect(await get({ etag: '"e1"', timeoutMs: 1000 })).toEqual({ kind: 'body', text: '{}', etag: '"e2"' });
    expect(calls).toHaveLength(1);
    const { url, headers, signal } = calls[0]!;
    expect(url).toBe('https://site.s3.eu-west-1.amazonaws.com/manifest.json');
    expect(headers.get('if-none-match')).toBe('"e1"');
    expect(headers.get('authorization')).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(headers.get('x-amz-date')).toMatch(/^\d{8}T\d{6}Z$/);
    expect(headers.get('x-amz-content-sha256')).toBe('UNSIGNED-PAYLOAD');
    expect(headers.get('x-amz-security-token')).toBe('token-1');
    expect(signal).toBeInstanceOf(AbortSignal);
  });

  it('sends no If-None-Match on the first GET', async () => {
    const { calls, fetch } = recorder(() => new Response('{}', { status: 200 }));
    await new S3ObjectReader(location, CREDENTIALS, fetch).manifestFetcher('manifest.json')({ timeoutMs: 1000 });
    expect(calls[0]!.headers.has('if-none-match')).toBe(false);
  });

  it.each([
    [304, '', { kind: 'not-modified' }],
    [404, '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>', { kind: 'missing' }],
    [404, '', { kind: 'missing' }],
  ])('maps %i to %j', async (status, body, expected) => {
    const { fetch } = recorder(() => new Response(status === 304 ? null : body, { status }));
    expect(await new S3ObjectReader(location, CREDENTIALS, fetch).manifestFetcher('m.json')({ timeoutMs: 1000 })).toEqual(expected);
  });

  it.each([
    [403, '<Error><Code>AccessDenied</Code></Error>', 'AccessDenied'],
    [404, '<Error><Code>NoSuchBucket</Code></Error>', 'NoSuchBucket'],
    [500, '<Error><Code>InternalError</Code></Error>', 'InternalError'],
    [502, 'Bad Gateway', 'Http502'],
  ])('throws an S3RequestError for %i (%s)', async (status, body, code) => {
    const { fetch } = recorder(() => new Response(body, { status }));
    const get = new S3ObjectReader(location, CREDENTIALS, fetch).manifestFetcher('m.json');
    await expect(get({ timeoutMs: 1000 })).rejects.toMatchObject({ name: 'S3RequestError', code, status });
  });

  it('refuses a body over 5 MB from its Content-Length without reading it', async () => {
    const { fetch } = recorder(() => new Response('{}', { status: 200, headers: { 'content-length': String(6 * 1024 * 1024) } }));
    const get = new S3ObjectReader(location, CREDENTIALS, fetch).manifestFetcher('m.json');
    await expect(get({ timeoutMs: 1000 })).rejects.toMatchObject({ code: 'TooLarge' });
  });

  it('times out a hanging request', async () => {
    const fetch: FetchFunction = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const get = new S3ObjectReader(location, CREDENTIALS, fetch).manifestFetcher('m.json');
    await expect(get({ timeoutMs: 50 })).rejects.toMatchObject({ code: 'Timeout', message: expect.stringContaining('50 ms') });
  });

  it('wraps network errors', async () => {
    const fetch: FetchFunction = () => Promise.reject(new TypeError('fetch failed'));
    const get = new S3ObjectReader(location, CREDENTIALS, fetch).manifestFetcher('m.json');
    await expect(get({ timeoutMs: 1000 })).rejects.toMatchObject({ code: 'NetworkError' });
  });

  it('fails clearly without credentials, without calling S3', async () => {
    const { calls, fetch } = recorder(() => new Response('{}'));
    const get = new S3ObjectReader(location, undefined, fetch).manifestFetcher('m.json');
    await expect(get({ timeoutMs: 1000 })).rejects.toBeInstanceOf(S3RequestError);
    await expect(get({ timeoutMs: 1000 })).rejects.toMatchObject({ code: 'NoCredentials' });
    expect(calls).toHaveLength(0);
  });
});
