/**
 * The viewer-request CloudFront Function in the local edge: the stack's exact source
 * (contracts/viewer-function.ts VIEWER_FUNCTION_SOURCE, never a re-implementation), evaluated once
 * in its own V8 context (no require, process or network, as in cloudfront-js-2.0) and called with
 * the event CloudFront Functions documents:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
 * What it returns is the request CloudFront goes on with (cache key, origin request), or a
 * response CloudFront sends to the viewer without looking at its cache or origin.
 */
import { runInNewContext } from 'node:vm';
import { VIEWER_FUNCTION_SOURCE } from '../contracts/viewer-function.ts';
import type { HeaderList } from './edge-response.ts';

/** `{value}` with `multiValue` when the name repeats, as in the event's headers and query string. */
export interface FunctionValue {
  value: string;
  multiValue?: { value: string }[];
}

export type FunctionValues = Record<string, FunctionValue>;

export interface FunctionRequest {
  method: string;
  uri: string;
  querystring: FunctionValues;
  headers: FunctionValues;
  cookies: FunctionValues;
}

export interface FunctionEvent {
  version: '1.0';
  context: { distributionDomainName: string; distributionId: string; eventType: 'viewer-request'; requestId: string };
  viewer: { ip: string };
  request: FunctionRequest;
}

/** A response the function generated (the viewer gets it; nothing reaches the cache or origin). */
export interface FunctionResponse {
  statusCode: number;
  statusDescription?: string;
  headers?: FunctionValues;
  body?: string | { data: string; encoding: 'text' | 'base64' };
}

export type ViewerFunction = (event: FunctionEvent) => FunctionRequest | FunctionResponse;

export interface ViewerRequestInput {
  readonly method: string;
  /** The raw request target, e.g. `/runs/7?tab=log`. */
  readonly url: string;
  /** Node's `rawHeaders` as a list (names as sent). */
  readonly headers: HeaderList;
  readonly clientIp: string;
  readonly requestId: string;
  readonly distributionDomainName: string;
}

export class ViewerFunctionError extends Error {
  override readonly name = 'ViewerFunctionError';
}

/**
 * Compiles `source` (a cloudfront-js-2.0 function declaring `handler`) in a fresh context.
 * @default source VIEWER_FUNCTION_SOURCE, the stack's function
 */
export function loadViewerFunction(source: string = VIEWER_FUNCTION_SOURCE): ViewerFunction {
  const handler: unknown = runInNewContext(
    `${source}\n;typeof handler === 'function' ? handler : undefined`,
    {},
    { filename: 'viewer-request.js' },
  );
  if (typeof handler !== 'function') throw new ViewerFunctionError('the viewer function source does not declare a handler function');
  return handler as ViewerFunction;
}

function addValue(values: FunctionValues, name: string, value: string): void {
  const existing = values[name];
  if (!existing) {
    values[name] = { value };
    return;
  }
  existing.multiValue ??= [{ value: existing.value }];
  existing.multiValue.push({ value });
}

/** The query string as the event's map (names and values decoded only where valid). */
export function queryValues(querystring: string): FunctionValues {
  const values: FunctionValues = {};
  if (querystring === '') return values;
  for (const part of querystring.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = equals === -1 ? part : part.slice(0, equals);
    addValue(values, name, equals === -1 ? '' : part.slice(equals + 1));
  }
  return values;
}

/** The event's map back to a query string (what CloudFront forwards). */
export function queryString(values: FunctionValues): string {
  const parts: string[] = [];
  for (const [name, entry] of Object.entries(values)) {
    for (const { value } of entry.multiValue ?? [{ value: entry.value }]) parts.push(value === '' ? name : `${name}=${value}`);
  }
  return parts.join('&');
}

/** The cloudfront-js-2.0 viewer-request event for a viewer's request: lowercase header names, cookies apart. */
export function viewerRequestEvent(input: ViewerRequestInput): FunctionEvent {
  const mark = input.url.indexOf('?');
  const uri = mark === -1 ? input.url : input.url.slice(0, mark);
  const headers: FunctionValues = {};
  const cookies: FunctionValues = {};
  for (const [name, value] of input.headers) {
    const lower = name.toLowerCase();
    if (lower !== 'cookie') {
      addValue(headers, lower, value);
      continue;
    }
    for (const pair of value.split(';')) {
      const equals = pair.indexOf('=');
      if (equals <= 0) continue;
      addValue(cookies, pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
    }
  }
  return {
    version: '1.0',
    context: {
      distributionDomainName: input.distributionDomainName,
      distributionId: 'ESHELLFRONTLOCAL',
      eventType: 'viewer-request',
      requestId: input.requestId,
    },
    viewer: { ip: input.clientIp },
    request: { method: input.method, uri, querystring: mark === -1 ? {} : queryValues(input.url.slice(mark + 1)), headers, cookies },
  };
}

export type ViewerFunctionResult =
  | { readonly kind: 'request'; readonly request: FunctionRequest }
  | { readonly kind: 'response'; readonly response: FunctionResponse };

/** Runs `fn` on the viewer's request; a throw or a result that is neither shape is a ViewerFunctionError. */
export function runViewerFunction(fn: ViewerFunction, input: ViewerRequestInput): ViewerFunctionResult {
  let result: unknown;
  try {
    result = fn(viewerRequestEvent(input));
  } catch (error) {
    throw new ViewerFunctionError(`the viewer function threw: ${(error as Error).message}`, { cause: error });
  }
  if (typeof result !== 'object' || result === null)
    throw new ViewerFunctionError('the viewer function returned neither a request nor a response');
  if ('statusCode' in result) return { kind: 'response', response: result as FunctionResponse };
  const request = result as Partial<FunctionRequest>;
  if (typeof request.uri !== 'string' || !request.uri.startsWith('/') || typeof request.headers !== 'object' || request.headers === null) {
    throw new ViewerFunctionError('the viewer function returned a request without a uri starting with "/" and a headers object');
  }
  return {
    kind: 'request',
    request: { ...(request as FunctionRequest), querystring: request.querystring ?? {}, cookies: request.cookies ?? {} },
  };
}

/** The first value of `name` (lowercase) in the function's request headers. */
export function functionHeader(request: FunctionRequest, name: string): string | undefined {
  const entry = request.headers[name];
  return typeof entry?.value === 'string' ? entry.value : undefined;
}
