/** Shared setup for the local-system tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A minimal Vite-like build under `<dir>/<name>`: an index.html naming one content-hashed module
 * (assets/app-<name>0001.js) whose text is `text`; returns the build folder.
 */
export function writeBuild(dir: string, name: string, text: string): string {
  const dist = join(dir, name);
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(dist, path)), { recursive: true });
    writeFileSync(join(dist, path), content);
  };
  write(
    'index.html',
    `<!doctype html><html><head><script type="module" src="/assets/app-${name}0001.js"></script></head><body>${text}</body></html>`,
  );
  write(`assets/app-${name}0001.js`, `console.log(${JSON.stringify(text)});`);
  return dist;
}
