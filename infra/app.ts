/** The CDK app (`cdk.json`: `npx tsx infra/app.ts`). Settings and their defaults: docs/stack.md. */
import { createApp } from './create-app.ts';
import { ShellfrontConfigError } from './validate.ts';

try {
  // No construct stack traces: the cdk CLI would print their source locations before each warning.
  createApp({ stackTraces: false }).app.synth();
} catch (error) {
  if (!(error instanceof ShellfrontConfigError)) throw error;
  // A settings mistake: the message says what and how to fix it; a stack trace would bury it.
  console.error(`shellfront: ${error.message}`);
  process.exitCode = 1;
}
