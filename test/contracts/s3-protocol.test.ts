import { describe, expect, it } from 'vitest';
import { encodeKeyPath, encodeRfc3986 } from '../../contracts/s3-protocol.ts';

describe('encodeKeyPath (the one S3 key encoder)', () => {
  it('is RFC 3986 strict: only unreserved characters and "/" stay', () => {
    expect(encodeKeyPath('assets/a b+c/ü~._-.js')).toBe('assets/a%20b%2Bc/%C3%BC~._-.js');
    expect(encodeKeyPath("x/(!'*)")).toBe('x/%28%21%27%2A%29');
    expect(encodeKeyPath('releases/r1/a (1)+b!.png')).toBe('releases/r1/a%20%281%29%2Bb%21.png');
  });

  it('round-trips through decodeURIComponent for any segment', () => {
    for (const text of ['plain', "!'()*", 'a b+c', 'ü€😀', '%41', '?#&=']) expect(decodeURIComponent(encodeRfc3986(text))).toBe(text);
  });
});

describe('parseS3Error', () => {
  it('reads the code and message of an S3 error body, and nothing of anything else', async () => {
    const { parseS3Error } = await import('../../contracts/s3-protocol.ts');
    expect(parseS3Error('<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>')).toEqual({
      code: 'SlowDown',
      message: 'Reduce your request rate.',
    });
    expect(parseS3Error('Bad Gateway')).toEqual({});
  });
});
