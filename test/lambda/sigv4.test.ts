import { AwsV4Signer } from 'aws4fetch';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signRequest } from '../../lambda/sigv4.ts';

// The worked "GET Object" example of AWS's SigV4 documentation for S3 (header-based auth).
const AWS_EXAMPLE = {
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
  date: new Date('2013-05-24T00:00:00Z'),
};

describe('signRequest', () => {
  it("matches AWS's published S3 GET Object example", () => {
    const headers = signRequest({
      method: 'GET',
      url: AWS_EXAMPLE.url,
      headers: { Range: 'bytes=0-9' },
      region: 'us-east-1',
      service: 's3',
      credentials: AWS_EXAMPLE.credentials,
      date: AWS_EXAMPLE.date,
    });
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    expect(headers['x-amz-date']).toBe('20130524T000000Z');
  });

  it('agrees with aws4fetch on arbitrary keys, regions, ETags, ports and session tokens', async () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9._ ~+-]{1,12}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2'),
        fc.option(fc.stringMatching(/^"[0-9a-f]{8,32}"$/), { nil: undefined }),
        fc.option(fc.stringMatching(/^[A-Za-z0-9/+=]{16,40}$/), { nil: undefined }),
        fc.constantFrom('https://bucket.s3.eu-west-1.amazonaws.com', 'http://127.0.0.1:4569/bucket'),
        fc.date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }),
        async (segments, region, etag, sessionToken, base, date) => {
          const url = new URL(`${base}/${segments.map(encodeURIComponent).join('/')}`);
          const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret/key+1', ...(sessionToken ? { sessionToken } : {}) };
          const extra: Record<string, string> = etag ? { 'if-none-match': etag } : {};
          const ours = signRequest({ method: 'GET', url, headers: extra, region, service: 's3', credentials, date });
          const datetime = ours['x-amz-date']!;
          const theirs = await new AwsV4Signer({
            method: 'GET',
            url: url.href,
            headers: { ...extra, 'x-amz-content-sha256': ours['x-amz-content-sha256']! },
            ...credentials,
            service: 's3',
            region,
            datetime,
          }).sign();
          expect(ours.authorization).toBe(theirs.headers.get('authorization'));
        },
      ),
      { numRuns: 200 },
    );
  });
});
