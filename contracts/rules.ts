/**
 * A release's rules: redirects, rewrites and 404 rules from the build's `_redirects`, extra
 * response headers from its `_headers` (Netlify's formats, the subset that fits a static SPA at
 * the edge; docs/release-format.md). `shellfront deploy` parses the files (cli/rules/), the
 * release record stores the result, and the edge compiles it once per release
 * (lambda/core/rules.ts). Both sides validate with `validateRules`.
 */
import { securityHeaders } from './edge-config.ts';
import { DISALLOWED_HEADER_PREFIXES, headerAllowed, ORIGIN_MAY_SET_SECURITY_HEADERS } from './edge-headers.ts';
import { isPlainRule, parsePathPattern, targetProblem } from './rule-patterns.ts';
import { fileExtensionProblem, MAX_FILE_EXTENSIONS } from './static-files.ts';

export const REDIRECTS_FILE = '_redirects';
export const HEADERS_FILE = '_headers';
/** The build's rules files: read by the deploy, never uploaded as files of the site. */
export const RULES_FILES: readonly string[] = [REDIRECTS_FILE, HEADERS_FILE];
/** Each rules file: at most this many bytes and rules (the rules travel in every manifest GET). */
export const MAX_RULES_FILE_BYTES = 64 * 1024;
export const MAX_RULES = 1000;
export const MAX_HEADERS_PER_RULE = 50;
export const MAX_HEADER_VALUE_LENGTH = 4096;

export const REDIRECT_STATUSES = [301, 302, 303, 307, 308] as const;
export const RULE_STATUSES = [200, ...REDIRECT_STATUSES, 404] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];
/** Netlify's default when a line gives no status. */
export const DEFAULT_RULE_STATUS = 301;

/** The targets a 404 rule may name: the build's 404.html (the release's 404 page) or the shell. */
export const NOT_FOUND_TARGETS: readonly string[] = ['/404.html', '/index.html'];

export interface RedirectRule {
  /** Line in `_redirects` (for messages). */
  readonly line: number;
  readonly from: string;
  readonly to: string;
  readonly status: RuleStatus;
  /** `!`: applies even when the path is a file of the release (Netlify's "shadowing"). */
  readonly force: boolean;
}

