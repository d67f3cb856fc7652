/** Packing the package and installing it into a throwaway project, as a user would (package test, benchmarks). */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './paths.ts';

export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** `npm pack` into `dir` (prepack builds dist/); the tarball's path and the files it ships. */
export function pack(dir: string): { tarball: string; files: string[] } {
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir, '--loglevel=error'], PROJECT_ROOT)) as {
    filename: string;
    files: { path: string }[];
  }[];
  return { tarball: join(dir, packed[0]!.filename), files: packed[0]!.files.map((file) => file.path) };
}

/** A project made from scratch in `dir/name` with `dependencies` installed (tarballs or name@version). */
export function installProject(dir: string, name: string, dependencies: string[]): string {
  const root = join(dir, name);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), `${JSON.stringify({ name, private: true, type: 'module' }, null, 2)}\n`);
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...dependencies], root);
  return root;
}

/** `name@version` as this repository pins it (devDependencies). */
export function pinned(name: string): string {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  return `${name}@${pkg.devDependencies[name]}`;
}
