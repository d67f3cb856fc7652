/**
 * Every channel of a bucket (contracts/channels.ts): one listing of the pointer folder, then the
 * pointers read in parallel. Production is listed even before its pointer exists, from the legacy
 * `manifest.json` (a bucket deployed before channels). Shared by `channels`, `prune` and `releases`.
 */
import {
  CHANNEL_NAME_RULE,
  CHANNELS_PREFIX,
  channelNameProblem,
  channelOfPointerKey,
  channelUrl,
  LEGACY_MANIFEST_KEY,
  PRODUCTION_CHANNEL,
} from '../../contracts/channels.ts';
import { OUTPUT_KEYS } from '../../contracts/stack-outputs.ts';
import { parseManifest, type Manifest } from '../../contracts/release.ts';
import type { Bucket } from '../bucket/bucket.ts';
import { mapLimit } from '../shared/pool.ts';

export interface ChannelState {
  readonly name: string;
  /** The pointer's key (the legacy `manifest.json` for a production not migrated yet). */
  readonly key: string;
  /** undefined when the pointer cannot be read as a manifest (`problem` says why). */
  readonly manifest: Manifest | undefined;
  /** When the pointer object was last written. */
  readonly lastModified: Date;
  readonly problem?: string;
}

export async function readChannels(bucket: Bucket): Promise<ChannelState[]> {
  const listed = (await bucket.list(CHANNELS_PREFIX)).flatMap((object) => {
    const name = channelOfPointerKey(object.key);
    return name === undefined ? [] : [{ name, key: object.key, lastModified: object.lastModified }];
  });
  if (!listed.some((entry) => entry.name === PRODUCTION_CHANNEL)) {
    const legacy = await bucket.head(LEGACY_MANIFEST_KEY);
    if (legacy) listed.push({ name: PRODUCTION_CHANNEL, key: LEGACY_MANIFEST_KEY, lastModified: new Date(0) });
  }
  const states = await mapLimit(listed, 16, async (entry): Promise<ChannelState | undefined> => {
    const found = await bucket.getText(entry.key);
    if (!found) return undefined; // deleted between the listing and the read
    try {
      const manifest = parseManifest(found.text);
      const lastModified = entry.lastModified.getTime() === 0 ? new Date(manifest.updatedAt) : entry.lastModified;
      return { ...entry, lastModified, manifest };
    } catch (error) {
      return {
        ...entry,
        manifest: undefined,
        problem: `s3://${bucket.name}/${entry.key} is not a valid manifest (${(error as Error).message})`,
      };
    }
  });
  return states
    .filter((state): state is ChannelState => state !== undefined)
    .sort((a, b) => Number(b.name === PRODUCTION_CHANNEL) - Number(a.name === PRODUCTION_CHANNEL) || a.name.localeCompare(b.name));
}

/** Where a channel is served, when the stack (or a flag) says: SiteUrl for production, the preview domain for the others. */
export function channelAddress(
  channel: string,
  site: { readonly previewDomain?: string | undefined; readonly stackOutputs?: Readonly<Record<string, string>> | undefined },
): string | undefined {
  if (channel === PRODUCTION_CHANNEL) return site.stackOutputs?.[OUTPUT_KEYS.siteUrl];
  const domain = site.previewDomain ?? site.stackOutputs?.[OUTPUT_KEYS.previewDomain];
  return domain ? channelUrl(channel, domain) : undefined;
}

/** Why `name` cannot be deleted, or undefined. */
export function deletableChannelProblem(name: string): string | undefined {
  const problem = channelNameProblem(name);
  if (problem) return `${JSON.stringify(name)} is not a channel name: ${problem}; ${CHANNEL_NAME_RULE}`;
  if (name === PRODUCTION_CHANNEL) {
    return 'production cannot be deleted: it is the site. `shellfront rollback` changes what it serves.';
  }
  return undefined;
}
