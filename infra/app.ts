/** The CDK app (`cdk.json`: `npx tsx infra/app.ts`). Settings: docs/stack.md. */
import { createApp } from './create-app.ts';

createApp().app.synth();
