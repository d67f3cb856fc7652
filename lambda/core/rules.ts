/**
 * A release's `_redirects` and `_headers` rules, compiled once per release (when its manifest is
 * accepted) into lookups: no regular expression is built from user text. Rules whose pattern is
 * plain literal text (most of a migration's `_redirects`) go into a map by path; the others
 * (placeholders, splats) are indexed by their first literal segment. A request is looked up in the
 * map, then tried against the pattern rules of its own first segment and those that start with a
 * placeholder or splat, in file order and only up to the exact match's line, so the first rule in
 * the file that matches wins, as on Netlify. Targets are cut into parts the first time a rule hits.
 */
import { type PatternSegment, parsePathPattern, SPLAT, type TargetPart, targetParts } from '../../contracts/rule-patterns.ts';
import type { RedirectRule, ReleaseRules, RuleStatus } from '../../contracts/rules.ts';

/** What a matching redirect rule says: the target with the request's values filled in. */
export type RuleHit =
  /** 301, 302, 303, 307, 308: `location` is encoded and carries the request's query string. */
  | { readonly kind: 'redirect'; readonly status: RuleStatus; readonly location: string }
  /** 200: serve this (still encoded) path of the release instead. */
  | { readonly kind: 'rewrite'; readonly path: string }
  /** 404: the release's 404 page, or the shell (`/index.html`) with status 404. */
  | { readonly kind: 'not-found'; readonly page: 'not-found-page' | 'shell' };

interface PatternRule {
  /** Position in its file's rule list: lower wins. */
  readonly index: number;
  readonly segments: readonly PatternSegment[];
  readonly splat: boolean;
}

const NONE: readonly never[] = [];

/** `/a/b/` ⇒ `a/b`; `/` ⇒ ``. The decoded path, as a lookup key. */
function keyOf(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(1, -1) : path.slice(1);
}

/** The decoded path's segments, a trailing slash ignored: `/a/b/` ⇒ [a, b], `/` ⇒ []. */
export function pathParts(path: string): string[] {
  const key = keyOf(path);
  return key === '' ? [] : key.split('/');
}

/** Rules that are not plain paths, by first literal segment (`open`: the ones that start otherwise). */
class PatternIndex<T extends PatternRule> {
  readonly size: number;
  private readonly byFirst = new Map<string, T[]>();
  private readonly open: T[] = [];

  constructor(rules: readonly T[]) {
    this.size = rules.length;
    for (const rule of rules) {
      const first = rule.segments[0];
      if (first?.kind !== 'literal') this.open.push(rule);
      else {
        const list = this.byFirst.get(first.text);
        if (list) list.push(rule);
        else this.byFirst.set(first.text, [rule]);
      }
    }
  }

  /** The candidates for a key: its first segment's rules and the open ones, each in file order. */
  candidates(key: string): [readonly T[], readonly T[]] {
    if (this.size === 0) return [NONE, NONE];
    const slash = key.indexOf('/');
    const first = slash === -1 ? key : key.slice(0, slash);
    return [(key === '' ? undefined : this.byFirst.get(first)) ?? NONE, this.open];
  }
}

function matches(rule: PatternRule, parts: readonly string[]): boolean {
  const count = rule.segments.length;
  if (rule.splat ? parts.length < count : parts.length !== count) return false;
  for (let index = 0; index < count; index++) {
    const segment = rule.segments[index] as PatternSegment;
    if (segment.kind === 'literal' && segment.text !== parts[index]) return false;
  }
  return true;
}

function compilePattern(pattern: string, index: number): PatternRule {
  const parsed = parsePathPattern(pattern);
  // The record was validated (contracts/rules.ts) before it got here.
  if (!parsed.ok) throw new Error(`invalid rule pattern ${pattern}: ${parsed.problem}`);
  return { index, segments: parsed.value.segments, splat: parsed.value.splat };
}

/**
 * A plain-text pattern's key (`/docs/` ⇒ `docs`), or undefined when it has placeholders, a splat or
 * escapes. String searches, not a regular expression: this runs for every rule on a cold start
 * (the record was validated, so these three characters are all that can make a pattern special).
 */
function plainKey(pattern: string): string | undefined {
  return pattern.indexOf(':') === -1 && pattern.indexOf('*') === -1 && pattern.indexOf('%') === -1 ? keyOf(pattern) : undefined;
}

/** A captured (decoded) value, encoded for a URL path; a splat keeps its "/". */
function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%2F/g, '/');
}

interface HeaderBlock extends PatternRule {
  readonly headers: Readonly<Record<string, string>>;
}

export class CompiledRules {
  readonly count: number;
  private readonly redirects: readonly RedirectRule[];
  /** Plain key ⇒ indexes of the rules with exactly that path, in file order. */
  private readonly exact = new Map<string, number[]>();
  private readonly patterns: PatternIndex<PatternRule>;
  private readonly targets: (readonly TargetPart[] | undefined)[] = [];
  private readonly headerBlocks: PatternIndex<HeaderBlock>;
  private readonly plainHeaders = new Map<string, HeaderBlock[]>();

