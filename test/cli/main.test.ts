/** The entry: argument errors, exit codes and --json output, with an injected mocked S3 client. */
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/shared/errors.ts';
import { run } from '../../cli/main.ts';
import { nextManifest, validateReleaseRecord } from '../../contracts/release.ts';
import { VITE_DIST, body, copyFixture, s3Error } from './helpers.ts';
import { channelPointerKey } from '../../contracts/channels.ts';

const POINTER_KEY = channelPointerKey('production');

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const s3 = mockClient(client);

function capture() {
  const chunks: string[] = [];
  return {
    stream: { write: (chunk: string) => chunks.push(chunk), isTTY: false } as unknown as NodeJS.WriteStream,
    text: () => chunks.join(''),
  };
}

let network: string[] = [];

async function cli(...argv: string[]) {
  const stdout = capture();
  const stderr = capture();
  const code = await run({
    argv,
    stdout: stdout.stream,
    stderr: stderr.stream,
    createS3Client: () => {
      network.push('s3 client');
      return client;
    },
    bucketFromStack: async (stack) => {
      network.push(`stack ${stack}`);
      throw new Error('no network in this test');
    },
    env: { GITHUB_SHA: 'abcdef1234567' },
  });
  return {
    code,
    stdout: stdout.text(),
    stderr: stderr.text(),
    lastJson: () => JSON.parse(stdout.text().trim().split('\n').at(-1) ?? 'null'),
  };
}

beforeEach(() => {
  network = [];
  s3.reset();
  // Absent unless a test says otherwise: the legacy manifest.json, preview pointers.
  s3.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));
  s3.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));
  const written = new Map<string, number>();
  s3.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: Uint8Array | string }) => {
    written.set(input.Key, typeof input.Body === 'string' ? Buffer.byteLength(input.Body) : input.Body.byteLength);
    return {};
  });
  s3.on(ListObjectsV2Command).callsFake(async (input: { Prefix: string }) => ({
    Contents: [...written].filter(([key]) => key.startsWith(input.Prefix)).map(([Key, Size]) => ({ Key, Size })),
  }));
});

