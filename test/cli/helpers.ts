/** Shared test helpers: S3 errors as the SDK throws them, GetObject bodies, fixture paths. */
import { S3ServiceException } from '@aws-sdk/client-s3';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/dists/', import.meta.url));
export const VITE_DIST = join(FIXTURES, 'vite');
export const WEBPACK_DIST = join(FIXTURES, 'webpack');

export function s3Error(name: string, status: number, message = name): S3ServiceException {
  return new S3ServiceException({
    name,
    message,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

export function networkError(code = 'ECONNRESET'): Error {
  return Object.assign(new Error(`socket hang up (${code})`), { code });
}

/** A GetObject Body as the SDK returns it, enough for transformToString. */
export function body(text: string) {
  return { transformToString: async () => text } as never;
}

/** A writable copy of a fixture build. */
export function copyFixture(source: string): string {
  const target = mkdtempSync(join(tmpdir(), 'shellfront-dist-'));
  cpSync(source, target, { recursive: true });
  return target;
}

export const noSleep = { sleep: async () => {}, attempts: 4 } as const;
