/**
 * Netlify's `_redirects` format, the subset that fits a static SPA at the edge:
 *   /old-path      /new-path          301      (301 when omitted; 302, 303, 307, 308)
 *   /news/:year/*  /blog/:year/:splat         (placeholders and a trailing splat)
 *   /docs          https://docs.example.com   (another site)
 *   /app/*         /index.html        200      (a rewrite within the release)
 *   /en/*          /404.html          404      (the release's 404 page for a prefix)
 *   /pricing       /plans             302!     (`!`: even when /pricing is a file of the release)
 * Lines are read top to bottom; the first rule that matches wins. Everything else Netlify offers
 * (query-parameter matches, country, language, role or cookie conditions, proxying to another
 * host, host-specific rules) is refused with the line, because the edge caches by path only.
 */
import {
  DEFAULT_RULE_STATUS,
  MAX_RULES,
  MAX_RULES_FILE_BYTES,
  RULE_STATUSES,
  redirectRuleProblem,
  type RedirectRule,
  type RuleStatus,
} from '../../contracts/rules.ts';
import { isAbsoluteTarget } from '../../contracts/rule-patterns.ts';
import { numberedLines, type RuleProblem } from './problems.ts';

export interface ParsedRules<T> {
  readonly rules: readonly T[];
  readonly problems: readonly RuleProblem[];
}

const STATUS = /^(\d{3})(!?)$/;
const CONDITION = /^([A-Za-z]+)=/;

const CONDITION_WHY: Readonly<Record<string, string>> = {
  country: "the edge caches by path only, so a rule cannot depend on the viewer's country",
  language: 'the edge caches by path only, so a rule cannot depend on Accept-Language',
  role: 'role-based rules need Netlify Identity',
  cookie: 'the edge caches by path only, so a rule cannot depend on a cookie',
};

/** Parses `_redirects` text; `file` names it in problems (e.g. `dist/_redirects`). */
export function parseRedirects(text: string, file: string): ParsedRules<RedirectRule> {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_RULES_FILE_BYTES) {
    return { rules: [], problems: [{ file, line: 0, problem: `is ${bytes} bytes; the limit is ${MAX_RULES_FILE_BYTES} (64 KiB)` }] };
  }
  const rules: RedirectRule[] = [];
  const problems: RuleProblem[] = [];
  for (const { number, text: line } of numberedLines(text)) {
    const parsed = parseLine(line, number);
    if (parsed === undefined) continue;
    if (typeof parsed === 'string') problems.push({ file, line: number, problem: parsed });
    else rules.push(parsed);
  }
  if (rules.length > MAX_RULES) {
    problems.unshift({ file, line: 0, problem: `has ${rules.length} rules; the limit is ${MAX_RULES}` });
  }
  return { rules, problems };
}

/** One line: a rule, a problem, or undefined for a blank line or a comment. */
function parseLine(line: string, number: number): RedirectRule | string | undefined {
  const hash = line.search(/(^|\s)#/);
  const content = (hash === -1 ? line : line.slice(0, hash)).trim();
  if (content === '') return undefined;
  const tokens = content.split(/\s+/);
  const [from, to, statusToken, ...rest] = tokens as [string, string | undefined, string | undefined, ...string[]];
  if (to === undefined) return `"${from}" has no target: write "<from> <to> [status]", e.g. "/old /new 301"`;
  if (CONDITION.test(to) && !to.startsWith('/') && !isAbsoluteTarget(to)) {
    return `"${to}" is a query-parameter match, which is not supported: the edge caches by path only, so rules match the path`;
  }
  let status: RuleStatus = DEFAULT_RULE_STATUS;
  let force = false;
  if (statusToken !== undefined) {
    const match = STATUS.exec(statusToken);
    if (!match) {
      const condition = CONDITION.exec(statusToken);
      return condition
        ? conditionProblem(condition[1] as string)
        : `"${statusToken}" is not a status: use ${RULE_STATUSES.join(', ')}, optionally with "!"`;
    }
    const code = Number(match[1]);
    if (!(RULE_STATUSES as readonly number[]).includes(code)) return statusProblem(code);
    status = code as RuleStatus;
    force = match[2] === '!';
  }
  if (rest.length > 0) {
    const condition = CONDITION.exec(rest[0] as string);
    return condition ? conditionProblem(condition[1] as string) : `unexpected "${rest.join(' ')}" after the status`;
  }
  if (status === 200 && isAbsoluteTarget(to)) {
    return `a 200 rule to ${to} would proxy another site, which is not supported: redirect to it (301/302) or give it a path of its own in the stack (apiDomain, apiPathPattern)`;
  }
  const rule: RedirectRule = { line: number, from, to, status, force };
  return redirectRuleProblem(rule) ?? rule;
}

function conditionProblem(name: string): string {
  const why = CONDITION_WHY[name.toLowerCase()] ?? 'the edge caches by path only';
  return `${name}= conditions are not supported: ${why}`;
}

function statusProblem(code: number): string {
  if (code === 410 || code === 451 || code === 403) {
    return `status ${code} is not supported; use 404 to serve the release's 404 page, or ${RULE_STATUSES.join(', ')}`;
  }
  return `status ${code} is not supported; use ${RULE_STATUSES.join(', ')}`;
}
