/**
 * Uploads a deploy's objects with bounded concurrency, reporting files, bytes and rate.
 * Each PUT carries Content-MD5 (S3 rejects corrupted bytes) and immutable assets their SHA-256.
 */
import { readFileSync } from 'node:fs';
import type { Bucket } from '../bucket/bucket.ts';
import type { DistFile } from '../build/dist.ts';
import { mapLimit } from '../shared/pool.ts';
import type { Reporter } from '../shared/report.ts';

/** Parallel uploads: S3 takes thousands of PUTs per second per prefix; each costs one round trip. */
export const DEFAULT_CONCURRENCY = 64;

export interface Upload {
  readonly key: string;
  readonly file: DistFile;
  readonly cacheControl: string;
  readonly immutable: boolean;
}

export async function uploadAll(bucket: Bucket, uploads: readonly Upload[], concurrency: number, reporter: Reporter): Promise<void> {
  const totalBytes = uploads.reduce((sum, upload) => sum + upload.file.size, 0);
  let files = 0;
  let bytes = 0;
  reporter.progress({ files, totalFiles: uploads.length, bytes, totalBytes });
  await mapLimit(uploads, concurrency, async (upload) => {
    // Sync on purpose: for small files readFileSync costs a fraction of fs/promises' open/stat/read/close round trips.
    const body = readFileSync(upload.file.absolutePath);
    await bucket.put(upload.key, body, {
      contentType: upload.file.contentType,
      cacheControl: upload.cacheControl,
      contentMd5: upload.file.md5Base64,
      sha256: upload.file.sha256,
      // Lets a later deploy tell "same bytes" from "changed" when the ETag is not an MD5 (SSE-KMS).
      ...(upload.immutable ? { metadata: { sha256: upload.file.sha256 } } : {}),
    });
    files++;
    bytes += upload.file.size;
    reporter.progress({ files, totalFiles: uploads.length, bytes, totalBytes });
  });
  reporter.endProgress();
}
