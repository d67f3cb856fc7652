import { describe, expect, it } from 'vitest';
import { securityHeaders } from '../../contracts/edge-config.ts';
import {
  headerListFromRaw,
  headerValue,
  LambdaValidationError,
  viewerResponseFromLambda,
  withSecurityHeaders,
} from '../../local/edge-response.ts';
import type { CfResponse } from '../../local/cloudfront-event.ts';
import { MAX_GENERATED_RESPONSE_BYTES } from '../../lambda/edge/response-rules.ts';

const shell: CfResponse = {
  status: '200',
  statusDescription: 'OK',
  headers: {
    'content-type': [{ key: 'Content-Type', value: 'text/html; charset=utf-8' }],
    'cache-control': [{ key: 'Cache-Control', value: 'no-cache' }],
    'x-shellfront-release': [{ key: 'X-Shellfront-Release', value: 'r1' }],
  },
  body: '<!doctype html><title>é</title>',
};

describe('viewerResponseFromLambda', () => {
  it('flattens the header map and encodes the body as UTF-8', () => {
    const response = viewerResponseFromLambda(shell);
    expect(response.status).toBe(200);
    expect(response.headers).toEqual([
      ['Content-Type', 'text/html; charset=utf-8'],
      ['Cache-Control', 'no-cache'],
      ['X-Shellfront-Release', 'r1'],
    ]);
    expect(response.body.toString('utf8')).toBe('<!doctype html><title>é</title>');
  });

  it('decodes a base64 body and keeps repeated headers apart', () => {
    const response = viewerResponseFromLambda({
      status: 404,
      headers: { 'set-cookie': [{ key: 'Set-Cookie', value: 'a=1' }, { value: 'b=2' }] },
      body: Buffer.from([0, 1, 2]).toString('base64'),
      bodyEncoding: 'base64',
    });
    expect(response.status).toBe(404);
    expect(response.headers).toEqual([
      ['Set-Cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);
    expect([...response.body]).toEqual([0, 1, 2]);
  });

  it('accepts a response with no headers and no body', () => {
    expect(viewerResponseFromLambda({ status: '304' })).toEqual({ status: 304, headers: [], body: Buffer.alloc(0) });
  });

  it.each<[string, CfResponse, RegExp]>([
    ['a non-numeric status', { status: 'OK' }, /3-digit/],
    ['a status out of range', { status: '99' }, /3-digit/],
    ['an uppercase map key', { status: '200', headers: { 'Content-Type': [{ value: 'x' }] } }, /lowercase/],
    [
      'a key that differs from its map name',
      { status: '200', headers: { 'content-type': [{ key: 'X-Other', value: 'x' }] } },
      /does not match/,
    ],
    ['a disallowed header', { status: '200', headers: { connection: [{ value: 'close' }] } }, /may not be set/],
    ['a disallowed header prefix', { status: '200', headers: { 'x-edge-thing': [{ value: '1' }] } }, /may not be set/],
    ['a header that is not a list', { status: '200', headers: { a: { value: '1' } as never } }, /array/],
    ['a non-string value', { status: '200', headers: { a: [{ value: 1 as never }] } }, /non-string/],
    ['an unknown body encoding', { status: '200', body: 'x', bodyEncoding: 'gzip' as never }, /bodyEncoding/],
    ['a body over 1 MB', { status: '200', body: 'x'.repeat(MAX_GENERATED_RESPONSE_BYTES + 1) }, /1048576/],
  ])('rejects %s', (_, result, message) => {
    expect(() => viewerResponseFromLambda(result)).toThrow(LambdaValidationError);
    expect(() => viewerResponseFromLambda(result)).toThrow(message);
  });
});

describe('headerListFromRaw', () => {
  it('keeps names, order and repeats, and drops hop-by-hop headers', () => {
    const raw = [
      'Content-Type',
      'text/css',
      'Connection',
      'keep-alive',
      'ETag',
      '"abc"',
      'Transfer-Encoding',
      'chunked',
      'Set-Cookie',
      'a',
      'Set-Cookie',
      'b',
    ];
    expect(headerListFromRaw(raw)).toEqual([
      ['Content-Type', 'text/css'],
      ['ETag', '"abc"'],
      ['Set-Cookie', 'a'],
      ['Set-Cookie', 'b'],
    ]);
  });
});

describe('withSecurityHeaders', () => {
  it('adds every security header and overrides the origin values, whatever their case', () => {
    const security = securityHeaders();
    const result = withSecurityHeaders(
      [
        ['X-Frame-Options', 'SAMEORIGIN'],
        ['ETag', '"1"'],
      ],
      security,
    );
    expect(headerValue(result, 'x-frame-options')).toBe(security['x-frame-options']);
    expect(result.filter(([name]) => name.toLowerCase() === 'x-frame-options')).toHaveLength(1);
    expect(headerValue(result, 'etag')).toBe('"1"');
    for (const [name, value] of Object.entries(security)) expect(headerValue(result, name)).toBe(value);
  });
});