export interface HeaderRule {
  /** Line in `_headers` where the path is (for messages). */
  readonly line: number;
  readonly for: string;
  /** Lowercase name ⇒ value (a name given twice in one block is joined with ", "). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface ReleaseRules {
  readonly redirects: readonly RedirectRule[];
  readonly headers: readonly HeaderRule[];
}

/**
 * Response headers a `_headers` rule may not set, and why: the ones Lambda@Edge rejects
 * (contracts/edge-headers.ts), the ones the edge owns for caching and correctness, and the
 * security headers the stack's response headers policy sets with override (any value from the
 * function would be replaced). Content-Security-Policy is not among them: the policy leaves an
 * origin's CSP alone, so `_headers` can give a path a stricter one.
 */
const EDGE_OWNED: Readonly<Record<string, string>> = {
  'cache-control':
    "the edge sets Cache-Control (s-maxage = the stack's shellCdnSeconds) so that a deploy and a rollback show within the TTL; change that setting instead",
  expires: 'the edge sets Cache-Control, and Expires would contradict it',
  pragma: 'the edge sets Cache-Control',
  age: 'CloudFront sets Age',
  vary: 'CloudFront caches by path only, so Vary would serve one variant to everyone',
  etag: "the edge sets the shell's ETag (release id + digest)",
  'last-modified': "conditional requests use the edge's ETag",
  'content-type': 'the edge sets Content-Type for the pages it generates',
  'content-encoding': 'CloudFront compresses responses itself',
  'content-range': 'the edge answers whole responses',
  'content-location': 'the edge answers whole responses',
  location: 'redirects belong in _redirects',
  'set-cookie': 'a cookie on a response CloudFront caches would be handed to every viewer',
  'set-cookie2': 'a cookie on a response CloudFront caches would be handed to every viewer',
  date: 'CloudFront sets Date',
  server: 'CloudFront sets Server',
  te: 'a hop-by-hop header applies to one connection, not to a cached response',
};

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** Why a `_headers` rule may not set `name` (any case), or undefined. */
export function ruleHeaderNameProblem(name: string): string | undefined {
  if (!TOKEN.test(name)) return `${JSON.stringify(name)} is not a valid header name (letters, digits and ! # $ % & ' * + . ^ _ \` | ~ -)`;
  const lower = name.toLowerCase();
  const owned = EDGE_OWNED[lower];
  if (owned) return `${name} may not be set here: ${owned}`;
  if (lower in securityHeaders() && !ORIGIN_MAY_SET_SECURITY_HEADERS.includes(lower)) {
    const hint =
      lower === 'x-frame-options' ? '; to allow framing, set Content-Security-Policy with frame-ancestors, which browsers prefer' : '';
    return `${name} may not be set here: the stack's response headers policy sets it on every response, overriding any other value${hint}`;
  }
  if (lower.startsWith('x-shellfront-')) return `${name} may not be set here: x-shellfront-* headers are the edge's own`;
  if (lower.startsWith('x-amz-')) return `${name} may not be set here: x-amz-* headers belong to AWS`;
  if (!headerAllowed(lower)) {
    const prefix = DISALLOWED_HEADER_PREFIXES.find((p) => lower.startsWith(p));
    return `${name} may not be set here: Lambda@Edge rejects it in a generated response${prefix ? ` (every ${prefix}* header)` : ''} (hop-by-hop, read-only or reserved; https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-function-restrictions-all.html#function-restrictions-headers)`;
  }
  return undefined;
}

/** Why `value` cannot be a header value, or undefined. */
export function ruleHeaderValueProblem(value: string): string | undefined {
  if (value.trim() === '') return 'the value is empty';
  if (CONTROL.test(value)) return 'the value contains a control character';
  if (value.length > MAX_HEADER_VALUE_LENGTH) return `the value is ${value.length} characters; the limit is ${MAX_HEADER_VALUE_LENGTH}`;
  return undefined;
}

/** Why a redirect rule (as the record stores it) is not valid, or undefined. Line-independent. */
export function redirectRuleProblem(rule: Pick<RedirectRule, 'from' | 'to' | 'status'>): string | undefined {
  if (!(RULE_STATUSES as readonly number[]).includes(rule.status)) {
    return `status ${rule.status} is not supported; use ${RULE_STATUSES.join(', ')}`;
  }
  if (rule.status !== 404 && isPlainRule(rule.from, rule.to)) return undefined;
  const pattern = parsePathPattern(rule.from);
  if (!pattern.ok) return `the path ${pattern.problem}`;
  const isRedirect = rule.status !== 200 && rule.status !== 404;
  const target = targetProblem(rule.to, pattern.value, { absoluteAllowed: isRedirect });
  if (target) return `the target ${target}`;
  if (rule.status === 404 && !NOT_FOUND_TARGETS.includes(rule.to)) {
    return `a 404 rule serves the release's 404 page ("/404.html") or the app's shell ("/index.html"), got ${JSON.stringify(rule.to)}`;
  }
  if (rule.status === 200 && rule.to.includes('?')) {
    return `a rewrite (200) serves another path of the release, without a query string, got ${JSON.stringify(rule.to)}`;
  }
  return undefined;
}

/** Why a header rule is not valid, or undefined. */
export function headerRuleProblem(rule: Pick<HeaderRule, 'for' | 'headers'>): string | undefined {
  const pattern = parsePathPattern(rule.for);
  if (!pattern.ok) return `the path ${pattern.problem}`;
  const names = Object.keys(rule.headers);
  if (names.length === 0) return `${rule.for} sets no header (indent "Name: value" lines under the path)`;
  if (names.length > MAX_HEADERS_PER_RULE) return `${rule.for} sets ${names.length} headers; the limit is ${MAX_HEADERS_PER_RULE}`;
  for (const name of names) {
    const problem = ruleHeaderNameProblem(name) ?? ruleHeaderValueProblem(rule.headers[name] as string);
    if (problem) return `${name}: ${problem}`;
    if (name !== name.toLowerCase()) return `${name}: header names are stored lowercase`;
  }
  return undefined;
}

type Fail = (field: string, problem: string) => never;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value) : typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function line(value: unknown, field: string, fail: Fail): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) fail(field, `expected a line number >= 1, got ${describe(value)}`);
  return value as number;
}

