import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CHANNEL_HEADERS } from '../../contracts/edge-config.ts';
import { VIEWER_FUNCTION_MAX_BYTES, VIEWER_FUNCTION_SOURCE } from '../../contracts/viewer-function.ts';

type Headers = Record<string, { value: string }>;
/** Runs the exact source CloudFront stores, in a fresh context, as CloudFront calls it. */
function run(headers: Headers): Headers {
  const handler = runInNewContext(`${VIEWER_FUNCTION_SOURCE}; handler`) as (event: unknown) => { headers: Headers };
  return handler({ version: '1.0', context: { eventType: 'viewer-request' }, request: { method: 'GET', uri: '/', headers } }).headers;
}

describe('viewer-request function', () => {
  const header = CHANNEL_HEADERS.viewerHost;
  it('copies the viewer Host into the channel header', () => {
    expect(run({ host: { value: 'pr-7.preview.example.com' } })[header]).toEqual({ value: 'pr-7.preview.example.com' });
  });
  it('overwrites a value the viewer sent, so a viewer cannot choose a channel by header', () => {
    expect(run({ host: { value: 'www.example.com' }, [header]: { value: 'pr-7.preview.example.com' } })[header]).toEqual({
      value: 'www.example.com',
    });
    expect(run({ [header]: { value: 'pr-7.preview.example.com' } })[header]).toBeUndefined();
  });
  it('stays within the CloudFront Functions size quota and uses no ES module syntax', () => {
    expect(Buffer.byteLength(VIEWER_FUNCTION_SOURCE)).toBeLessThan(VIEWER_FUNCTION_MAX_BYTES);
    expect(VIEWER_FUNCTION_SOURCE).not.toMatch(/\b(import|export|require)\b/);
  });
});
