/** Flag values that need more than a type: whole numbers, durations, the --config file. */
import { readFile } from 'node:fs/promises';
import { InputError, UsageError } from '../shared/errors.ts';

export function parseWholeNumber(flag: string, value: string | undefined, minimum: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < minimum) {
    throw new UsageError(`--${flag} must be a whole number of at least ${minimum}, got ${JSON.stringify(value)}`);
  }
  return number;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30m`, `12h`, `7d`, `2w` (or `0`) in milliseconds. */
export function parseDuration(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '0') return 0;
  const match = /^(\d+)([mhdw])$/.exec(value.trim());
  if (!match) throw new UsageError(`--${flag} must be a duration like 30m, 12h, 7d or 2w, got ${JSON.stringify(value)}`);
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}

/** The runtime config injected into the shell: a JSON object in a file. */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf-8');
  } catch (error) {
    throw new InputError(`Cannot read --config ${path} (${(error as Error).message}).`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`--config ${path} is not valid JSON (${(error as Error).message}).`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(
      `--config ${path} must hold a JSON object like {"apiBase": "/api"}, got ${Array.isArray(value) ? 'an array' : typeof value}.`,
    );
  }
  return value as Record<string, unknown>;
}

export function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`expected a comma-separated list of folders like assets/,js/, got ${JSON.stringify(value)}`);
  return items;
}
