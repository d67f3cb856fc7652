/**
 * Netlify's `_headers` format: a path pattern on its own line, then the headers for it, indented:
 *   /embed/*
 *     Content-Security-Policy: frame-ancestors https://partner.example
 *   /*
 *     Link: </assets/app.css>; rel=preload; as=style
 * They are added to the responses the edge function produces (the shell, 404 pages, redirects).
 * Every block whose pattern matches applies, in file order; a header set by several blocks (or twice
 * in one) is sent once, its values joined with ", ". Headers the edge or CloudFront must own
 * (caching, cookies, hop-by-hop, Lambda@Edge's forbidden list, the stack's security headers) are
 * refused with the line (contracts/rules.ts).
 */
import {
  headerRuleProblem,
  MAX_HEADERS_PER_RULE,
  MAX_RULES,
  MAX_RULES_FILE_BYTES,
  ruleHeaderNameProblem,
  ruleHeaderValueProblem,
  type HeaderRule,
} from '../../contracts/rules.ts';
import { parsePathPattern } from '../../contracts/rule-patterns.ts';
import { numberedLines, type RuleProblem } from './problems.ts';
import type { ParsedRules } from './redirects.ts';

interface Block {
  readonly line: number;
  readonly for: string;
  readonly headers: Record<string, string>;
  /** The block's path was refused: its header lines are skipped, not reported again. */
  readonly broken: boolean;
}

/** Parses `_headers` text; `file` names it in problems (e.g. `dist/_headers`). */
export function parseHeaders(text: string, file: string): ParsedRules<HeaderRule> {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_RULES_FILE_BYTES) {
    return { rules: [], problems: [{ file, line: 0, problem: `is ${bytes} bytes; the limit is ${MAX_RULES_FILE_BYTES} (64 KiB)` }] };
  }
  const problems: RuleProblem[] = [];
  const blocks: Block[] = [];
  const problem = (line: number, text: string) => problems.push({ file, line, problem: text });
  for (const { number, text: raw } of numberedLines(text)) {
    const content = raw.trim();
    if (content === '' || content.startsWith('#')) continue;
    const indented = /^\s/.test(raw);
    const current = blocks[blocks.length - 1];
    if (!indented) {
      if (current && !current.broken && Object.keys(current.headers).length === 0) {
        problem(current.line, `${current.for} sets no header: put "Name: value" lines under it, indented`);
      }
      const pattern = parsePathPattern(content);
      if (!pattern.ok) {
        const hint = content.includes(':') && !content.startsWith('/') ? ' (a header line must be indented under its path)' : '';
        problem(number, `the path ${pattern.problem}${hint}`);
      }
      blocks.push({ line: number, for: content, headers: {}, broken: !pattern.ok });
      continue;
    }
    if (!current) {
      problem(number, `"${content}" is indented but comes before any path: start with a path line such as "/*"`);
      continue;
    }
    if (current.broken) continue;
    const colon = content.indexOf(':');
    if (colon <= 0) {
      problem(number, `"${content}" is not "Name: value"`);
      continue;
    }
    const name = content.slice(0, colon).trim();
    const value = content.slice(colon + 1).trim();
    const refused = ruleHeaderNameProblem(name) ?? ruleHeaderValueProblem(value);
    if (refused) {
      problem(number, refused);
      continue;
    }
    const lower = name.toLowerCase();
    const earlier = current.headers[lower];
    current.headers[lower] = earlier === undefined ? value : `${earlier}, ${value}`;
    if (Object.keys(current.headers).length === MAX_HEADERS_PER_RULE + 1) {
      problem(number, `${current.for} sets more than ${MAX_HEADERS_PER_RULE} headers`);
    }
  }
  const last = blocks[blocks.length - 1];
  if (last && !last.broken && Object.keys(last.headers).length === 0) {
    problem(last.line, `${last.for} sets no header: put "Name: value" lines under it, indented`);
  }
  const rules: HeaderRule[] = [];
  for (const block of blocks) {
    const count = Object.keys(block.headers).length;
    if (block.broken || count === 0 || count > MAX_HEADERS_PER_RULE) continue;
    const rule: HeaderRule = { line: block.line, for: block.for, headers: block.headers };
    const invalid = headerRuleProblem(rule);
    if (invalid) problem(block.line, invalid);
    else rules.push(rule);
  }
  if (blocks.length > MAX_RULES)
    problems.unshift({ file, line: 0, problem: `has ${blocks.length} path blocks; the limit is ${MAX_RULES}` });
  problems.sort((a, b) => a.line - b.line);
  return { rules, problems };
}
