/**
 * Default release ids: UTC time plus the short git sha when there is one
 * (`20261123-101500-7bfe0aa`), so ids sort by time and name the commit.
 */
import { execFile } from 'node:child_process';
import { releaseIdProblem } from '../../contracts/release.ts';
import { UsageError } from '../shared/errors.ts';

export interface GitInfo {
  readonly sha?: string;
  readonly ref?: string;
  /** Where sha and ref came from: `--git-sha`, `GITHUB_SHA`, or `git in <build folder>`. */
  readonly source?: string;
}

export function defaultReleaseId(now: Date, git: GitInfo | undefined): string {
  const iso = now.toISOString(); // 2026-11-23T10:15:00.000Z
  const time = `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
  return git?.sha ? `${time}-${git.sha.slice(0, 7)}` : time;
}

export function checkReleaseId(id: string): string {
  const problem = releaseIdProblem(id);
  if (problem) throw new UsageError(`--release ${problem}`);
  return id;
}

const SHA = /^[0-9a-f]{7,64}$/;

export interface GitSources {
  /** `--git-sha` / `--git-ref`: win over everything. */
  readonly sha?: string;
  readonly ref?: string;
  /** The build folder: its repository is asked last (not the folder the CLI runs in). */
  readonly buildDir: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The commit a build was made from: `--git-sha`/`--git-ref` first, then the CI's variables
 * (GitHub Actions: GITHUB_SHA, GITHUB_REF_NAME or GITHUB_REF), then `git` in the build folder's
 * repository. None of them: no commit (the release id is then the time alone).
 */
export async function readGitInfo(sources: GitSources): Promise<GitInfo | undefined> {
  const env = sources.env ?? process.env;
  if (sources.sha !== undefined) {
    if (!SHA.test(sources.sha))
      throw new UsageError(`--git-sha must be 7-64 lowercase hex digits (a commit id), got ${JSON.stringify(sources.sha)}`);
    return { sha: sources.sha, ...(sources.ref ? { ref: sources.ref } : {}), source: '--git-sha' };
  }
  const ciRef = sources.ref ?? (env.GITHUB_REF_NAME || env.GITHUB_REF || undefined);
  if (env.GITHUB_SHA && SHA.test(env.GITHUB_SHA)) return { sha: env.GITHUB_SHA, ...(ciRef ? { ref: ciRef } : {}), source: 'GITHUB_SHA' };
  // One process for both answers: the sha, then the branch ("HEAD" when detached).
  const [sha, branch] = ((await git(sources.buildDir, ['rev-parse', 'HEAD', '--abbrev-ref', 'HEAD'])) ?? '').split('\n');
  const ref = sources.ref ?? (branch && branch !== 'HEAD' ? branch : undefined);
  if (!sha || !SHA.test(sha)) return sources.ref ? { ref: sources.ref, source: '--git-ref' } : undefined;
  return { sha, ...(ref ? { ref } : {}), source: `git in ${sources.buildDir}` };
}

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 5000 }, (error, stdout) => resolve(error ? undefined : stdout.trim() || undefined));
  });
}
