import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDIRECT_STATUSES, validateRules, type RedirectRule } from '../../contracts/rules.ts';
import { parseHeaders } from '../../cli/rules/headers.ts';
import { parseRedirects } from '../../cli/rules/redirects.ts';

const FILE = 'dist/_redirects';
const literal = fc.stringMatching(/^[a-z0-9][a-z0-9._~-]{0,8}$/).filter((s) => s !== '.' && s !== '..');
const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,5}$/).filter((s) => s !== 'splat');

/** A valid pattern and a target using only what it captures. */
const ruleArb = fc
  .record({
    segments: fc.array(
      fc.oneof(
        literal.map((text) => ({ text })),
        name.map((n) => ({ name: n })),
      ),
      { maxLength: 4 },
    ),
    splat: fc.boolean(),
    status: fc.constantFrom(...REDIRECT_STATUSES, 200),
    force: fc.boolean(),
    host: fc.option(fc.constantFrom('https://example.com', 'http://old.example.org:8080'), { nil: undefined }),
    tail: fc.array(literal, { maxLength: 3 }),
  })
  .map(({ segments, splat, status, force, host, tail }) => {
    const seen = new Set<string>();
    const unique = segments.filter((s) => !('name' in s) || (!seen.has(s.name) && seen.add(s.name)));
    const from = `/${[...unique.map((s) => ('name' in s ? `:${s.name}` : s.text)), ...(splat ? ['*'] : [])].join('/')}`;
    const refs = [...unique.filter((s) => 'name' in s).map((s) => `:${(s as { name: string }).name}`), ...(splat ? [':splat'] : [])];
    const path = `/${[...tail, ...refs].join('/')}`;
    const to = status !== 200 && host ? `${host}${path}` : path;
    return { from, to, status: status as RedirectRule['status'], force };
  });

const serialize = (rule: { from: string; to: string; status: number; force: boolean }, pad: string) =>
  `${rule.from}${pad}${rule.to}${pad}${rule.status}${rule.force ? '!' : ''}`;

describe('_redirects parser properties', () => {
  it('reads back every valid rule it is given, in order, with its line', () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { maxLength: 30 }), fc.constantFrom(' ', '  ', '\t', ' \t '), (rules, pad) => {
        const text = rules.map((rule, i) => (i % 3 === 0 ? `# rule ${i}\n${serialize(rule, pad)}` : serialize(rule, pad))).join('\n');
        const parsed = parseRedirects(text, FILE);
        expect(parsed.problems).toEqual([]);
        expect(parsed.rules.map(({ from, to, status, force }) => ({ from, to, status, force }))).toEqual(rules);
        const lines = text.split('\n');
        for (const rule of parsed.rules) expect(lines[rule.line - 1]!.startsWith(rule.from)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text; each rule line gives one rule or one problem, with a real line number; every rule validates', () => {
    const fail = (field: string, why: string): never => {
      throw new Error(`${field}: ${why}`);
    };
    const token = fc.oneof(
      fc.constantFrom(
        '/',
        '/a',
        '/:id',
        '/*',
        '*',
        '/a/*',
        '301',
        '200!',
        '404',
        '410',
        'https://x.example/:splat',
        ':splat',
        'Country=us',
        'id=:id',
        '#',
        '%',
        '%zz',
        '/a//b',
        '/..',
        '?q',
        '!',
      ),
      fc.string({ maxLength: 12 }),
    );
    const lineArb = fc.array(token, { maxLength: 5 }).map((tokens) => tokens.join(' '));
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 25 }), (lines) => {
        const text = lines.join('\n');
        const parsed = parseRedirects(text, FILE);
        const count = text.split(/\r?\n/).length;
        for (const problem of parsed.problems) {
          expect(problem.line).toBeGreaterThanOrEqual(1);
          expect(problem.line).toBeLessThanOrEqual(count);
          expect(problem.problem.length).toBeGreaterThan(10);
        }
        const used = new Set([...parsed.problems.map((p) => p.line), ...parsed.rules.map((r) => r.line)]);
        expect(used.size).toBe(parsed.problems.length + parsed.rules.length);
        expect(() => validateRules({ redirects: parsed.rules, headers: [] }, 'rules', fail)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});

describe('_headers parser properties', () => {
  it('never throws, and every block it keeps validates', () => {
    const fail = (field: string, why: string): never => {
      throw new Error(`${field}: ${why}`);
    };
    const lineArb = fc.oneof(
      fc.constantFrom('/*', '/a/:id', '/a//b', 'https://x/*', '# c', ''),
      fc
        .tuple(
          fc.constantFrom('  ', '\t'),
          fc.constantFrom('X-A', 'Link', 'Set-Cookie', 'cache-control', 'Bad Name', 'X-Amz-Cf-Id', ''),
          fc.string({ maxLength: 10 }),
        )
        .map(([indent, header, value]) => `${indent}${header}: ${value}`),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 30 }), (lines) => {
        const parsed = parseHeaders(lines.join('\n'), 'dist/_headers');
        expect(() => validateRules({ redirects: [], headers: parsed.rules }, 'rules', fail)).not.toThrow();
        for (const problem of parsed.problems) expect(problem.line).toBeLessThanOrEqual(lines.length);
      }),
      { numRuns: 500 },
    );
  });
});
