#!/usr/bin/env node
// The `shellfront` executable. Runs the TypeScript sources directly through tsx (a runtime
// dependency), so it works from a clean clone with no build step.
import { register } from 'tsx/esm/api';

// The SDK's notice about its own future Node support is not something a deploy can act on
// (this package pins the SDK); keep CI logs for what matters.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { run } = await import('../cli/main.ts');
process.exitCode = await run({ argv: process.argv.slice(2) });
