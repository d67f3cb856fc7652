import { describe, expect, it } from 'vitest';
import {
  CHANNEL_NAME_RULE,
  ChannelNameError,
  LEGACY_MANIFEST_KEY,
  PRODUCTION_CHANNEL,
  assertChannelName,
  channelForHost,
  channelNameProblem,
  channelOfPointerKey,
  channelPointerKey,
  channelReadKeys,
  channelUrl,
} from '../../contracts/channels.ts';
import { CHANNEL_HEADERS, CONFIG_HEADERS } from '../../contracts/edge-config.ts';

describe('channel names', () => {
  it.each(['production', 'pr-7', 'a', '0', 'x'.repeat(63), 'feature-x1'])('accepts %s', (name) => {
    expect(channelNameProblem(name)).toBeUndefined();
  });
  it.each(['', '-a', 'a-', 'PR-7', 'pr_7', 'pr.7', '..', 'a/b', 'x'.repeat(64), 'xn--bcher-kva', 'ä', ' pr-7'])('refuses %j', (name) => {
    expect(channelNameProblem(name)).toBeTypeOf('string');
    expect(() => assertChannelName(name)).toThrow(ChannelNameError);
  });
  it('states the rule and the value in the refusal', () => {
    const error = new ChannelNameError('PR_7');
    expect(error.message).toContain('"PR_7"');
    expect(error.message).toContain(CHANNEL_NAME_RULE);
    expect(error.name).toBe('ChannelNameError');
  });
});

describe('pointer keys', () => {
  it('derives every channel pointer, production included, under one prefix', () => {
    expect(channelPointerKey('production')).toBe('_shellfront/channels/production.json');
    expect(channelPointerKey('pr-7')).toBe('_shellfront/channels/pr-7.json');
    expect(() => channelPointerKey('../x')).toThrow(ChannelNameError);
  });
  it('falls back to the legacy manifest.json for production only', () => {
    expect(channelReadKeys(PRODUCTION_CHANNEL)).toEqual(['_shellfront/channels/production.json', LEGACY_MANIFEST_KEY]);
    expect(channelReadKeys('pr-7')).toEqual(['_shellfront/channels/pr-7.json']);
  });
  it('reads the channel back from a key', () => {
    expect(channelOfPointerKey('_shellfront/channels/pr-7.json')).toBe('pr-7');
    expect(channelOfPointerKey('_shellfront/channels/PR.json')).toBeUndefined();
    expect(channelOfPointerKey('manifest.json')).toBeUndefined();
  });
});

describe('host → channel', () => {
  const domain = 'preview.example.com';
  const channel = (host: string | undefined, d: string | undefined = domain) => channelForHost(host, d);
  it('serves production on every host without a preview domain', () => {
    expect(channelForHost('pr-7.preview.example.com', undefined)).toEqual({ kind: 'channel', channel: 'production' });
  });
  it('maps one label in front of the preview domain to that channel', () => {
    expect(channel('pr-7.preview.example.com')).toEqual({ kind: 'channel', channel: 'pr-7' });
    expect(channel('PR-7.Preview.Example.COM')).toEqual({ kind: 'channel', channel: 'pr-7' });
    expect(channel('pr-7.preview.example.com.')).toEqual({ kind: 'channel', channel: 'pr-7' });
    expect(channel('pr-7.preview.example.com:443')).toEqual({ kind: 'channel', channel: 'pr-7' });
    expect(channel('pr-7.localhost:63080', 'localhost')).toEqual({ kind: 'channel', channel: 'pr-7' });
  });
  it('serves production on the site domain, the distribution domain, the preview domain itself and a missing Host', () => {
    for (const host of ['www.example.com', 'd111.cloudfront.net', undefined, '', 'production.preview.example.com', 'preview.example.com']) {
      expect(channel(host)).toEqual({ kind: 'channel', channel: 'production' });
    }
  });
  it.each([
    '..preview.example.com',
    'a.b.preview.example.com',
    '.preview.example.com',
    'xn--bcher-kva.preview.example.com',
    `${'x'.repeat(64)}.preview.example.com`,
    `${'x'.repeat(300)}.preview.example.com`,
    'pr_7.preview.example.com',
    '-pr.preview.example.com',
  ])('never serves a hostile host %j as a channel or production', (host) => {
    expect(channel(host).kind).toBe('unknown');
  });
  it('builds the preview URL', () => {
    expect(channelUrl('pr-7', 'Preview.Example.com.')).toBe('https://pr-7.preview.example.com/');
  });
  it('keeps the channel headers apart from the config headers', () => {
    const all = [...Object.values(CHANNEL_HEADERS), ...Object.values(CONFIG_HEADERS)];
    expect(new Set(all).size).toBe(all.length);
  });
});
