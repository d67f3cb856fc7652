/**
 * The README and docs are the product's front door: every GitHub Actions workflow they show is a
 * valid workflow (a name for the file is not enough: it needs `on:` and jobs with steps), and every
 * command they print runs the installed bin, never whatever `npx` would download.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const text = (page: string) => readFileSync(join(ROOT, page), 'utf8');

function workflows(): { page: string; yaml: string }[] {
  return PAGES.flatMap((page) =>
    [...text(page).matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((match) => match[1] as string)
      .filter((yaml) => /^jobs:/m.test(yaml))
      .map((yaml) => ({ page, yaml })),
  );
}

describe('workflows in the docs', () => {
  it('finds the README and docs/cli.md workflows', () => {
    expect(workflows().map((workflow) => workflow.page)).toEqual(expect.arrayContaining(['README.md', 'docs/cli.md']));
  });

  it.each(workflows().map((workflow, index) => [`${workflow.page} #${index}`, workflow.yaml]))(
    '%s is a workflow GitHub would run',
    (_, yaml) => {
      const workflow = parse(yaml) as Record<string, unknown>;
      expect(workflow.on, 'on:').toBeDefined();
      const jobs = workflow.jobs as Record<string, { 'runs-on'?: unknown; steps?: unknown[]; environment?: unknown }>;
      expect(Object.keys(jobs).length).toBeGreaterThan(0);
      for (const [name, job] of Object.entries(jobs)) {
        expect(job['runs-on'], `${name}: runs-on`).toBeDefined();
        expect(Array.isArray(job.steps) && job.steps.length > 0, `${name}: steps`).toBe(true);
        for (const step of job.steps as Record<string, unknown>[])
          expect('run' in step || 'uses' in step, `${name}: a step runs or uses`).toBe(true);
      }
      if (/id-token: write|id-token/.test(yaml)) expect(workflow.permissions).toMatchObject({ 'id-token': 'write' });
    },
  );
});

describe('printed commands', () => {
  it.each(PAGES)('%s never tells anyone to run a bare `npx shellfront`', (page) => {
    expect(text(page)).not.toMatch(/npx shellfront\b/);
  });
});
