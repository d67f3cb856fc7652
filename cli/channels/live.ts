/**
 * The live pointer of a channel (contracts/channels.ts channelPointerKey): read it with its ETag,
 * and switch it with a conditional write (If-Match the ETag read, or If-None-Match * when there
 * was none), so two concurrent deploys or rollbacks cannot interleave: the loser gets a
 * ConflictError and nothing changes. Production migrates from the legacy `manifest.json`.
 */
import {
  CHANNEL_NAME_RULE,
  channelNameProblem,
  channelPointerKey,
  LEGACY_MANIFEST_KEY,
  PRODUCTION_CHANNEL,
} from '../../contracts/channels.ts';
import {
  MANIFEST_CACHE_CONTROL,
  nextManifest,
  parseManifest,
  parseReleaseRecord,
  releaseRecordKey,
  type Manifest,
  type ReleaseRecord,
} from '../../contracts/release.ts';
import { shellSizeProblem } from '../../contracts/shell.ts';
import { PreconditionFailed, type Bucket } from '../bucket/bucket.ts';
import { ConflictError, InputError, UsageError } from '../shared/errors.ts';

export interface LiveState {
  /** The channel this state is of (production unless --channel said otherwise). */
  readonly channel: string;
  readonly manifest: Manifest | undefined;
  /** The ETag of the channel's pointer; undefined when it does not exist yet. */
  readonly etag: string | undefined;
  /** Why the pointer could not be used, when it exists but is invalid (only with `tolerateInvalid`). */
  readonly invalid?: string;
  /**
   * Production only: the pre-channels pointer `manifest.json` is in the bucket (with this ETag).
   * While it is, production switches also update it, so an edge function deployed before
   * channels keeps following production (docs/release-format.md, "Migration").
   */
  readonly legacy?: { readonly etag: string; readonly manifest: Manifest | undefined };
}

/** `s3://bucket/key` of a channel's pointer, for messages. */
export function pointerUrl(bucket: Bucket, channel: string): string {
  return `s3://${bucket.name}/${channelPointerKey(channel)}`;
}

/**
 * Reads a channel's pointer and its ETag (production: also the legacy `manifest.json`, which is
 * what production serves while its channel pointer does not exist yet). An invalid pointer is an
 * InputError, unless `tolerateInvalid` (deploy, rollback --to): then the state says why, and a
 * conditional write on its ETag can replace it.
 */
export async function readLive(bucket: Bucket, options: { channel?: string; tolerateInvalid?: boolean } = {}): Promise<LiveState> {
  const channel = options.channel ?? PRODUCTION_CHANNEL;
  const key = channelPointerKey(channel);
  const [found, legacyFound] = await Promise.all([
    bucket.getText(key),
    channel === PRODUCTION_CHANNEL ? bucket.getText(LEGACY_MANIFEST_KEY) : undefined,
  ]);
  const legacy = legacyFound ? { etag: legacyFound.etag, manifest: tryParse(legacyFound.text) } : undefined;
  const base = { channel, ...(legacy ? { legacy } : {}) };
  // Not migrated yet: production is what the legacy pointer says (the edge falls back to it too).
  const current = found ?? (legacyFound ? { ...legacyFound, key: LEGACY_MANIFEST_KEY } : undefined);
  if (!current) return { ...base, manifest: undefined, etag: undefined };
  const etag = found ? found.etag : undefined;
  try {
    return { ...base, manifest: parseManifest(current.text), etag };
  } catch (error) {
    const problem = `s3://${bucket.name}/${found ? key : LEGACY_MANIFEST_KEY} is not a valid manifest (${(error as Error).message})`;
    if (options.tolerateInvalid) return { ...base, manifest: undefined, etag, invalid: problem };
    throw new InputError(
      `${problem}. The edge keeps serving its last good copy; \`shellfront rollback --to <id>${channelFlag(channel)}\` or a new deploy replaces it.`,
      { cause: error },
    );
  }
}

function tryParse(text: string): Manifest | undefined {
  try {
    return parseManifest(text);
  } catch {
    return undefined;
  }
}

/** The channel a command was given (production by default); a UsageError that states the rule otherwise. */
export function checkChannel(channel: string | undefined): string {
  const name = channel ?? PRODUCTION_CHANNEL;
  const problem = channelNameProblem(name);
  if (problem) throw new UsageError(`--channel ${JSON.stringify(name)}: ${problem}; ${CHANNEL_NAME_RULE}`);
  return name;
}

/** ` --channel <name>` for commands that name a preview; nothing for production. */
export function channelFlag(channel: string): string {
  return channel === PRODUCTION_CHANNEL ? '' : ` --channel ${channel}`;
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

/**
 * Makes `release` live on the state's channel, provided its pointer is still what `live` read
 * (If-Match its ETag, or If-None-Match * when there was none). Returns the new manifest. On
 * production, a legacy `manifest.json` is then updated too (If-Match), so edge functions deployed
 * before channels follow; if that second write loses a race, the new pointer (which every current
 * edge reads) is already switched, and the warning says so.
 */
export async function switchLive(
  bucket: Bucket,
  release: ReleaseRecord,
  live: LiveState,
  now: Date,
  reporter?: { warn(message: string): void },
): Promise<Manifest> {
  const base = live.manifest ?? live.legacy?.manifest;
  const { manifest, text } = servableManifest(release, base, now);
  const key = channelPointerKey(live.channel);
  const write = { contentType: 'application/json; charset=utf-8', cacheControl: MANIFEST_CACHE_CONTROL };
  try {
    await bucket.put(key, text, { ...write, ...(live.etag ? { ifMatch: live.etag } : { ifNoneMatch: '*' as const }) });
  } catch (error) {
    if (error instanceof PreconditionFailed) {
      throw new ConflictError(
        `Another deploy or rollback changed s3://${bucket.name}/${key} while this one ran, so "${release.id}" was NOT made live ` +
          `(the other one won). Check \`shellfront releases${channelFlag(live.channel)}\`; to make this one live anyway run ` +
          `\`shellfront rollback --to ${release.id}${channelFlag(live.channel)}\`.`,
        { cause: error },
      );
    }
    throw error;
  }
  if (live.legacy) {
    try {
      await bucket.put(LEGACY_MANIFEST_KEY, text, { ...write, ifMatch: live.legacy.etag });
    } catch (error) {
      if (!(error instanceof PreconditionFailed)) throw error;
      reporter?.warn(
        `"${release.id}" is live (${key}), but s3://${bucket.name}/${LEGACY_MANIFEST_KEY} changed meanwhile and was left as it is: ` +
          'only an edge function older than channels reads it. Delete it once the stack runs this version.',
      );
    }
  }
  return manifest;
}