function list(value: unknown, field: string, fail: Fail): unknown[] {
  if (!Array.isArray(value)) fail(field, `expected an array, got ${describe(value)}`);
  if (value.length > MAX_RULES) fail(field, `has ${value.length} rules; the limit is ${MAX_RULES}`);
  return value;
}

/** Validates the record's `rules` (both sides: the CLI before it writes, the edge before it serves). */
export function validateRules(value: unknown, field: string, fail: Fail): ReleaseRules {
  if (!isObject(value)) fail(field, `expected an object with redirects and headers, got ${describe(value)}`);
  // A plain loop that builds field names only for a failure: a manifest's thousand rules are
  // validated on every cold start of the edge.
  const rawRedirects = list(value.redirects ?? [], `${field}.redirects`, fail);
  const redirects: RedirectRule[] = new Array(rawRedirects.length);
  for (let index = 0; index < rawRedirects.length; index++) {
    const raw = rawRedirects[index] as Record<string, unknown>;
    if (!isObject(raw)) fail(`${field}.redirects[${index}]`, `expected an object, got ${describe(raw)}`);
    const from = raw.from;
    const to = raw.to;
    const force = raw.force;
    const at = raw.line;
    if (typeof from !== 'string' || typeof to !== 'string') fail(`${field}.redirects[${index}]`, 'expected string "from" and "to"');
    if (typeof force !== 'boolean') fail(`${field}.redirects[${index}].force`, `expected true or false, got ${describe(force)}`);
    if (typeof at !== 'number' || !Number.isSafeInteger(at) || at < 1) line(at, `${field}.redirects[${index}].line`, fail);
    const rule: RedirectRule = { line: at as number, from, to, status: raw.status as RuleStatus, force };
    const problem = redirectRuleProblem(rule);
    if (problem) fail(`${field}.redirects[${index}]`, problem);
    redirects[index] = rule;
  }
  const headers = list(value.headers ?? [], `${field}.headers`, fail).map((raw, index): HeaderRule => {
    const at = `${field}.headers[${index}]`;
    if (!isObject(raw)) fail(at, `expected an object, got ${describe(raw)}`);
    if (typeof raw.for !== 'string') fail(`${at}.for`, `expected a path pattern, got ${describe(raw.for)}`);
    if (!isObject(raw.headers) || Object.values(raw.headers).some((v) => typeof v !== 'string')) {
      fail(`${at}.headers`, 'expected an object of header name ⇒ string value');
    }
    const rule = { line: line(raw.line, `${at}.line`, fail), for: raw.for, headers: raw.headers as Record<string, string> };
    const problem = headerRuleProblem(rule);
    if (problem) fail(at, problem);
    return rule;
  });
  return { redirects, headers };
}

/** The record's optional routing fields, validated (both absent in records older than them). */
export function validateRoutingFields(
  record: Record<string, unknown>,
  field: string,
  fail: Fail,
): { rules?: ReleaseRules; fileExtensions?: string[] } {
  const routing: { rules?: ReleaseRules; fileExtensions?: string[] } = {};
  if (record.rules !== undefined) routing.rules = validateRules(record.rules, `${field}.rules`, fail);
  if (record.fileExtensions !== undefined) {
    const raw = record.fileExtensions;
    if (!Array.isArray(raw)) fail(`${field}.fileExtensions`, `expected an array of extensions, got ${describe(raw)}`);
    if (raw.length > MAX_FILE_EXTENSIONS) fail(`${field}.fileExtensions`, `has ${raw.length}; the limit is ${MAX_FILE_EXTENSIONS}`);
    routing.fileExtensions = raw.map((extension: unknown, index: number) => {
      const problem = fileExtensionProblem(extension);
      if (problem) fail(`${field}.fileExtensions[${index}]`, problem);
      return extension as string;
    });
  }
  return routing;
}
