/**
 * A build's `_redirects` and `_headers` (at its root), parsed and checked against the build before
 * anything is uploaded: a rule the edge would never run (under an asset folder, which CloudFront
 * serves without the function, or under a reserved name) or a rewrite to a file the build lacks is
 * refused with its line, like a syntax error. The files themselves are not uploaded.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_KEY, NOT_FOUND_PAGE_FILE, RELEASES_PREFIX, SHELLFRONT_PREFIX } from '../../contracts/release.ts';
import { HEADERS_FILE, REDIRECTS_FILE, RULES_FILES, type ReleaseRules } from '../../contracts/rules.ts';
import { parsePathPattern, targetParts } from '../../contracts/rule-patterns.ts';
import { fileExtensionProblem, hasStaticFileExtension, MAX_FILE_EXTENSIONS } from '../../contracts/static-files.ts';
import type { ScannedDist } from '../build/dist.ts';
import { InputError, UsageError } from '../shared/errors.ts';
import { parseHeaders } from './headers.ts';
import { RulesFileError, type RuleProblem } from './problems.ts';
import { parseRedirects } from './redirects.ts';

/** What the checks need to know about the build. */
export interface BuildFacts {
  readonly root: string;
  /** Every file path of the build that is served (assets and release files), and `index.html`. */
  readonly paths: ReadonlySet<string>;
  readonly assetPrefixes: readonly string[];
  readonly fileExtensions?: ReadonlySet<string>;
}

/** The release's rules, or undefined when the build has neither file. Throws RulesFileError. */
export async function readBuildRules(build: BuildFacts, present: readonly string[]): Promise<ReleaseRules | undefined> {
  if (!RULES_FILES.some((file) => present.includes(file))) return undefined;
  const problems: RuleProblem[] = [];
  const read = async (name: string) => (present.includes(name) ? readText(build.root, name) : '');
  const redirectsFile = join(build.root, REDIRECTS_FILE);
  const headersFile = join(build.root, HEADERS_FILE);
  const redirects = parseRedirects(await read(REDIRECTS_FILE), redirectsFile);
  const headers = parseHeaders(await read(HEADERS_FILE), headersFile);
  problems.push(...redirects.problems, ...headers.problems);
  for (const rule of redirects.rules) {
    const problem = unreachable(rule.from, build) ?? targetMissing(rule.to, rule.status, build);
    if (problem) problems.push({ file: redirectsFile, line: rule.line, problem });
  }
  for (const rule of headers.rules) {
    const problem = unreachable(rule.for, build);
    if (problem) problems.push({ file: headersFile, line: rule.line, problem });
  }
  if (problems.length > 0) throw new RulesFileError(problems);
  return { redirects: redirects.rules, headers: headers.rules };
}

async function readText(root: string, name: string): Promise<string> {
  try {
    return await readFile(join(root, name), 'utf-8');
  } catch (error) {
    throw new InputError(`Cannot read ${join(root, name)} (${(error as Error).message}).`, { cause: error });
  }
}

/** Why requests for `pattern` never reach the rules, or undefined. */
function unreachable(pattern: string, build: BuildFacts): string | undefined {
  const parsed = parsePathPattern(pattern);
  if (!parsed.ok) return undefined;
  const literals: string[] = [];
  for (const segment of parsed.value.segments) {
    if (segment.kind !== 'literal') break;
    literals.push(segment.text);
  }
  const more = parsed.value.splat || parsed.value.segments.length > literals.length;
  const known = `${literals.join('/')}${more ? '/' : ''}`;
  for (const prefix of build.assetPrefixes) {
    if (known.startsWith(prefix) && (more || known.length > prefix.length)) {
      return `${pattern} is under the asset folder /${prefix}, which CloudFront serves from S3 without the edge function: this rule would never run (asset paths are hashed build output; move the rule to another path)`;
    }
  }
  if (known.startsWith(RELEASES_PREFIX) || known.startsWith(SHELLFRONT_PREFIX)) {
    return `${pattern} is a path shellfront reserves (/${RELEASES_PREFIX}…, /${SHELLFRONT_PREFIX}…): the edge answers 404 before any rule`;
  }
  return undefined;
}

/** Why a rewrite or 404 rule's fixed target does not exist in this build, or undefined. */
function targetMissing(target: string, status: number, build: BuildFacts): string | undefined {
  if (status === 404) {
    if (target === `/${NOT_FOUND_PAGE_FILE}` && !build.paths.has(NOT_FOUND_PAGE_FILE)) {
      return `the 404 rule serves /${NOT_FOUND_PAGE_FILE}, but the build has none: add ${NOT_FOUND_PAGE_FILE} to the build, or use /index.html to serve the app with status 404`;
    }
    return undefined;
  }
  if (status !== 200 || targetParts(target).some((part) => part.kind === 'placeholder')) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(target).slice(1);
  } catch {
    return `the rewrite target ${target} is not valid percent-encoding`;
  }
  if (path === '' || build.paths.has(path)) return undefined;
  if (hasStaticFileExtension(path, build.fileExtensions)) {
    return `the rewrite target ${target} is not a file of this build (a rewrite serves a path of the same release)`;
  }
  return undefined;
}

/** Normalizes `--file-extensions` (`.usdz,GLB` ⇒ `usdz`, `glb`) and refuses a bad one. */
export function normalizeFileExtensions(given: readonly string[]): string[] {
  const extensions = [...new Set(given.map((extension) => extension.trim().replace(/^\./, '').toLowerCase()))];
  for (const extension of extensions) {
    const problem = fileExtensionProblem(extension);
    if (problem) throw new UsageError(`--file-extensions: ${problem}`);
  }
  if (extensions.length > MAX_FILE_EXTENSIONS) {
    throw new UsageError(`--file-extensions lists ${extensions.length}; the limit is ${MAX_FILE_EXTENSIONS}`);
  }
  return extensions;
}

/** The routing part of a release record: the build's rules and the extensions `--file-extensions` adds. */
export async function releaseRouting(
  dist: ScannedDist,
  fileExtensions: readonly string[] = [],
): Promise<{ rules?: ReleaseRules; fileExtensions?: readonly string[] }> {
  const extensions = normalizeFileExtensions(fileExtensions);
  const facts: BuildFacts = {
    root: dist.root,
    paths: new Set(['index.html', ...dist.assets.map((file) => file.path), ...dist.files.map((file) => file.path)]),
    assetPrefixes: dist.assetPrefixes,
    fileExtensions: new Set(extensions),
  };
  const rules = await readBuildRules(facts, dist.skipped);
  return { ...(rules ? { rules } : {}), ...(extensions.length > 0 ? { fileExtensions: extensions } : {}) };
}
