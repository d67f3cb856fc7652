/**
 * The live pointer: read manifest.json with its ETag, and switch it with a conditional write
 * (If-Match the ETag read, or If-None-Match * when there was none), so two concurrent
 * deploys or rollbacks cannot interleave: the loser gets a ConflictError and nothing changes.
 */
import {
  MANIFEST_CACHE_CONTROL,
  MANIFEST_KEY,
  nextManifest,
  parseManifest,
  parseReleaseRecord,
  releaseRecordKey,
  type Manifest,
  type ReleaseRecord,
} from '../contracts/release.ts';
import { shellSizeProblem } from '../contracts/shell.ts';
import { PreconditionFailed, type Bucket } from './bucket.ts';
import { ConflictError, InputError } from './errors.ts';

export interface LiveState {
  readonly manifest: Manifest | undefined;
  /** undefined when there is no manifest.json yet. */
  readonly etag: string | undefined;
  /** Why manifest.json could not be used, when it exists but is invalid (only with `tolerateInvalid`). */
  readonly invalid?: string;
}

/**
 * Reads manifest.json and its ETag. An invalid manifest is an InputError, unless
 * `tolerateInvalid` (deploy, rollback --to): then the state says why, and a conditional write
 * on its ETag can replace it.
 */
export async function readLive(bucket: Bucket, options: { tolerateInvalid?: boolean } = {}): Promise<LiveState> {
  const found = await bucket.getText(MANIFEST_KEY);
  if (!found) return { manifest: undefined, etag: undefined };
  try {
    return { manifest: parseManifest(found.text), etag: found.etag };
  } catch (error) {
    const problem = `s3://${bucket.name}/${MANIFEST_KEY} is not a valid manifest (${(error as Error).message})`;
    if (options.tolerateInvalid) return { manifest: undefined, etag: found.etag, invalid: problem };
    throw new InputError(
      `${problem}. The edge keeps serving its last good copy; \`shellfront rollback --to <id>\` or a new deploy replaces it.`,
      { cause: error },
    );
  }
}

export async function readRecord(bucket: Bucket, id: string): Promise<ReleaseRecord | undefined> {
  const found = await bucket.getText(releaseRecordKey(id));
  if (!found) return undefined;
  try {
    return parseReleaseRecord(found.text);
  } catch (error) {
    throw new InputError(`s3://${bucket.name}/${releaseRecordKey(id)} is not a valid release record (${(error as Error).message}).`, {
      cause: error,
    });
  }
}

/**
 * The manifest that makes `release` live, checked the way the edge will check it (schema, the
 * 5 MB document limit, a shell under Lambda@Edge's response limit): an InputError for a release
 * every edge would refuse, raised before anything is written.
 */
export function servableManifest(release: ReleaseRecord, current: Manifest | undefined, now: Date): { manifest: Manifest; text: string } {
  const shell = shellSizeProblem(release);
  if (shell) throw new InputError(`Release "${release.id}" cannot be served: ${shell}`);
  const text = JSON.stringify(nextManifest(release, current, now));
  try {
    return { manifest: parseManifest(text), text };
  } catch (error) {
    throw new InputError(`Release "${release.id}" cannot be made live: ${(error as Error).message}`, { cause: error });
  }
}

/** Makes `release` live, provided manifest.json is still what `live` read. Returns the new manifest. */
export async function switchLive(bucket: Bucket, release: ReleaseRecord, live: LiveState, now: Date): Promise<Manifest> {
  const { manifest, text } = servableManifest(release, live.manifest, now);
  try {
    await bucket.put(MANIFEST_KEY, text, {
      contentType: 'application/json; charset=utf-8',
      cacheControl: MANIFEST_CACHE_CONTROL,
      ...(live.etag ? { ifMatch: live.etag } : { ifNoneMatch: '*' as const }),
    });
  } catch (error) {
    if (error instanceof PreconditionFailed) {
      throw new ConflictError(
        `Another deploy or rollback changed s3://${bucket.name}/${MANIFEST_KEY} while this one ran, so "${release.id}" was NOT made live ` +
          `(the other one won). Check \`shellfront releases\`; to make this one live anyway run \`shellfront rollback --to ${release.id}\`.`,
        { cause: error },
      );
    }
    throw error;
  }
  return manifest;
}
