import { describe, expect, it } from 'vitest';
import {
  MAX_RECORD_BYTES,
  nextManifest,
  parseManifest,
  parseReleaseRecord,
  releaseKeys,
  ReleaseFormatError,
  validateManifest,
  validateReleaseRecord,
  type Manifest,
  type ReleaseRecord,
} from '../../contracts/release.ts';

const SHA = 'a'.repeat(64);

function record(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: 1,
    id: '20261123T101500Z-1a2b3c4',
    createdAt: '2026-11-23T10:15:00.000Z',
    message: 'fix the runs table',
    git: { sha: '1a2b3c4', ref: 'refs/heads/main' },
    shell:
      '<!doctype html><html><head><script type="module" src="/assets/index-CGELnclK.js"></script></head><body><div id="app"></div></body></html>',
    assetPrefixes: ['assets/'],
    assets: [{ path: 'assets/index-CGELnclK.js', size: 1200, sha256: SHA, contentType: 'text/javascript' }],
    files: [{ path: 'favicon.svg', size: 300, sha256: SHA, contentType: 'image/svg+xml' }],
    config: { apiBase: '/api' },
    ...overrides,
  };
}

function manifest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { schema: 1, updatedAt: '2026-11-23T10:16:00.000Z', release: record(), previous: [], ...overrides };
}

function problemOf(run: () => unknown): ReleaseFormatError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ReleaseFormatError);
    return error as ReleaseFormatError;
  }
  throw new Error('expected a ReleaseFormatError, nothing was thrown');
}

