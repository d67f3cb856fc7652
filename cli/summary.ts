/** Human-readable results for stdout (with --json, main.ts prints the result object instead). */
import type { DeployResult } from './commands/deploy.ts';
import type { PruneResult } from './commands/prune.ts';
import type { ReleasesResult } from './commands/releases.ts';
import type { RollbackResult } from './commands/rollback.ts';
import type { VerifyResult } from './commands/verify.ts';
import { formatBytes } from './report.ts';

export function summarize(command: string, result: unknown): string {
  switch (command) {
    case 'deploy': {
      const r = result as DeployResult;
      if (r.unchanged) return `Unchanged: ${r.release} is live in s3://${r.bucket} with this exact build; nothing was written\n`;
      const head = r.dryRun ? `Dry run for ${r.release} (nothing written)` : `Deployed ${r.release} to s3://${r.bucket}: live`;
      return (
        `${head}\n` +
        `  assets: ${r.assets.total} (${r.assets.uploaded} uploaded, ${r.assets.skipped} already there)\n` +
        `  release files: ${r.files.uploaded}, ${formatBytes(r.bytesUploaded)} ${r.dryRun ? 'to upload' : 'uploaded'}\n` +
        (r.previous ? `  previous: ${r.previous}\n` : '')
      );
    }
    case 'rollback': {
      const r = result as RollbackResult;
      return r.changed ? `Rolled back s3://${r.bucket}: ${r.release} is live (was ${r.previous})\n` : `${r.release} was already live\n`;
    }
    case 'verify': {
      const r = result as VerifyResult;
      return `${r.release}${r.live ? ' (live)' : ''} is complete: ${r.objects} objects present\n`;
    }
    case 'prune': {
      const r = result as PruneResult;
      return (
        `${r.dryRun ? 'Would delete' : 'Deleted'} ${r.deletedReleases.length} release(s), ${r.deletedFiles} release file(s), ` +
        `${r.deletedAssets} asset(s) (${formatBytes(r.bytesFreed)}); kept ${r.kept.join(', ') || 'none'}; ` +
        `rollback ${r.rollbackTarget ? `goes to ${r.rollbackTarget}` : 'has nothing to go to'}` +
        (r.assetsInGrace ? `; ${r.assetsInGrace} unreferenced asset(s) still in the grace period` : '') +
        '\n'
      );
    }
    case 'releases': {
      const r = result as ReleasesResult;
      if (r.releases.length === 0) return `No releases in s3://${r.bucket}\n`;
      const rows = r.releases.map((release) =>
        [
          release.live ? '*' : ' ',
          release.id.padEnd(26),
          (release.createdAt ?? '?').slice(0, 19).replace('T', ' ').padEnd(20),
          (release.bytes === null ? 'unreadable' : formatBytes(release.bytes)).padStart(10),
          (release.gitSha ? `${release.gitSha.slice(0, 7)}${release.gitSource ? ` (${release.gitSource})` : ''}` : '-').padEnd(9),
          release.problem ?? release.message ?? '',
        ].join(' '),
      );
      return `${rows.join('\n')}\n${r.live ? `* live: ${r.live}` : 'nothing is live'} (${r.total} release(s))\n`;
    }
    default:
      return `${JSON.stringify(result, null, 2)}\n`;
  }
}
