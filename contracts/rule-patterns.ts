/**
 * The path patterns of `_redirects` and `_headers` rules, and the targets of redirects: parsed
 * here once, so the deploy CLI (which refuses a bad one with its line) and the edge (which compiles
 * a release's rules once) read them the same way. No regular expressions from users: a pattern is
 * literal segments, `:placeholder` segments and an optional trailing `*` splat.
 */

/** One segment of a pattern: literal text (percent-decoded) or a named placeholder. */
export type PatternSegment = { readonly kind: 'literal'; readonly text: string } | { readonly kind: 'placeholder'; readonly name: string };

export interface PathPattern {
  readonly segments: readonly PatternSegment[];
  /** A trailing `/*`: matches the folder itself and everything below; the rest is `:splat`. */
  readonly splat: boolean;
}

/** A redirect target cut into literal text (kept as written) and placeholder references. */
export type TargetPart = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'placeholder'; readonly name: string };

export const SPLAT = 'splat';
export const MAX_PATTERN_LENGTH = 1024;
const PLACEHOLDER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f]/;

/** Segments of unreserved characters and sub-delimiters only (no %, :, *), no empty segment. */
const PLAIN_PATTERN = /^(\/[A-Za-z0-9._~!$&'()+,;=@-]+)*\/?$/;
const DOT_SEGMENT = /\/\.{1,2}(\/|$)/;

/**
 * A plain rule as `<from> <to>`: literal segments (no ".", ".."), then a target path of the same
 * characters without placeholders, query or fragment (not "//…"). One test per rule.
 */
const PLAIN_RULE = /^(?:\/(?!\.\.?(?:[/ ]))[A-Za-z0-9._~!$&'()+,;=@-]+)*\/? \/(?![/\\])[A-Za-z0-9._~!$&'()+,;=@/-]*$/;

/**
 * Whether a rule is plain literal paths on both sides (`/old-page /new-page`): valid by
 * construction, so a thousand of them validate without the general walk (the edge does this on
 * every cold start).
 */
export function isPlainRule(from: string, to: string): boolean {
  return from.length <= MAX_PATTERN_LENGTH && to.length <= MAX_PATTERN_LENGTH && PLAIN_RULE.test(`${from} ${to}`);
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

const refuse = (problem: string): { ok: false; problem: string } => ({ ok: false, problem });

/**
 * Parses a rule's path pattern (`/blog/:year/*`). Trailing slashes do not matter (`/docs/` and
 * `/docs` are one pattern), as on Netlify. Matching is case-sensitive, like CloudFront's.
 */
export function parsePathPattern(text: string): Parsed<PathPattern> {
  // The common case, plain segments (a migration's thousand moved pages), without the general walk.
  if (PLAIN_PATTERN.test(text) && !DOT_SEGMENT.test(text) && text.length <= MAX_PATTERN_LENGTH) {
    const key = text.length > 1 && text.endsWith('/') ? text.slice(1, -1) : text.slice(1);
    const segments = key === '' ? [] : key.split('/').map((part): PatternSegment => ({ kind: 'literal', text: part }));
    return { ok: true, value: { segments, splat: false } };
  }
  if (text.length > MAX_PATTERN_LENGTH) return refuse(`is ${text.length} characters; the limit is ${MAX_PATTERN_LENGTH}`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return refuse(
      `${JSON.stringify(text)} names a host: rules match paths only (every host of the distribution serves the same release), e.g. "/old/*"`,
    );
  }
  if (!text.startsWith('/')) return refuse(`${JSON.stringify(text)} must start with "/", e.g. "/old-page"`);
  if (CONTROL_OR_SPACE.test(text)) return refuse(`${JSON.stringify(text)} must not contain spaces or control characters`);
  if (text.includes('?') || text.includes('#')) {
    return refuse(`${JSON.stringify(text)} has a query or fragment: patterns match the path only (query conditions are not supported)`);
  }
  const raw = text.split('/').slice(1);
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  const segments: PatternSegment[] = [];
  const names = new Set<string>();
  let splat = false;
  for (let index = 0; index < raw.length; index++) {
    const segment = raw[index] as string;
    if (segment === '*') {
      if (index !== raw.length - 1) return refuse(`${JSON.stringify(text)}: "*" may only be the last segment, e.g. "/news/*"`);
      splat = true;
      continue;
    }
    if (segment.includes('*')) {
      return refuse(`${JSON.stringify(text)}: "*" must be a whole segment at the end ("/news/*"), not part of "${segment}"`);
    }
    if (segment === '') return refuse(`${JSON.stringify(text)} has an empty segment ("//")`);
    if (segment.startsWith(':')) {
      const name = segment.slice(1);
      if (!PLACEHOLDER_NAME.test(name)) {
        return refuse(
          `${JSON.stringify(text)}: placeholder "${segment}" must be ":" and a name of letters, digits and _ (e.g. ":id"), as a whole segment`,
        );
      }
      if (name === SPLAT) return refuse(`${JSON.stringify(text)}: ":splat" is the name of what "*" matches; use "*"`);
      if (names.has(name)) return refuse(`${JSON.stringify(text)}: placeholder ":${name}" appears twice`);
      names.add(name);
      segments.push({ kind: 'placeholder', name });
      continue;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return refuse(`${JSON.stringify(text)}: "${segment}" is not valid percent-encoding`);
    }
    if (decoded === '.' || decoded === '..' || decoded.includes('/')) {
      return refuse(`${JSON.stringify(text)}: "${segment}" is not a path segment a request can have`);
    }
    segments.push({ kind: 'literal', text: decoded });
  }
  return { ok: true, value: { segments, splat } };
}

/** The placeholder names a pattern captures (`splat` when it ends in `*`). */
export function capturedNames(pattern: PathPattern): Set<string> {
  const names = new Set<string>();
  for (const segment of pattern.segments) if (segment.kind === 'placeholder') names.add(segment.name);
  if (pattern.splat) names.add(SPLAT);
  return names;
}

/** Cuts a target into text and `:name` references (a name starts with a letter or `_`, so `:8080` is text). */
export function targetParts(target: string): TargetPart[] {
  const parts: TargetPart[] = [];
  const reference = /:([A-Za-z_][A-Za-z0-9_]*)/g;
  let last = 0;
  for (let match = reference.exec(target); match !== null; match = reference.exec(target)) {
    if (match.index > last) parts.push({ kind: 'text', text: target.slice(last, match.index) });
    parts.push({ kind: 'placeholder', name: match[1] as string });
    last = match.index + match[0].length;
  }
  if (last < target.length) parts.push({ kind: 'text', text: target.slice(last) });
  return parts;
}

/** Whether a target is absolute (`https://…`): only redirects may go to another host. */
export function isAbsoluteTarget(target: string): boolean {
  return /^https?:\/\//i.test(target);
}

/**
 * Why `target` cannot be where a rule with `pattern` sends requests, or undefined. Relative targets
 * start with "/"; absolute ones are http(s) URLs whose host is fixed (placeholders only after it,
 * so no request can choose where it is redirected: no open redirect). Every placeholder used must
 * be captured by the pattern.
 */
export function targetProblem(target: string, pattern: PathPattern, options: { readonly absoluteAllowed: boolean }): string | undefined {
  if (target.length > MAX_PATTERN_LENGTH) return `is ${target.length} characters; the limit is ${MAX_PATTERN_LENGTH}`;
  if (CONTROL_OR_SPACE.test(target)) return `${JSON.stringify(target)} must not contain spaces or control characters`;
  if (target.includes('#')) return `${JSON.stringify(target)} has a fragment (#…); browsers keep the one they had`;
  if (isAbsoluteTarget(target)) {
    if (!options.absoluteAllowed)
      return `${JSON.stringify(target)} is another site: only redirects (301, 302, 303, 307, 308) may leave the site`;
    const afterScheme = target.slice(target.indexOf('//') + 2);
    const slash = afterScheme.search(/[/?]/);
    const authority = slash === -1 ? afterScheme : afterScheme.slice(0, slash);
    if (authority.includes('@')) return `${JSON.stringify(target)} must not carry a user name or password`;
    if (targetParts(authority).some((part) => part.kind === 'placeholder')) {
      return `${JSON.stringify(target)} puts a placeholder in the host: the host must be fixed (placeholders go in the path)`;
    }
    try {
      new URL(target.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, 'x'));
    } catch {
      return `${JSON.stringify(target)} is not a valid URL`;
    }
  }
  if (!target.includes(':')) return target.startsWith('/') && !target.startsWith('//') ? undefined : relativeProblem(target);
  const captured = capturedNames(pattern);
  for (const part of targetParts(target)) {
    if (part.kind === 'placeholder' && !captured.has(part.name)) {
      const hint = part.name === SPLAT ? 'end the pattern with "/*"' : `capture it with a ":${part.name}" segment`;
      return `${JSON.stringify(target)} uses :${part.name}, which the pattern does not capture (${hint})`;
    }
  }
  if (isAbsoluteTarget(target)) return undefined;
  return !target.startsWith('/') || target.startsWith('//') ? relativeProblem(target) : undefined;
}

function relativeProblem(target: string): string {
  return `${JSON.stringify(target)} must be a path starting with "/" (e.g. "/new-page") or an https:// URL`;
}
