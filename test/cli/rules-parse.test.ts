import { describe, expect, it } from 'vitest';
import { MAX_HEADERS_PER_RULE, MAX_RULES, MAX_RULES_FILE_BYTES, validateRules } from '../../contracts/rules.ts';
import { parseHeaders } from '../../cli/rules/headers.ts';
import { RulesFileError } from '../../cli/rules/problems.ts';
import { parseRedirects } from '../../cli/rules/redirects.ts';

const FILE = 'dist/_redirects';

function rules(text: string) {
  const parsed = parseRedirects(text, FILE);
  expect(parsed.problems).toEqual([]);
  return parsed.rules.map(({ from, to, status, force }) => ({ from, to, status, force }));
}

function problem(text: string): { line: number; problem: string } {
  const parsed = parseRedirects(text, FILE);
  expect(parsed.problems).toHaveLength(1);
  const [first] = parsed.problems;
  expect(first!.file).toBe(FILE);
  return { line: first!.line, problem: first!.problem };
}

describe('_redirects: every supported form', () => {
  it.each([
    ['/old /new', { from: '/old', to: '/new', status: 301, force: false }],
    ['/old   /new   301', { from: '/old', to: '/new', status: 301, force: false }],
    ['/old /new 302', { from: '/old', to: '/new', status: 302, force: false }],
    ['/old /new 303', { from: '/old', to: '/new', status: 303, force: false }],
    ['/old /new 307', { from: '/old', to: '/new', status: 307, force: false }],
    ['/old /new 308', { from: '/old', to: '/new', status: 308, force: false }],
    ['/pricing /plans 302!', { from: '/pricing', to: '/plans', status: 302, force: true }],
    ['/news/* /blog/:splat', { from: '/news/*', to: '/blog/:splat', status: 301, force: false }],
    [
      '/news/:year/:month/* /blog/:year-:month/:splat 301',
      { from: '/news/:year/:month/*', to: '/blog/:year-:month/:splat', status: 301, force: false },
    ],
    [
      '/docs https://docs.example.com/start?from=site 302',
      { from: '/docs', to: 'https://docs.example.com/start?from=site', status: 302, force: false },
    ],
    [
      '/u/:name https://example.com:8443/people/:name',
      { from: '/u/:name', to: 'https://example.com:8443/people/:name', status: 301, force: false },
    ],
    ['/app/* /index.html 200', { from: '/app/*', to: '/index.html', status: 200, force: false }],
    ['/docs /docs/index.html 200!', { from: '/docs', to: '/docs/index.html', status: 200, force: true }],
    ['/en/* /404.html 404', { from: '/en/*', to: '/404.html', status: 404, force: false }],
    ['/gone/* /index.html 404', { from: '/gone/*', to: '/index.html', status: 404, force: false }],
    ['/* /index.html 200', { from: '/*', to: '/index.html', status: 200, force: false }],
    ['/café%20menu /menu', { from: '/café%20menu', to: '/menu', status: 301, force: false }],
    ['/old /new 301 # moved in 2026', { from: '/old', to: '/new', status: 301, force: false }],
  ])('%s', (line, expected) => {
    expect(rules(line)).toEqual([expected]);
  });

  it('skips blank lines and comments, keeps file order and line numbers, and accepts CRLF', () => {
    const parsed = parseRedirects('# moved pages\r\n\r\n/a /b\r\n   \r\n/c /d 302\r\n', FILE);
    expect(parsed.problems).toEqual([]);
    expect(parsed.rules.map((rule) => [rule.line, rule.from])).toEqual([
      [3, '/a'],
      [5, '/c'],
    ]);
  });

  it('produces rules the record accepts (the same validation the edge runs)', () => {
    const parsed = parseRedirects('/a/* /b/:splat 308\n/c /index.html 200', FILE);
    const fail = (field: string, why: string): never => {
      throw new Error(`${field}: ${why}`);
    };
    expect(validateRules({ redirects: parsed.rules, headers: [] }, 'release.rules', fail).redirects).toEqual(parsed.rules);
  });
});

