/**
 * What `npm start` checks before it starts anything, so a second `npm start` gets one clear
 * sentence (which port, which flag, which data folder) instead of a half-started system or a
 * listen error's stack.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** One port `npm start` listens on, with what it is for and the flag (and env) that moves it. */
export interface PortUse {
  readonly port: number;
  readonly what: string;
  readonly flag: string;
}

/** Whether something already listens on `host:port` (only EADDRINUSE counts; port 0 never does). */
export function portTaken(port: number, host = '127.0.0.1'): Promise<boolean> {
  if (port === 0) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(true) : reject(error)));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });
}

/** The sentence for a port that is taken: the port, what needed it, and the two ways out. */
export function portTakenMessage(use: PortUse): string {
  return (
    `port ${use.port} (${use.what}) is already taken, probably by another \`npm start\`. ` +
    `Stop that one (Ctrl-C in its terminal), or pick another port with ${use.flag} (0 picks a free one).`
  );
}

/** Every port of `uses` already taken, in order, as one message per port; empty when all are free. */
export async function takenPortProblems(uses: readonly PortUse[], host = '127.0.0.1'): Promise<string[]> {
  const problems: string[] = [];
  for (const use of uses) {
    if (await portTaken(use.port, host)) problems.push(portTakenMessage(use));
  }
  return problems;
}

/** The process id in `<data>/local.json`, when that file exists and its process is still running. */
export function runningStartPid(stateFile: string, isAlive: (pid: number) => boolean = processAlive): number | undefined {
  if (!existsSync(stateFile)) return undefined;
  let pid: unknown;
  try {
    pid = (JSON.parse(readFileSync(stateFile, 'utf8')) as { pid?: unknown }).pid;
  } catch {
    return undefined; // unreadable: left behind by a start that was killed; it is rewritten
  }
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  return isAlive(pid) ? pid : undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else; still a running process.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