describe('validateReleaseRecord', () => {
  it('accepts a complete record and returns it typed', () => {
    const valid = validateReleaseRecord(record());
    expect(valid.id).toBe('20261123T101500Z-1a2b3c4');
    expect(valid.files.map((f) => f.path)).toEqual(['favicon.svg']);
    expect(valid.config).toEqual({ apiBase: '/api' });
  });

  it('drops unknown top-level fields', () => {
    expect(validateReleaseRecord(record({ extra: 'x' }))).not.toHaveProperty('extra');
  });

  it.each([
    [{ schema: 2 }, 'release.schema', /unknown schema version number 2.*reads schema 1/],
    [{ schema: undefined }, 'release.schema', /unknown schema version undefined/],
    [{ id: '../etc' }, 'release.id', /A-Z a-z 0-9/],
    [{ id: 'a..b' }, 'release.id', /without ".."/],
    [{ createdAt: 'yesterday' }, 'release.createdAt', /ISO 8601/],
    [{ shell: undefined }, 'release.shell', /missing/],
    [{ shell: '   ' }, 'release.shell', /is empty/],
    [{ assetPrefixes: ['/assets/'] }, 'release.assetPrefixes[0]', /relative folder/],
    [{ assetPrefixes: ['assets'] }, 'release.assetPrefixes[0]', /ending in "\/"/],
    [{ assetPrefixes: ['../x/'] }, 'release.assetPrefixes[0]', /relative folder/],
    [{ assetPrefixes: ['releases/'] }, 'release.assetPrefixes[0]', /reserved/],
    [{ config: [1] }, 'release.config', /JSON object, got an array/],
  ])('rejects %j at %s', (overrides, field, message) => {
    const error = problemOf(() => validateReleaseRecord(record(overrides)));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it.each([
    ['/etc/passwd', /relative to the site root/],
    ['a/../../b', /must not contain ".."/],
    ['..', /must not contain ".."/],
    ['img\\logo.png', /backslashes/],
    ['bad\u0000name', /NUL or control/],
    ['tab\tname', /NUL or control/],
    ['C:/windows', /drive path/],
    ['a//b', /empty or "\."/],
    ['./a', /empty or "\."/],
    ['dir/', /empty or "\."|must name a file/],
    ['', /empty string/],
    ['x'.repeat(1025), /at most 1024/],
  ])('rejects the file path %j', (path, message) => {
    const error = problemOf(() => validateReleaseRecord(record({ files: [{ path, size: 1, sha256: SHA, contentType: 'text/plain' }] })));
    expect(error.field).toBe('release.files[0].path');
    expect(error.message).toMatch(message);
  });

  it('rejects a duplicate path and names both places', () => {
    const file = { path: 'robots.txt', size: 1, sha256: SHA, contentType: 'text/plain' };
    const error = problemOf(() => validateReleaseRecord(record({ files: [file, file] })));
    expect(error.field).toBe('release.files[1].path');
    expect(error.message).toMatch(/duplicate path "robots.txt" \(already listed at release.files\[0\]\)/);
  });

  it('rejects reserved names and misplaced files', () => {
    const entry = (path: string) => ({ path, size: 1, sha256: SHA, contentType: 'text/plain' });
    expect(problemOf(() => validateReleaseRecord(record({ files: [entry('index.html')] }))).message).toMatch(/is the shell/);
    // A web app manifest.json is an ordinary release file (the pointers live under _shellfront/).
    expect(validateReleaseRecord(record({ files: [entry('manifest.json')] })).files[0]?.path).toBe('manifest.json');
    expect(problemOf(() => validateReleaseRecord(record({ files: [entry('releases/x.json')] }))).message).toMatch(/reserved/);
    expect(problemOf(() => validateReleaseRecord(record({ files: [entry('_shellfront/channels/x.json')] }))).message).toMatch(
      /reserved for channel pointers/,
    );
    expect(problemOf(() => validateReleaseRecord(record({ files: [entry('assets/x.js')] }))).message).toMatch(/list it in assets/);
    const outside = problemOf(() => validateReleaseRecord(record({ assets: [entry('js/app.js')] })));
    expect(outside.field).toBe('release.assets[0].path');
    expect(outside.message).toMatch(/not under any asset prefix \(assets\/\)/);
  });

  it('checks each file entry field', () => {
    const base = { path: 'a.txt', size: 1, sha256: SHA, contentType: 'text/plain' };
    expect(problemOf(() => validateReleaseRecord(record({ files: [{ ...base, size: -1 }] }))).field).toBe('release.files[0].size');
    expect(problemOf(() => validateReleaseRecord(record({ files: [{ ...base, sha256: 'ABC' }] }))).field).toBe('release.files[0].sha256');
    expect(problemOf(() => validateReleaseRecord(record({ files: [{ ...base, contentType: '' }] }))).field).toBe(
      'release.files[0].contentType',
    );
    expect(problemOf(() => validateReleaseRecord(record({ files: 'a.txt' }))).message).toMatch(/expected an array, got "a.txt"/);
  });
});

describe('parseManifest', () => {
  it('parses a valid manifest', () => {
    const parsed = parseManifest(JSON.stringify(manifest({ previous: ['20261122T090000Z-0f0f0f0'] })));
    expect(parsed.release.id).toBe('20261123T101500Z-1a2b3c4');
    expect(parsed.previous).toEqual(['20261122T090000Z-0f0f0f0']);
  });

  it('treats a missing previous list as empty', () => {
    expect(parseManifest(JSON.stringify(manifest({ previous: undefined }))).previous).toEqual([]);
  });

  it('names the JSON problem', () => {
    const error = problemOf(() => parseManifest('{"schema": 1,'));
    expect(error.field).toBe('manifest');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('refuses a document over 5 MB before parsing it', () => {
    const big = JSON.stringify(manifest({ release: record({ config: { blob: 'x'.repeat(6 * 1024 * 1024) } }) }));
    const error = problemOf(() => parseManifest(big));
    expect(error.message).toMatch(new RegExp(`limit is ${MAX_RECORD_BYTES}`));
  });

  it('counts multi-byte characters as bytes', () => {
    const text = JSON.stringify(manifest({ release: record({ config: { s: '€'.repeat(1_800_000) } }) }));
    expect(text.length).toBeLessThan(MAX_RECORD_BYTES);
    expect(problemOf(() => parseManifest(text)).message).toMatch(/bytes; the limit/);
  });

  it('locates errors inside the embedded release', () => {
    const error = problemOf(() => validateManifest(manifest({ release: record({ shell: '' }) })));
    expect(error.field).toBe('manifest.release.shell');
    expect(problemOf(() => validateManifest(manifest({ previous: ['ok', '../x'] }))).field).toBe('manifest.previous[1]');
    expect(problemOf(() => validateManifest(manifest({ schema: 7 }))).field).toBe('manifest.schema');
    expect(problemOf(() => validateManifest(null)).message).toMatch(/expected an object, got null/);
  });

  it('parses a release record document', () => {
    expect(parseReleaseRecord(JSON.stringify(record())).files).toHaveLength(1);
  });
});

describe('nextManifest and releaseKeys', () => {
  const release = validateReleaseRecord(record()) as ReleaseRecord;
  const now = new Date('2026-11-23T12:00:00Z');

  it('starts a history with the first release', () => {
    expect(nextManifest(release, undefined, now)).toEqual({
      schema: 1,
      updatedAt: '2026-11-23T12:00:00.000Z',
      release,
      previous: [],
    });
  });

  it('pushes the live release onto the history, capped and without the new id', () => {
    const older = { ...release, id: 'older' };
    const current: Manifest = {
      schema: 1,
      updatedAt: now.toISOString(),
      release: older,
      previous: [release.id, ...Array.from({ length: 30 }, (_, i) => `r${i}`)],
    };
    const next = nextManifest(release, current, now);
    expect(next.previous[0]).toBe('older');
    expect(next.previous).not.toContain(release.id);
    expect(next.previous).toHaveLength(20);
    expect(() => validateManifest(JSON.parse(JSON.stringify(next)))).not.toThrow();
  });

  it('lists every key a release needs', () => {
    expect(releaseKeys(release)).toEqual([
      'releases/20261123T101500Z-1a2b3c4.json',
      'releases/20261123T101500Z-1a2b3c4/favicon.svg',
      'assets/index-CGELnclK.js',
    ]);
  });
});