  constructor(rules: ReleaseRules | undefined) {
    this.redirects = rules?.redirects ?? [];
    const patterns: PatternRule[] = [];
    this.redirects.forEach((rule, index) => {
      const key = plainKey(rule.from);
      if (key === undefined) patterns.push(compilePattern(rule.from, index));
      else {
        const list = this.exact.get(key);
        if (list) list.push(index);
        else this.exact.set(key, [index]);
      }
    });
    this.patterns = new PatternIndex(patterns);
    const blocks = (rules?.headers ?? []).map((rule, index) => ({ ...compilePattern(rule.for, index), headers: rule.headers }));
    this.headerBlocks = new PatternIndex(blocks);
    this.count = this.redirects.length + blocks.length;
  }

  /**
   * The first redirect rule that matches `path` (decoded). A rule without `!` does not apply to a
   * path that is a file of the release (`exists`), as on Netlify.
   */
  redirect(path: string, exists: boolean, query: string): RuleHit | undefined {
    if (this.redirects.length === 0) return undefined;
    const key = keyOf(path);
    let best = Number.POSITIVE_INFINITY;
    for (const index of this.exact.get(key) ?? NONE) {
      if (!exists || (this.redirects[index] as RedirectRule).force) {
        best = index;
        break;
      }
    }
    const [own, open] = this.patterns.candidates(key);
    let parts: string[] | undefined;
    let i = 0;
    let j = 0;
    let found: PatternRule | undefined;
    while (i < own.length || j < open.length) {
      const rule = (
        j >= open.length || (i < own.length && (own[i] as PatternRule).index < (open[j] as PatternRule).index) ? own[i++] : open[j++]
      ) as PatternRule;
      if (rule.index >= best) break;
      if (exists && !(this.redirects[rule.index] as RedirectRule).force) continue;
      parts ??= key === '' ? [] : key.split('/');
      if (matches(rule, parts)) {
        found = rule;
        break;
      }
    }
    if (found) return this.resolve(found.index, found, parts as string[], query);
    return best === Number.POSITIVE_INFINITY ? undefined : this.resolve(best, undefined, NONE, query);
  }

  private resolve(index: number, pattern: PatternRule | undefined, parts: readonly string[], query: string): RuleHit {
    const rule = this.redirects[index] as RedirectRule;
    if (rule.status === 404) return { kind: 'not-found', page: rule.to === '/index.html' ? 'shell' : 'not-found-page' };
    let target = pattern ? this.fill(index, pattern, parts) : rule.to;
    // A relative target stays on this site: "//host" or "/\\host" would be read by browsers as another host.
    if (target.startsWith('/') && /^\/[/\\]/.test(target)) target = `/${target.replace(/^[/\\]+/, '')}`;
    if (rule.status === 200) return { kind: 'rewrite', path: target };
    const location = query === '' ? target : `${target}${target.includes('?') ? '&' : '?'}${query}`;
    return { kind: 'redirect', status: rule.status, location };
  }

  private fill(index: number, pattern: PatternRule, parts: readonly string[]): string {
    let target = this.targets[index];
    if (target === undefined) {
      target = targetParts((this.redirects[index] as RedirectRule).to);
      this.targets[index] = target;
    }
    let out = '';
    for (const part of target) {
      if (part.kind === 'text') out += part.text;
      else if (part.name === SPLAT) out += encodeValue(parts.slice(pattern.segments.length).join('/'));
      else {
        const at = pattern.segments.findIndex((segment) => segment.kind === 'placeholder' && segment.name === part.name);
        out += encodeValue(parts[at] ?? '');
      }
    }
    return out;
  }

  /** The extra headers for a response to `path`: every matching block, in order; repeated names joined with ", ". */
  headersFor(path: string): Readonly<Record<string, string>> | undefined {
    if (this.headerBlocks.size === 0) return undefined;
    const key = keyOf(path);
    const [own, open] = this.headerBlocks.candidates(key);
    if (own.length === 0 && open.length === 0) return undefined;
    const parts = key === '' ? [] : key.split('/');
    let single: Readonly<Record<string, string>> | undefined;
    let out: Record<string, string> | undefined;
    let i = 0;
    let j = 0;
    while (i < own.length || j < open.length) {
      const block = (
        j >= open.length || (i < own.length && (own[i] as HeaderBlock).index < (open[j] as HeaderBlock).index) ? own[i++] : open[j++]
      ) as HeaderBlock;
      if (!matches(block, parts)) continue;
      // One matching block (the usual case) is returned as it is: nothing to merge, nothing allocated.
      if (single === undefined && out === undefined) {
        single = block.headers;
        continue;
      }
      out ??= { ...single };
      single = undefined;
      for (const name in block.headers) {
        const value = block.headers[name] as string;
        const earlier = out[name];
        out[name] = earlier === undefined ? value : `${earlier}, ${value}`;
      }
    }
    return out ?? single;
  }
}
