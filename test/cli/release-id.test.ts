import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { releaseIdProblem } from '../../contracts/release.ts';
import { checkReleaseId, defaultReleaseId, readGitInfo } from '../../cli/release-id.ts';

describe('release ids', () => {
  it('defaults to UTC time plus the short git sha, a valid release id that sorts by time', () => {
    const id = defaultReleaseId(new Date('2026-11-23T10:15:07.123Z'), { sha: '7bfe0aac1234' });
    expect(id).toBe('20261123-101507-7bfe0aa');
    expect(releaseIdProblem(id)).toBeUndefined();
    expect(defaultReleaseId(new Date('2026-11-23T10:15:07Z'), undefined)).toBe('20261123-101507');
  });

  it('refuses an unsafe --release with the value', () => {
    expect(() => checkReleaseId('../etc')).toThrow(/--release expected 1-128 characters.*"\.\.\/etc"/);
  });

  it('reads the commit from GitHub Actions variables, else from git, else none', async () => {
    await expect(readGitInfo('/', { GITHUB_SHA: 'abc1234def', GITHUB_REF_NAME: 'main' })).resolves.toEqual({ sha: 'abc1234def', ref: 'main' });
    const repo = fileURLToPath(new URL('../..', import.meta.url));
    const fromGit = await readGitInfo(repo, {});
    expect(fromGit?.sha).toMatch(/^[0-9a-f]{40}$/);
    await expect(readGitInfo(mkdtempSync(join(tmpdir(), 'no-git-')), {})).resolves.toBeUndefined();
  });
});
