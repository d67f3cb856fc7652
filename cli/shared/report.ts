/**
 * How commands talk to people while they run: phase lines and warnings on stderr, and on a
 * terminal a progress bar (files, bytes, rate). Results go to stdout from cli/main.ts.
 */

export interface Progress {
  readonly files: number;
  readonly totalFiles: number;
  readonly bytes: number;
  readonly totalBytes: number;
}

export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
  progress(state: Progress): void;
  /** Ends a progress bar, if one is showing. */
  endProgress(): void;
}

export const silentReporter: Reporter = {
  info() {},
  warn() {},
  progress() {},
  endProgress() {},
};

/** "1 file", "3 files". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function progressLine(state: Progress, elapsedMs: number, width = 24): string {
  const ratio = state.totalBytes > 0 ? state.bytes / state.totalBytes : state.totalFiles > 0 ? state.files / state.totalFiles : 1;
  const filled = Math.round(Math.min(1, ratio) * width);
  const rate = elapsedMs > 0 ? (state.bytes / elapsedMs) * 1000 : 0;
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${state.files}/${state.totalFiles} files  ` +
    `${formatBytes(state.bytes)}/${formatBytes(state.totalBytes)}  ${formatBytes(rate)}/s`
  );
}

/** Writes to `stream` (stderr); draws the progress bar only when it is a terminal. */
export function streamReporter(stream: NodeJS.WriteStream, now: () => number = Date.now): Reporter {
  const tty = Boolean(stream.isTTY);
  let started: number | undefined;
  let lastDraw = 0;
  let showing = false;
  const clear = () => {
    if (showing) stream.write('\r\x1b[2K');
    showing = false;
  };
  return {
    info(message) {
      clear();
      stream.write(`${message}\n`);
    },
    warn(message) {
      clear();
      stream.write(`warning: ${message}\n`);
    },
    progress(state) {
      if (!tty) return;
      const time = now();
      started ??= time;
      const finished = state.files === state.totalFiles;
      if (!finished && time - lastDraw < 100) return;
      lastDraw = time;
      stream.write(`\r\x1b[2K${progressLine(state, time - started)}`);
      showing = true;
    },
    endProgress() {
      if (showing) stream.write('\n');
      showing = false;
      started = undefined;
    },
  };
}
