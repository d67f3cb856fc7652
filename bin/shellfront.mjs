#!/usr/bin/env node
// The `shellfront` executable: runs the CLI bundle that `npm run build` (and `npm pack`) put in
// dist/cli/. No TypeScript loader and no build at run time.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url);
const bundle = fileURLToPath(new URL('dist/cli/main.mjs', root));

// The SDK's notice about its own future Node support is not something a deploy can act on
// (this package pins its SDK); keep CI logs for what matters. README: "Node.js".
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

if (!existsSync(bundle)) {
  const inRepository = existsSync(fileURLToPath(new URL('cli/main.ts', root)));
  process.stderr.write(
    inRepository
      ? 'shellfront: the CLI is not built yet: run `npm run build` in this repository first.\n'
      : `shellfront: ${bundle} is missing: this installation of the package is incomplete; reinstall it.\n`,
  );
  process.exit(1);
}
const { run } = await import(pathToFileURL(bundle).href);
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf-8'));
process.exitCode = await run({ argv: process.argv.slice(2), version });
