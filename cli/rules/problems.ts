/**
 * What is wrong with a build's rules files: every problem with its file and line, reported together
 * so one deploy attempt shows them all.
 */
import { InputError, listSome } from '../shared/errors.ts';

export interface RuleProblem {
  /** The file as the user knows it, e.g. `dist/_redirects`. */
  readonly file: string;
  /** 1-based; 0 when the problem is the whole file (its size, its rule count). */
  readonly line: number;
  readonly problem: string;
}

export class RulesFileError extends InputError {
  override name = 'RulesFileError';
  readonly problems: readonly RuleProblem[];
  constructor(problems: readonly RuleProblem[]) {
    const lines = problems.map((p) => `${p.file}${p.line > 0 ? `:${p.line}` : ''}: ${p.problem}`);
    const files = [...new Set(problems.map((p) => p.file))].join(' and ');
    super(
      `${files} ${problems.length === 1 ? 'has a problem' : `has ${problems.length} problems`}; nothing was uploaded. ` +
        `Fix ${problems.length === 1 ? 'it' : 'them'} and deploy again (docs/release-format.md lists what is supported):\n${listSome(lines, 20)}`,
    );
    this.problems = problems;
  }
}

/** Splits a file into lines, numbered from 1, without their line endings. */
export function numberedLines(text: string): { readonly number: number; readonly text: string }[] {
  return text.split(/\r?\n/).map((line, index) => ({ number: index + 1, text: line }));
}
