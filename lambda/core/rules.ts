/**
 * A release's `_redirects` and `_headers` rules, compiled once per release (when its manifest is
 * accepted) into segment matchers: no regular expression is built from user text, so a request's
 * cost is bounded by its segment count and the rules that share its first segment. Rules are
 * indexed by their first literal segment; a request is tried against the rules of its own first
 * segment and the rules that start with a placeholder or splat, merged back into file order, so
 * the first rule in the file that matches wins, as on Netlify.
 */
import { type PatternSegment, parsePathPattern, SPLAT, type TargetPart, targetParts } from '../../contracts/rule-patterns.ts';
import type { ReleaseRules, RuleStatus } from '../../contracts/rules.ts';

interface Compiled {
  readonly segments: readonly PatternSegment[];
  readonly splat: boolean;
}

interface CompiledRedirect extends Compiled {
  readonly status: RuleStatus;
  readonly force: boolean;
  readonly target: readonly TargetPart[];
  readonly absolute: boolean;
  readonly to: string;
}

interface CompiledHeaders extends Compiled {
  readonly headers: Readonly<Record<string, string>>;
}

/** What a matching redirect rule says: the target with the request's values filled in. */
export type RuleHit =
  /** 301, 302, 303, 307, 308: `location` is encoded and carries the request's query string. */
  | { readonly kind: 'redirect'; readonly status: RuleStatus; readonly location: string }
  /** 200: serve this (still encoded) path of the release instead. */
  | { readonly kind: 'rewrite'; readonly path: string }
  /** 404: the release's 404 page, or the shell (`/index.html`) with status 404. */
  | { readonly kind: 'not-found'; readonly page: 'not-found-page' | 'shell' };

/** Rules in file order, indexed by first literal segment (`''` holds the rules that start otherwise). */
class RuleIndex<T extends Compiled> {
  readonly all: readonly T[];
  private readonly byFirst = new Map<string, number[]>();
  private readonly open: number[] = [];

  constructor(rules: readonly T[]) {
    this.all = rules;
    rules.forEach((rule, index) => {
      const first = rule.segments[0];
      if (first?.kind === 'literal') {
        const list = this.byFirst.get(first.text);
        if (list) list.push(index);
        else this.byFirst.set(first.text, [index]);
      } else {
        this.open.push(index);
      }
    });
  }

  /** Calls `visit` with each rule that matches `parts`, in file order, until it returns true. */
  each(parts: readonly string[], visit: (rule: T) => boolean): void {
    const own = parts.length > 0 ? (this.byFirst.get(parts[0] as string) ?? NONE) : NONE;
    const open = this.open;
    let i = 0;
    let j = 0;
    while (i < own.length || j < open.length) {
      const index =
        j >= open.length || (i < own.length && (own[i] as number) < (open[j] as number)) ? (own[i++] as number) : (open[j++] as number);
      const rule = this.all[index] as T;
      if (matches(rule, parts) && visit(rule)) return;
    }
  }
}

const NONE: readonly number[] = [];

function compile(pattern: string): Compiled {
  const parsed = parsePathPattern(pattern);
  // The record was validated (contracts/rules.ts) before it got here.
  if (!parsed.ok) throw new Error(`invalid rule pattern ${pattern}: ${parsed.problem}`);
  return parsed.value;
}

/** The decoded path's segments, a trailing slash ignored: `/a/b/` ⇒ [a, b], `/` ⇒ []. */
export function pathParts(path: string): string[] {
  const trimmed = path.endsWith('/') ? path.slice(1, -1) : path.slice(1);
  return trimmed === '' ? [] : trimmed.split('/');
}

function matches(rule: Compiled, parts: readonly string[]): boolean {
  const count = rule.segments.length;
  if (rule.splat ? parts.length < count : parts.length !== count) return false;
  for (let index = 0; index < count; index++) {
    const segment = rule.segments[index] as PatternSegment;
    if (segment.kind === 'literal' && segment.text !== parts[index]) return false;
  }
  return true;
}

function captures(rule: Compiled, parts: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  rule.segments.forEach((segment, index) => {
    if (segment.kind === 'placeholder') values.set(segment.name, parts[index] as string);
  });
  if (rule.splat) values.set(SPLAT, parts.slice(rule.segments.length).join('/'));
  return values;
}

/** A captured (decoded) value, encoded for a URL path; a splat keeps its "/". */
function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%2F/g, '/');
}

function fill(target: readonly TargetPart[], values: Map<string, string>): string {
  let out = '';
  for (const part of target) out += part.kind === 'text' ? part.text : encodeValue(values.get(part.name) ?? '');
  return out;
}

export class CompiledRules {
  readonly count: number;
  private readonly redirects: RuleIndex<CompiledRedirect>;
  private readonly headers: RuleIndex<CompiledHeaders>;

  constructor(rules: ReleaseRules | undefined) {
    this.redirects = new RuleIndex(
      (rules?.redirects ?? []).map((rule) => ({
        ...compile(rule.from),
        status: rule.status,
        force: rule.force,
        target: targetParts(rule.to),
        absolute: /^https?:\/\//i.test(rule.to),
        to: rule.to,
      })),
    );
    this.headers = new RuleIndex((rules?.headers ?? []).map((rule) => ({ ...compile(rule.for), headers: rule.headers })));
    this.count = this.redirects.all.length + this.headers.all.length;
  }

  /**
   * The first redirect rule that matches `path` (decoded). A rule without `!` does not apply to a
   * path that is a file of the release (`exists`), as on Netlify.
   */
  redirect(path: string, exists: boolean, query: string): RuleHit | undefined {
    if (this.redirects.all.length === 0) return undefined;
    const parts = pathParts(path);
    let hit: RuleHit | undefined;
    this.redirects.each(parts, (rule) => {
      if (exists && !rule.force) return false;
      hit = this.resolve(rule, parts, query);
      return true;
    });
    return hit;
  }

  private resolve(rule: CompiledRedirect, parts: readonly string[], query: string): RuleHit {
    if (rule.status === 404) return { kind: 'not-found', page: rule.to === '/index.html' ? 'shell' : 'not-found-page' };
    let target = fill(rule.target, captures(rule, parts));
    // A relative target stays on this site: "//host" or "/\\host" would be read by browsers as another host.
    if (!rule.absolute && /^\/[/\\]/.test(target)) target = `/${target.replace(/^[/\\]+/, '')}`;
    if (rule.status === 200) return { kind: 'rewrite', path: target };
    const location = query === '' ? target : `${target}${target.includes('?') ? '&' : '?'}${query}`;
    return { kind: 'redirect', status: rule.status, location };
  }

  /** The extra headers for a response to `path`: every matching block, in order; repeated names joined with ", ". */
  headersFor(path: string): Record<string, string> | undefined {
    if (this.headers.all.length === 0) return undefined;
    let out: Record<string, string> | undefined;
    this.headers.each(pathParts(path), (rule) => {
      out ??= {};
      for (const name in rule.headers) {
        const value = rule.headers[name] as string;
        const earlier = out[name];
        out[name] = earlier === undefined ? value : `${earlier}, ${value}`;
      }
      return false;
    });
    return out;
  }
}