describe('_redirects: every refusal names the line and what is wrong', () => {
  it.each([
    ['/only-a-path', /has no target/],
    ['/store id=:id /blog/:id 301', /query-parameter match/],
    ['/ /anz 302 Country=au,nz', /Country= conditions are not supported: .*country/],
    ['/ /fr 302 Language=fr', /Language= conditions/],
    ['/admin/* /admin 200! Role=admin', /Role= conditions/],
    ['/x /y 302 Cookie=beta', /Cookie= conditions/],
    ['/x /y soon', /"soon" is not a status/],
    ['/x /y 410', /status 410 is not supported; use 404/],
    ['/x /y 500', /status 500 is not supported/],
    ['/x /y 301 extra', /unexpected "extra" after the status/],
    ['/blog/* https://blog.example.com/:splat 200', /would proxy another site/],
    ['https://old.example.com/* https://new.example.com/:splat 301', /names a host/],
    ['old /new', /must start with "\/"/],
    ['/a/*/b /c', /"\*" may only be the last segment/],
    ['/a* /c', /must be a whole segment/],
    ['/a//b /c', /empty segment/],
    ['/a/../b /c', /not a path segment/],
    ['/a/%zz /c', /not valid percent-encoding/],
    ['/a/:1x /c', /placeholder ":1x"/],
    ['/a/:id/:id /c', /appears twice/],
    ['/a/:splat /c', /use "\*"/],
    ['/a?x=1 /c', /query or fragment/],
    ['/a /b/:id', /uses :id, which the pattern does not capture/],
    ['/a /b/:splat', /end the pattern with "\/\*"/],
    ['/a /b#top', /fragment/],
    ['/a b', /must be a path starting with "\/"/],
    ['/a //evil.example.com', /must be a path starting with "\/"/],
    ['/go/* https://:splat 302', /placeholder in the host/],
    ['/go/* https://user:pw@example.com/:splat 302', /user name or password/],
    ['/a /app/index.html?x=1 200', /without a query string/],
    ['/a /somewhere.html 404', /404 rule serves/],
    ['/a https://example.com 404', /only redirects/],
  ])('%s', (line, why) => {
    const found = problem(`# header\n${line}`);
    expect(found.line).toBe(2);
    expect(found.problem).toMatch(why);
  });

  it('reports every bad line, not just the first, and keeps the good ones out of the way', () => {
    const parsed = parseRedirects('/a /b\n/c\n/d /e 999\n/f /g', FILE);
    expect(parsed.problems.map((p) => p.line)).toEqual([2, 3]);
    expect(parsed.rules.map((rule) => rule.from)).toEqual(['/a', '/f']);
  });

  it(`refuses more than ${MAX_RULES} rules and more than ${MAX_RULES_FILE_BYTES} bytes, with the figure`, () => {
    const many = Array.from({ length: MAX_RULES + 1 }, (_, i) => `/r${i} /s${i}`).join('\n');
    expect(parseRedirects(many, FILE).problems[0]).toEqual({
      file: FILE,
      line: 0,
      problem: `has ${MAX_RULES + 1} rules; the limit is ${MAX_RULES}`,
    });
    expect(parseRedirects(Array.from({ length: MAX_RULES }, (_, i) => `/r${i} /s${i}`).join('\n'), FILE).problems).toEqual([]);
    const big = `# ${'x'.repeat(MAX_RULES_FILE_BYTES)}`;
    expect(parseRedirects(big, FILE).problems[0]!.problem).toBe(
      `is ${MAX_RULES_FILE_BYTES + 2} bytes; the limit is ${MAX_RULES_FILE_BYTES} (64 KiB)`,
    );
  });

  it('RulesFileError lists file:line for each problem and says nothing was uploaded', () => {
    const error = new RulesFileError(parseRedirects('/a\n/b /c 999', FILE).problems);
    expect(error.name).toBe('RulesFileError');
    expect(error.message).toContain('dist/_redirects has 2 problems; nothing was uploaded');
    expect(error.message).toContain('dist/_redirects:1: "/a" has no target');
    expect(error.message).toContain('dist/_redirects:2: status 999 is not supported');
  });
});

const HEADERS = 'dist/_headers';

