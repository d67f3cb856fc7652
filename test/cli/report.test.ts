import { describe, expect, it } from 'vitest';
import { formatBytes, progressLine, streamReporter } from '../../cli/shared/report.ts';
import { SPECS } from '../../cli/terminal/specs.ts';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { out: { isTTY, write: (chunk: string) => chunks.push(chunk) } as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

describe('progress and summaries', () => {
  it('formats bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(17_579_327)).toBe('17 MB');
  });

  it('draws files, bytes and rate', () => {
    const line = progressLine({ files: 500, totalFiles: 1000, bytes: 5 * 1024 * 1024, totalBytes: 10 * 1024 * 1024 }, 2000, 10);
    expect(line).toBe('[#####-----] 500/1000 files  5.0 MB/10 MB  2.5 MB/s');
  });

  it('draws the bar only on a terminal, and always prints messages', () => {
    let clock = 0;
    const tty = stream(true);
    const reporter = streamReporter(tty.out, () => (clock += 200));
    reporter.progress({ files: 1, totalFiles: 2, bytes: 10, totalBytes: 20 });
    reporter.progress({ files: 2, totalFiles: 2, bytes: 20, totalBytes: 20 });
    reporter.endProgress();
    reporter.warn('careful');
    expect(tty.text()).toMatch(/\r\x1b\[2K\[#+-*\] 1\/2 files[\s\S]*2\/2 files[\s\S]*\nwarning: careful\n$/);

    const pipe = stream(false);
    const plain = streamReporter(pipe.out);
    plain.progress({ files: 1, totalFiles: 2, bytes: 10, totalBytes: 20 });
    plain.info('Uploading…');
    expect(pipe.text()).toBe('Uploading…\n');
  });

  it('summarizes a deploy once, with true counts: asset bytes and release-file bytes apart, plurals right', () => {
    const base = {
      release: 'r1',
      bucket: 'b',
      channel: 'production',
      kind: 'vite' as const,
      previous: 'r0',
      warnings: [],
      bytesUploaded: 875 + 321,
      assets: { total: 4, uploaded: 1, skipped: 3, bytesUploaded: 875 },
      files: { uploaded: 2, bytesUploaded: 321 },
    };
    expect(SPECS.deploy.render({ ...base, unchanged: true, live: true, dryRun: false })).toMatch(/^Unchanged: r1 is live/);
    expect(SPECS.deploy.render({ ...base, unchanged: false, live: false, dryRun: true })).toMatch(/^Dry run for r1: nothing was written/);
    const live = SPECS.deploy.render({ ...base, unchanged: false, live: true, dryRun: false });
    expect(live).toBe(
      'Deployed r1 to s3://b: live now. Uploaded\n' +
        '  assets: 1 new asset (875 B), 3 of 4 assets already in the bucket\n' +
        '  release files: 2 files (321 B)\n' +
        '  previous: r0 (`shellfront rollback` brings it back)\n',
    );
    expect(SPECS.verify.render({ release: 'r1', bucket: 'b', live: true, complete: true, objects: 1 })).toBe(
      'r1 (live) is complete: 1 object present\n',
    );
  });
});
