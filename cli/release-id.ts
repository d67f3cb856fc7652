/**
 * Default release ids: UTC time plus the short git sha when there is one
 * (`20261123-101500-7bfe0aa`), so ids sort by time and name the commit.
 */
import { execFile } from 'node:child_process';
import { releaseIdProblem } from '../contracts/release.ts';
import { UsageError } from './errors.ts';

export interface GitInfo {
  readonly sha?: string;
  readonly ref?: string;
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

/** The commit being deployed: CI variables first (GitHub Actions), then `git` in `cwd`. */
export async function readGitInfo(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<GitInfo | undefined> {
  if (env.GITHUB_SHA) return { sha: env.GITHUB_SHA, ...(env.GITHUB_REF_NAME ? { ref: env.GITHUB_REF_NAME } : {}) };
  // One process for both answers: the sha, then the branch ("HEAD" when detached).
  const [sha, ref] = ((await git(cwd, ['rev-parse', 'HEAD', '--abbrev-ref', 'HEAD'])) ?? '').split('\n');
  if (!sha || !/^[0-9a-f]{7,64}$/.test(sha)) return undefined;
  return { sha, ...(ref && ref !== 'HEAD' ? { ref } : {}) };
}

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 5000 }, (error, stdout) => resolve(error ? undefined : stdout.trim() || undefined));
  });
}