describe('_headers', () => {
  it('reads blocks of indented headers, lowercases names, joins a repeated name with ", "', () => {
    const parsed = parseHeaders(
      [
        '# extra headers',
        '/embed/*',
        "  Content-Security-Policy: frame-ancestors 'self' https://partner.example",
        '  X-Robots-Tag: noindex',
        '/*',
        '\tLink: </assets/app.css>; rel=preload; as=style',
        '  Link: </assets/app.js>; rel=modulepreload',
        '  Permissions-Policy: camera=()',
        '',
      ].join('\n'),
      HEADERS,
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.rules).toEqual([
      {
        line: 2,
        for: '/embed/*',
        headers: { 'content-security-policy': "frame-ancestors 'self' https://partner.example", 'x-robots-tag': 'noindex' },
      },
      {
        line: 5,
        for: '/*',
        headers: {
          link: '</assets/app.css>; rel=preload; as=style, </assets/app.js>; rel=modulepreload',
          'permissions-policy': 'camera=()',
        },
      },
    ]);
  });

  it.each([
    ['Set-Cookie: a=1', /Set-Cookie may not be set here: a cookie/],
    ['Cache-Control: max-age=3600', /Cache-Control may not be set here: the edge sets Cache-Control/],
    ['Content-Length: 10', /Content-Length may not be set here/],
    ['Content-Type: text/plain', /Content-Type may not be set here/],
    ['Vary: Cookie', /Vary may not be set here/],
    ['Location: /x', /redirects belong in _redirects/],
    ['Connection: close', /Lambda@Edge rejects it/],
    ['Keep-Alive: timeout=5', /Lambda@Edge rejects it/],
    ['Transfer-Encoding: chunked', /Lambda@Edge rejects it/],
    ['Upgrade: h2c', /Lambda@Edge rejects it/],
    ['TE: trailers', /hop-by-hop/],
    ['X-Amz-Cf-Id: x', /Lambda@Edge rejects it \(every x-amz-cf-\* header\)|x-amz-\* headers belong to AWS/],
    ['X-Edge-Location: x', /every x-edge-\* header/],
    ['X-Cache: Hit', /Lambda@Edge rejects it/],
    ['Strict-Transport-Security: max-age=1', /response headers policy sets it/],
    ['X-Frame-Options: SAMEORIGIN', /frame-ancestors/],
    ['X-Shellfront-Release: x', /edge's own/],
    ['Bad Name: x', /not "Name: value"|not a valid header name/],
    ['X-Empty:', /the value is empty/],
    [`X-Long: ${'v'.repeat(5000)}`, /the value is 5000 characters; the limit is 4096/],
  ])('refuses %s with its line', (line, why) => {
    const parsed = parseHeaders(`/*\n  X-Ok: 1\n  ${line}`, HEADERS);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]!.line).toBe(3);
    expect(parsed.problems[0]!.problem).toMatch(why);
  });

  it('refuses a header line before any path, a path with no headers, an unindented header, and a bad path', () => {
    const parsed = parseHeaders('  X-A: 1\n/empty\n/ok\n  X-B: 2\nX-C: 3\n/a//b\n  X-D: 4', HEADERS);
    expect(parsed.problems.map((p) => [p.line, p.problem.slice(0, 40)])).toEqual([
      [1, '"X-A: 1" is indented but comes before an'],
      [2, '/empty sets no header: put "Name: value"'],
      [5, 'the path "X-C: 3" must start with "/", e'],
      [6, 'the path "/a//b" has an empty segment ("'],
    ]);
    expect(parsed.problems[2]!.problem).toContain('a header line must be indented under its path');
    expect(parsed.rules.map((rule) => rule.for)).toEqual(['/ok']);
  });

  it(`refuses more than ${MAX_HEADERS_PER_RULE} headers in a block, once`, () => {
    const lines = Array.from({ length: MAX_HEADERS_PER_RULE + 2 }, (_, i) => `  X-H${i}: ${i}`);
    const parsed = parseHeaders(`/*\n${lines.join('\n')}`, HEADERS);
    expect(parsed.problems).toEqual([
      { file: HEADERS, line: MAX_HEADERS_PER_RULE + 2, problem: `/* sets more than ${MAX_HEADERS_PER_RULE} headers` },
    ]);
    expect(parsed.rules).toEqual([]);
  });

  it(`refuses more than ${MAX_RULES} blocks and more than 64 KiB`, () => {
    const many = Array.from({ length: MAX_RULES + 1 }, (_, i) => `/p${i}\n  X-A: 1`).join('\n');
    expect(parseHeaders(many, HEADERS).problems[0]!.problem).toBe(`has ${MAX_RULES + 1} path blocks; the limit is ${MAX_RULES}`);
    expect(parseHeaders(`/*\n  X-A: ${'a'.repeat(MAX_RULES_FILE_BYTES)}`, HEADERS).problems[0]!.line).toBe(0);
  });
});
