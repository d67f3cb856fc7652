/** What a second `npm start` meets: taken ports named with their flag, a data folder in use, s3rver's listen error. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startS3Server } from '../../local/s3-server.ts';
import { portTaken, runningStartPid, takenPortProblems } from '../../local/start-checks.ts';

const blockers: Server[] = [];
const dirs: string[] = [];

async function blockPort(): Promise<number> {
  const blocker = createServer();
  blockers.push(blocker);
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  return (blocker.address() as { port: number }).port;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shellfront-checks-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const blocker of blockers.splice(0)) blocker.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('port checks before anything starts', () => {
  it('tells a taken port from a free one (0 is never taken)', async () => {
    const taken = await blockPort();
    expect(await portTaken(taken)).toBe(true);
    blockers.pop()?.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await portTaken(taken)).toBe(false);
    expect(await portTaken(0)).toBe(false);
  });

  it('names every taken port, in order, with what needed it and the flag that moves it', async () => {
    const edge = await blockPort();
    const s3 = await blockPort();
    const problems = await takenPortProblems([
      { port: edge, what: 'the edge', flag: '--port / PORT' },
      { port: 0, what: 'the sample API', flag: '--api-port / API_PORT' },
      { port: s3, what: 's3rver', flag: '--s3-port / S3_PORT' },
    ]);
    expect(problems).toEqual([
      `port ${edge} (the edge) is already taken, probably by another \`npm start\`. Stop that one (Ctrl-C in its terminal), or pick another port with --port / PORT (0 picks a free one).`,
      `port ${s3} (s3rver) is already taken, probably by another \`npm start\`. Stop that one (Ctrl-C in its terminal), or pick another port with --s3-port / S3_PORT (0 picks a free one).`,
    ]);
  });
});

describe('runningStartPid', () => {
  it("is the pid in local.json while that process runs, and nothing for a dead one's or a broken file", () => {
    const file = join(tempDir(), 'local.json');
    expect(runningStartPid(file)).toBeUndefined();
    writeFileSync(file, JSON.stringify({ pid: 4242 }));
    expect(runningStartPid(file, (pid) => pid === 4242)).toBe(4242);
    expect(runningStartPid(file, () => false)).toBeUndefined();
    writeFileSync(file, JSON.stringify({ pid: process.pid }));
    expect(runningStartPid(file, () => true)).toBeUndefined(); // this very process
    writeFileSync(file, '{"pid": 42');
    expect(runningStartPid(file, () => true)).toBeUndefined();
  });
});

describe('startS3Server on a taken port', () => {
  it('rejects with the listen error (EADDRINUSE and the port), not a crash of the child with a stack', async () => {
    const port = await blockPort();
    await expect(startS3Server({ directory: tempDir(), buckets: ['shellfront-local'], port })).rejects.toThrow(
      new RegExp(`s3rver could not start on 127\\.0\\.0\\.1:${port}: listen EADDRINUSE: address already in use 127\\.0\\.0\\.1:${port}`),
    );
  });
});
