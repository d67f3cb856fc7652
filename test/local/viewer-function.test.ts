// The viewer-request CloudFront Function as the local edge runs it: the stack's source, the
// documented cloudfront-js-2.0 event, and what comes back.
import { describe, expect, it } from 'vitest';
import { CHANNEL_HEADERS } from '../../contracts/edge-config.ts';
import {
  functionHeader,
  loadViewerFunction,
  queryString,
  queryValues,
  runViewerFunction,
  ViewerFunctionError,
  viewerRequestEvent,
  type ViewerRequestInput,
} from '../../local/viewer-function.ts';

const input: ViewerRequestInput = {
  method: 'GET',
  url: '/runs/7?tab=log&tag=a&tag=b&flag',
  headers: [
    ['Host', 'pr-7.localhost:8080'],
    ['Accept', 'text/html'],
    ['X-Many', '1'],
    ['X-Many', '2'],
    ['Cookie', 'session=abc; theme=dark'],
  ],
  clientIp: '127.0.0.1',
  requestId: 'req-1',
  distributionDomainName: 'pr-7.localhost:8080',
};

describe('viewerRequestEvent', () => {
  it('builds the documented cloudfront-js-2.0 viewer-request event', () => {
    expect(viewerRequestEvent(input)).toEqual({
      version: '1.0',
      context: {
        distributionDomainName: 'pr-7.localhost:8080',
        distributionId: 'ESHELLFRONTLOCAL',
        eventType: 'viewer-request',
        requestId: 'req-1',
      },
      viewer: { ip: '127.0.0.1' },
      request: {
        method: 'GET',
        uri: '/runs/7',
        querystring: { tab: { value: 'log' }, tag: { value: 'a', multiValue: [{ value: 'a' }, { value: 'b' }] }, flag: { value: '' } },
        headers: {
          host: { value: 'pr-7.localhost:8080' },
          accept: { value: 'text/html' },
          'x-many': { value: '1', multiValue: [{ value: '1' }, { value: '2' }] },
        },
        cookies: { session: { value: 'abc' }, theme: { value: 'dark' } },
      },
    });
  });

  it('gives an empty query string map and keeps the query round trip', () => {
    expect(viewerRequestEvent({ ...input, url: '/' }).request.querystring).toEqual({});
    expect(queryString(queryValues('tab=log&tag=a&tag=b&flag'))).toBe('tab=log&tag=a&tag=b&flag');
    expect(queryString(queryValues(''))).toBe('');
  });
});

describe('runViewerFunction with the stack source (VIEWER_FUNCTION_SOURCE)', () => {
  const stack = loadViewerFunction();
  it('copies the viewer Host into the channel header', () => {
    const result = runViewerFunction(stack, input);
    expect(result.kind).toBe('request');
    if (result.kind !== 'request') return;
    expect(functionHeader(result.request, CHANNEL_HEADERS.viewerHost)).toBe('pr-7.localhost:8080');
    expect(result.request.uri).toBe('/runs/7');
  });

  it('overwrites a channel header the viewer sent', () => {
    const result = runViewerFunction(stack, {
      ...input,
      headers: [
        ['Host', 'localhost:8080'],
        ['X-Shellfront-Viewer-Host', 'pr-7.localhost:8080'],
      ],
    });
    expect(result.kind === 'request' && functionHeader(result.request, CHANNEL_HEADERS.viewerHost)).toBe('localhost:8080');
  });

  it('runs in its own context: no require, no process', () => {
    const probe = loadViewerFunction(
      'function handler(event) { event.request.headers.probe = { value: typeof require + "," + typeof process }; return event.request; }',
    );
    const result = runViewerFunction(probe, input);
    expect(result.kind === 'request' && functionHeader(result.request, 'probe')).toBe('undefined,undefined');
  });
});

describe('runViewerFunction results', () => {
  it('passes a generated response through', () => {
    const fn = loadViewerFunction('function handler() { return { statusCode: 302, headers: { location: { value: "/x" } } }; }');
    expect(runViewerFunction(fn, input)).toEqual({
      kind: 'response',
      response: { statusCode: 302, headers: { location: { value: '/x' } } },
    });
  });

  it('wraps a throw or a malformed result in a ViewerFunctionError that says what happened', () => {
    const throws = loadViewerFunction('function handler() { throw new Error("nope"); }');
    expect(() => runViewerFunction(throws, input)).toThrow(ViewerFunctionError);
    expect(() => runViewerFunction(throws, input)).toThrow(/threw: nope/);
    const bad = loadViewerFunction('function handler() { return { uri: "no-slash", headers: {} }; }');
    expect(() => runViewerFunction(bad, input)).toThrow(/uri starting with "\/"/);
    expect(() => loadViewerFunction('var x = 1;')).toThrow(/does not declare a handler/);
  });
});
