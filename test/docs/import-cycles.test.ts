/**
 * No two modules of the product import each other, directly or around a longer loop: a circle
 * means neither file can be understood (or moved) without the other, and ES modules hand one side
 * of it an uninitialised binding at load time. The lint's floors keep folders in order; this walks
 * the file graph itself, counting type-only and lazy `import()` edges too (a type circle is still a
 * circle for the reader).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/paths.ts';

const ROOTS = ['contracts', 'lambda', 'infra', 'cli', 'local', 'scripts'];

const STATIC = /^(?:import|export)\b[^;]*?\bfrom\s*'(\.[^']+)'/gms;
const BARE = /^import\s*'(\.[^']+)'/gm;
const LAZY = /\bimport\(\s*'(\.[^']+)'\s*\)/g;

function sourceFiles(folder: string): string[] {
  return readdirSync(join(PROJECT_ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(PROJECT_ROOT, join(entry.parentPath, entry.name)));
}

/** Relative imports of one file, as project-relative paths. */
export function importsOf(file: string, text: string): string[] {
  const targets = new Set<string>();
  for (const pattern of [STATIC, BARE, LAZY]) {
    for (const match of text.matchAll(pattern)) {
      targets.add(relative(PROJECT_ROOT, resolve(PROJECT_ROOT, dirname(file), match[1] as string)));
    }
  }
  return [...targets];
}

/** One circle per strongly connected group of files (Tarjan), each as the loop to follow. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) as number, index.get(target) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1 || (graph.get(node) ?? []).includes(node)) groups.push(loopThrough(graph, new Set(group), node));
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return groups;
}

/** A shortest loop from `start` back to itself inside its group: what a reader would follow. */
function loopThrough(graph: ReadonlyMap<string, readonly string[]>, group: ReadonlySet<string>, start: string): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const target of graph.get(node) ?? []) {
      if (!group.has(target)) continue;
      if (target === start) {
        const loop = [start];
        for (let at = node; at !== start; at = previous.get(at) as string) loop.splice(1, 0, at);
        return [...loop, start];
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
}

describe('import cycles', () => {
  it('finds a circle when there is one (the check can fail)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
    ]);
    expect(findCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    const line = new Map<string, string[]>([['a.ts', ['b.ts']]]);
    expect(findCycles(line)).toEqual([]);
  });

  it('reads static, type-only, re-exported, multi-line and lazy imports', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../b.ts';",
      "export { c } from './c.ts';",
      'import {',
      '  d,',
      "} from './d.ts';",
      "const e = await import('./e.ts');",
      "import 'node:fs';",
    ].join('\n');
    expect(importsOf('cli/x/y.ts', text).sort()).toEqual(['cli/b.ts', 'cli/x/a.ts', 'cli/x/c.ts', 'cli/x/d.ts', 'cli/x/e.ts']);
  });

  it(`no module of ${ROOTS.join(', ')} is part of a circle`, () => {
    const graph = new Map<string, string[]>();
    for (const file of ROOTS.flatMap(sourceFiles)) graph.set(file, importsOf(file, readFileSync(join(PROJECT_ROOT, file), 'utf8')));
    expect(graph.size).toBeGreaterThan(100);
    const loops = findCycles(graph).map((loop) => loop.join(' -> '));
    expect(loops, `import circles:\n${loops.join('\n')}`).toEqual([]);
  });
});
