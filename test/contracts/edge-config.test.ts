import { describe, expect, it } from 'vitest';
import {
  behaviorTable,
  CONFIG_HEADERS,
  configHeaders,
  configProblem,
  DEFAULT_CSP,
  DEFAULT_EDGE_CONFIG,
  matchBehavior,
  parseEdgeConfig,
  pathPatternMatches,
  pathPatternProblem,
  securityHeaders,
} from '../../contracts/edge-config.ts';

describe('edge config headers', () => {
  it('round-trips: what configHeaders sends is what parseEdgeConfig reads', () => {
    const sent = configHeaders({ manifestTtlSeconds: 5, shellCdnSeconds: 0 });
    const { config, problems } = parseEdgeConfig((name) => sent[name]);
    expect(problems).toEqual([]);
    expect(config).toEqual({ ...DEFAULT_EDGE_CONFIG, manifestTtlSeconds: 5, shellCdnSeconds: 0 });
    expect(Object.keys(sent).sort()).toEqual(Object.values(CONFIG_HEADERS).sort());
  });

  it('uses defaults for absent headers', () => {
    expect(parseEdgeConfig(() => undefined)).toEqual({ config: DEFAULT_EDGE_CONFIG, problems: [] });
  });

  it('falls back to the default and reports an invalid value', () => {
    const { config, problems } = parseEdgeConfig((name) => (name === CONFIG_HEADERS.manifestTtlSeconds ? '0' : undefined));
    expect(config.manifestTtlSeconds).toBe(60);
    expect(problems).toEqual([
      expect.stringMatching(/^x-shellfront-manifest-ttl: manifestTtlSeconds must be a whole number from 1 to 3600, got "0"/),
    ]);
  });

  it.each([
    ['manifestTtlSeconds', '1.5'],
    ['manifestTtlSeconds', '-1'],
    ['manifestTtlSeconds', '3601'],
    ['manifestTtlSeconds', 'ten'],
    ['fetchTimeoutMs', 50],
    ['shellCdnSeconds', 9999],
  ] as const)('configProblem(%s, %j) explains the range', (name, value) => {
    expect(configProblem(name, value)).toMatch(new RegExp(name));
  });

  it.each([
    ['manifestTtlSeconds', '1'],
    ['manifestTtlSeconds', 3600],
    ['shellCdnSeconds', 0],
  ] as const)('configProblem(%s, %j) accepts a valid value', (name, value) => {
    expect(configProblem(name, value)).toBeUndefined();
  });
});

describe('behaviorTable', () => {
  it('orders API, assets, default, and gives the function only to the default', () => {
    const table = behaviorTable();
    expect(table.map((b) => [b.pathPattern, b.origin, b.edgeFunction, b.cachePolicy])).toEqual([
      ['/api/*', 'api', false, 'disabled'],
      // `/api/*` does not match `/api`: the bare path goes to the API too, never the shell.
      ['/api', 'api', false, 'disabled'],
      ['/assets/*', 'bucket', false, 'immutable-assets'],
      ['*', 'bucket', true, 'shell'],
    ]);
    expect(table[0]).toMatchObject({ allowedMethods: 'ALL', forwardAllViewerHeaders: true });
  });

  it('adds the bare folder path only for a folder pattern', () => {
    expect(behaviorTable({ apiPathPattern: '/graphql' }).map((b) => b.pathPattern)).toEqual(['/graphql', '/assets/*', '*']);
    expect(matchBehavior(behaviorTable(), '/api').origin).toBe('api');
    expect(matchBehavior(behaviorTable(), '/api/').origin).toBe('api');
    expect(matchBehavior(behaviorTable(), '/apix').origin).toBe('bucket');
  });

  it('has no API behavior when there is no API', () => {
    expect(behaviorTable({ apiPathPattern: null, assetPathPatterns: ['/js/*', '/css/*'] }).map((b) => b.pathPattern)).toEqual([
      '/js/*',
      '/css/*',
      '*',
    ]);
  });

  it('rejects malformed and duplicate patterns', () => {
    expect(() => behaviorTable({ apiPathPattern: '/api/<x>' })).toThrow(/"\/api\/<x>" is not valid/);
    expect(() => behaviorTable({ assetPathPatterns: ['*'] })).toThrow(/default behavior/);
    expect(() => behaviorTable({ apiPathPattern: 'assets/*' })).toThrow(/listed twice/);
    expect(pathPatternProblem('x'.repeat(256))).toMatch(/not valid/);
  });

  it('matches like CloudFront: case-sensitive, * and ?, leading slash optional', () => {
    expect(pathPatternMatches('/api/*', '/api/runs/1')).toBe(true);
    expect(pathPatternMatches('api/*', '/api/')).toBe(true);
    expect(pathPatternMatches('/api/*', '/API/runs')).toBe(false);
    expect(pathPatternMatches('/api/*', '/apix')).toBe(false);
    expect(pathPatternMatches('/img/?.png', '/img/a.png')).toBe(true);
    expect(pathPatternMatches('/img/?.png', '/img/ab.png')).toBe(false);
    expect(pathPatternMatches('/a.b/*', '/aXb/c')).toBe(false);
    const table = behaviorTable();
    expect(matchBehavior(table, '/api/runs').name).toBe('api');
    expect(matchBehavior(table, '/assets/index-abc.js').name).toBe('assets');
    expect(matchBehavior(table, '/runs/7/steps/2').name).toBe('default');
  });
});

describe('securityHeaders', () => {
  it('sets HSTS, nosniff, frame options, referrer policy and the CSP', () => {
    const headers = securityHeaders();
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+; includeSubDomains; preload$/);
    expect(headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' });
    expect(headers['content-security-policy']).toBe(DEFAULT_CSP);
    expect(DEFAULT_CSP).toMatch(/frame-ancestors 'none'/);
    expect(securityHeaders({ csp: "default-src 'self'" })['content-security-policy']).toBe("default-src 'self'");
  });
});
