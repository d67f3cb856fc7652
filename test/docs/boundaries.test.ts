/**
 * The floors of DESIGN.md as a check, not a habit: biome.json's noRestrictedImports rules, run by
 * `npm run lint` (part of `npm test`). Each probe writes one forbidden import into a real folder,
 * lints it, and expects the rule to name itself; then the whole tree must be clean. Inside cli/ each
 * folder has its own floor (docs/architecture.md): the probes cover one forbidden arrow per folder,
 * including the two that once made circles (build -> rules, commands -> terminal).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/paths.ts';

const BIOME = join(PROJECT_ROOT, 'node_modules', '.bin', 'biome');

function lint(paths: string[]): { status: number | null; output: string } {
  const result = spawnSync(BIOME, ['lint', '--max-diagnostics=50', ...paths], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('import boundaries', () => {
  it.each([
    ['contracts', '../lambda/core/path.ts', 'contracts-import-nothing'],
    ['lambda', '../cli/main.ts', 'middle-floor-isolation'],
    ['lambda', '../infra/shellfront.ts', 'middle-floor-isolation'],
    ['infra', '../lambda/build.ts', 'middle-floor-isolation'],
    ['cli', '../infra/validate.ts', 'middle-floor-isolation'],
    ['local', '../test/lambda/helpers.ts', 'nothing-imports-test'],
    ['bench', '../test/lambda/helpers.ts', 'nothing-imports-test'],
    ['scripts', '../local/s3-server.ts', 'scripts-below-local'],
    ['cli/bucket', '../../lambda/core/path.ts', 'middle-floor-isolation'],
    ['cli/shared', '../bucket/bucket.ts', 'cli-shared'],
    ['cli/bucket', '../build/dist.ts', 'cli-bucket'],
    ['cli/bucket', '../main.ts', 'cli-bucket'],
    ['cli/build', '../bucket/bucket.ts', 'cli-build'],
    ['cli/build', '../rules/read.ts', 'cli-build'],
    ['cli/rules', '../release/plan.ts', 'cli-rules'],
    ['cli/channels', '../release/history.ts', 'cli-channels'],
    ['cli/release', '../commands/deploy.ts', 'cli-release'],
    ['cli/commands', '../terminal/specs.ts', 'cli-commands'],
    ['cli/terminal', '../api.ts', 'cli-terminal'],
  ])('%s/ importing %s fails with [floors:%s]', (folder, target, rule) => {
    const probe = join(PROJECT_ROOT, folder, `__boundary-probe-${process.pid}.ts`);
    writeFileSync(probe, `import * as forbidden from '${target}';\nexport const probe = forbidden;\n`);
    try {
      const result = lint([probe]);
      expect(result.status, result.output).not.toBe(0);
      expect(result.output).toContain(`[floors:${rule}]`);
    } finally {
      rmSync(probe, { force: true });
    }
  });

  it('allows what the floors allow, and the tree is clean', () => {
    const probe = join(PROJECT_ROOT, 'local', `__boundary-probe-ok-${process.pid}.ts`);
    writeFileSync(
      probe,
      "import * as contracts from '../contracts/release.ts';\nimport * as cli from '../cli/main.ts';\nexport const ok = [contracts, cli];\n",
    );
    try {
      const result = lint([probe]);
      expect(result.status, result.output).toBe(0);
    } finally {
      rmSync(probe, { force: true });
    }
    const downward = join(PROJECT_ROOT, 'cli', 'release', `__boundary-probe-ok-${process.pid}.ts`);
    writeFileSync(
      downward,
      [
        "import * as live from '../channels/live.ts';",
        "import * as rules from '../rules/read.ts';",
        "import * as dist from '../build/dist.ts';",
        "import * as bucket from '../bucket/bucket.ts';",
        "import * as errors from '../shared/errors.ts';",
        "import * as contracts from '../../contracts/release.ts';",
        'export const ok = [live, rules, dist, bucket, errors, contracts];',
        '',
      ].join('\n'),
    );
    try {
      const result = lint([downward]);
      expect(result.status, result.output).toBe(0);
    } finally {
      rmSync(downward, { force: true });
    }
    const tree = lint(['contracts', 'lambda', 'infra', 'cli', 'local', 'bench', 'scripts', 'test', 'bin']);
    expect(tree.status, tree.output).toBe(0);
  });

  it('every folder of cli/ has its own floor in biome.json', () => {
    const config = JSON.parse(readFileSync(join(PROJECT_ROOT, 'biome.json'), 'utf8')) as { overrides: { includes: string[] }[] };
    const floors = new Set(config.overrides.flatMap((override) => override.includes));
    const folders = readdirSync(join(PROJECT_ROOT, 'cli'), { withFileTypes: true }).filter((entry) => entry.isDirectory());
    expect(folders.length).toBeGreaterThan(5);
    for (const folder of folders)
      expect(floors, `cli/${folder.name}/ has no noRestrictedImports override`).toContain(`cli/${folder.name}/**`);
  });
});
