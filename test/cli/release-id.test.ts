import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { releaseIdProblem } from '../../contracts/release.ts';
import { checkReleaseId, defaultReleaseId, readGitInfo } from '../../cli/release/release-id.ts';

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

  it("reads the commit from --git-sha, then GitHub Actions variables, then the BUILD folder's repository, and says where from", async () => {
    const noGit = mkdtempSync(join(tmpdir(), 'no-git-'));
    const env = { GITHUB_SHA: 'abc1234def', GITHUB_REF_NAME: 'main' };
    await expect(readGitInfo({ buildDir: noGit, env, sha: 'fedcba9876', ref: 'release/1' })).resolves.toEqual({
      sha: 'fedcba9876',
      ref: 'release/1',
      source: '--git-sha',
    });
    await expect(readGitInfo({ buildDir: noGit, env })).resolves.toEqual({ sha: 'abc1234def', ref: 'main', source: 'GITHUB_SHA' });
    await expect(
      readGitInfo({ buildDir: noGit, env: { GITHUB_SHA: 'abc1234def', GITHUB_REF: 'refs/pull/7/merge' } }),
    ).resolves.toMatchObject({
      ref: 'refs/pull/7/merge',
    });
    await expect(readGitInfo({ buildDir: noGit, env: {}, sha: 'not-a-sha' })).rejects.toThrow(
      /--git-sha must be 7-64 lowercase hex digits.*"not-a-sha"/,
    );
  });

  it('asks git in the build folder, not in the folder the CLI runs in', async () => {
    const repo = fileURLToPath(new URL('../..', import.meta.url));
    const fromGit = await readGitInfo({ buildDir: join(repo, 'test', 'fixtures', 'dists', 'vite'), env: {} });
    expect(fromGit?.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(fromGit?.source).toBe(`git in ${join(repo, 'test', 'fixtures', 'dists', 'vite')}`);
    const cwd = process.cwd();
    const outside = mkdtempSync(join(tmpdir(), 'no-git-'));
    try {
      process.chdir(repo); // the CLI runs inside a repository, the build is elsewhere
      await expect(readGitInfo({ buildDir: outside, env: {} })).resolves.toBeUndefined();
      await expect(readGitInfo({ buildDir: outside, env: {}, ref: 'main' })).resolves.toEqual({ ref: 'main', source: '--git-ref' });
    } finally {
      process.chdir(cwd);
    }
  });
});