describe('shellfront (entry)', () => {
  it('prints help and exits 2 without a command, 0 with --help', async () => {
    expect((await cli()).code).toBe(EXIT.usage);
    const help = await cli('--help');
    expect(help.code).toBe(EXIT.ok);
    expect(help.stdout).toMatch(/deploy <dist>/);
    expect((await cli('deploy', '--help')).stdout).toMatch(/--concurrency <n>/);
  });

  it.each([
    [['launch'], /Unknown command "launch"/],
    [['deploy', 'dist', '--bucket', 'b', '--force'], /Unknown flag --force for `shellfront deploy`\. Run `shellfront deploy --help`/],
    [['deploy', 'dist', '--bucket', 'b', '--dryrun'], /Unknown flag --dryrun for `shellfront deploy`\. Did you mean --dry-run\?/],
    [['prune', '--bucket', 'b', '--keep', '-1'], /--keep must be a whole number of at least 0, got "-1"/],
    [['prune', '--bucket', 'b', '--keep'], /argument missing/],
    [['deploy', 'dist', '--bucket', 'b', '--relase', 'x'], /Did you mean --release\?/],
    [['deplyo'], /Unknown command "deplyo"\. Did you mean `shellfront deploy`\?/],
    [['deploy', '--bucket', 'b'], /deploy takes one build folder/],
    [['deploy', 'dist'], /Which bucket\? Pass --bucket/],
    [['deploy', 'dist', '--bucket', 'b', '--stack', 's'], /either --bucket or --stack/],
    [['deploy', VITE_DIST, '--bucket', 'b', '--concurrency', '0'], /--concurrency must be a whole number of at least 1, got "0"/],
    [['prune', '--bucket', 'b'], /prune needs --keep <n>/],
    [
      ['prune', '--bucket', 'b', '--keep', '2', '--older-than', 'a week'],
      /--older-than must be a duration like 30m, 12h, 7d or 2w, got "a week"/,
    ],
    [['rollback', '--bucket', 'b', '--to', '../x'], /--to expected 1-128 characters/],
  ])('%j exits 2 (usage) saying %s', async (argv, message) => {
    const result = await cli(...argv);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(message);
  });

  it.each([
    ['deploy', VITE_DIST, '--concurrency', '0'],
    ['rollback', '--to', '../x'],
    ['releases', '--limit', 'many'],
    ['prune'],
    ['verify', '--release', '../x'],
  ])('a usage error of %s never touches the network, even with --stack', async (...argv) => {
    const result = await cli(...argv, '--stack', 'Foo');
    expect(result.code).toBe(EXIT.usage);
    expect(network).toEqual([]);
  });

  it('per-command --help lists every flag of that command, and the bucket flags', async () => {
    const expected: Record<string, string[]> = {
      deploy: [
        '--release <id>',
        '--message, -m <text>',
        '--config <file.json>',
        '--asset-dirs',
        '--git-sha',
        '--concurrency <n>',
        '--dry-run',
      ],
      rollback: ['--to <id>'],
      releases: ['--limit <n>'],
      prune: ['--keep <n>', '--older-than <d>', '--dry-run', '--drop-rollback-target'],
      verify: ['--release <id>'],
    };
    for (const [command, flags] of Object.entries(expected)) {
      const help = (await cli(command, '--help')).stdout;
      for (const flag of [...flags, '--bucket <name>', '--stack <name>', '--region <region>', '--json'])
        expect(help, `${command} ${flag}`).toContain(flag);
    }
    expect(network).toEqual([]);
  });

  it('deploys with --json: the last stdout line is one JSON object', async () => {
    const result = await cli('deploy', VITE_DIST, '--bucket', 'site', '--json', '-m', 'from CI');
    expect(result.code).toBe(EXIT.ok);
    expect(result.lastJson()).toMatchObject({ release: expect.stringMatching(/^\d{8}-\d{6}-abcdef1$/), live: true, bucket: 'site' });
    const record = s3
      .commandCalls(PutObjectCommand)
      .find((call) => call.args[0].input.Key?.endsWith('.json') && call.args[0].input.Key !== POINTER_KEY);
    expect(JSON.parse(record?.args[0].input.Body as string)).toMatchObject({ message: 'from CI', git: { sha: 'abcdef1234567' } });
  });

  it('exits 3 for a --config file that is not a JSON object', async () => {
    const dir = copyFixture(VITE_DIST);
    writeFileSync(join(dir, 'config.json'), '[1, 2]');
    const result = await cli('deploy', VITE_DIST, '--bucket', 'site', '--config', join(dir, 'config.json'));
    expect(result.code).toBe(EXIT.input);
    expect(result.stderr).toMatch(/must hold a JSON object/);
  });

  it('exits 5 from verify when the live release is incomplete, with a JSON error', async () => {
    const record = validateReleaseRecord({
      schema: 1,
      id: 'r1',
      createdAt: '2026-11-22T10:00:00.000Z',
      shell: '<!doctype html>',
      assetPrefixes: ['assets/'],
      assets: [{ path: 'assets/a-12345678.js', size: 3, sha256: 'a'.repeat(64), contentType: 'text/javascript' }],
      files: [],
    });
    s3.on(GetObjectCommand, { Key: POINTER_KEY }).resolves({
      Body: body(JSON.stringify(nextManifest(record, undefined, new Date()))),
      ETag: '"e"',
    });
    const result = await cli('verify', '--bucket', 'site', '--json');
    expect(result.code).toBe(EXIT.incomplete);
    expect(result.stderr).toMatch(/missing: assets\/a-12345678\.js/);
    expect(result.lastJson()).toMatchObject({ error: { name: 'IncompleteReleaseError', exitCode: EXIT.incomplete } });
  });

  it('exits 6 on AccessDenied', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('AccessDenied', 403));
    const result = await cli('rollback', '--bucket', 'site');
    expect(result.code).toBe(EXIT.aws);
    expect(result.stderr).toMatch(/needs s3:GetObject/);
  });

  it('exits 3 when there is nothing to roll back to', async () => {
    const result = await cli('rollback', '--bucket', 'site');
    expect(result.code).toBe(EXIT.input);
    expect(result.stderr).toMatch(/No release is live/);
  });
});
