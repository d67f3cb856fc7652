/**
 * The floors of DESIGN.md as a check, not a habit: biome.json's noRestrictedImports rules, run by
 * `npm run lint` (part of `npm test`). Each probe writes one forbidden import into a real folder,
 * lints it, and expects the rule to name itself; then the whole tree must be clean.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
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
    const tree = lint(['contracts', 'lambda', 'infra', 'cli', 'local', 'bench', 'scripts', 'test', 'bin']);
    expect(tree.status, tree.output).toBe(0);
  });
});
