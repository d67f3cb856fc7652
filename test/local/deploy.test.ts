import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextManifest, type FileEntry, type Manifest } from '../../contracts/release.ts';
import { cliEnvironment, deployCommandLine, isSameBuild } from '../../local/deploy.ts';

const SHELL = '<!doctype html><script type="module" src="/assets/index-Abc12345.js"></script>';
const SITE: Record<string, string> = {
  'index.html': SHELL,
  'assets/index-Abc12345.js': 'console.log(1)',
  'favicon.svg': '<svg/>',
  '.vite/manifest.json': '{}',
};

let dist: string;
beforeEach(() => {
  dist = mkdtempSync(join(tmpdir(), 'shellfront-same-build-'));
  for (const [path, text] of Object.entries(SITE)) write(path, text);
});
afterEach(() => rmSync(dist, { recursive: true, force: true }));

function write(path: string, text: string) {
  mkdirSync(dirname(join(dist, path)), { recursive: true });
  writeFileSync(join(dist, path), text);
}

function entry(path: string, text = SITE[path] as string): FileEntry {
  return { path, size: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex'), contentType: 'text/plain' };
}

function manifestOf(overrides: { shell?: string; assets?: FileEntry[]; files?: FileEntry[] } = {}): Manifest {
  return nextManifest(
    {
      schema: 1,
      id: 'r1',
      createdAt: '2026-11-23T10:00:00.000Z',
      shell: overrides.shell ?? SHELL,
      assetPrefixes: ['assets/'],
      assets: overrides.assets ?? [entry('assets/index-Abc12345.js')],
      files: overrides.files ?? [entry('favicon.svg')],
    },
    undefined,
    new Date('2026-11-23T10:00:00.000Z'),
  );
}

describe('isSameBuild', () => {
  it('recognizes the build the live release was deployed from (build metadata aside)', () => {
    expect(isSameBuild(manifestOf(), dist)).toBe(true);
  });

  it('is false when nothing is live', () => {
    expect(isSameBuild(undefined, dist)).toBe(false);
  });

  it('is false when index.html differs', () => {
    expect(isSameBuild(manifestOf({ shell: `${SHELL}\n` }), dist)).toBe(false);
  });

  it('is false when a file changed its bytes', () => {
    write('favicon.svg', '<svg></svg>');
    expect(isSameBuild(manifestOf(), dist)).toBe(false);
  });

  it('is false when the folder has a file the release lacks, or lacks one the release lists', () => {
    write('robots.txt', 'User-agent: *');
    expect(isSameBuild(manifestOf(), dist)).toBe(false);
    rmSync(join(dist, 'robots.txt'));
    expect(isSameBuild(manifestOf({ files: [entry('favicon.svg'), entry('robots.txt', 'x')] }), dist)).toBe(false);
  });

  it('compares a dot-folder file the release does list', () => {
    write('.well-known/security.txt', 'Contact: a@b.c');
    expect(isSameBuild(manifestOf({ files: [entry('favicon.svg'), entry('.well-known/security.txt', 'Contact: a@b.c')] }), dist)).toBe(true);
  });
});

describe('the local deploy command', () => {
  it('points the CLI at the local S3 with s3rver credentials', () => {
    expect(cliEnvironment('http://127.0.0.1:4569')).toEqual({
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'us-east-1',
    });
    expect(deployCommandLine('http://127.0.0.1:4569', 'shellfront-local', 'dist/')).toBe(
      'AWS_ENDPOINT_URL_S3=http://127.0.0.1:4569 AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 npx shellfront deploy dist/ --bucket shellfront-local',
    );
  });
});
