/**
 * Builds the shellfront CDK app from context: the stack (and, outside us-east-1, its us-east-1
 * sibling for the edge function) with cdk-nag's AwsSolutions checks attached.
 */
import { Annotations, App, type AppProps, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONTEXT_KEYS, readSettings, unknownContextKeys } from './settings.ts';
import { ShellfrontStack } from './stack.ts';

export interface CreateAppOptions extends AppProps {
  /** Supplies CDK_DEFAULT_ACCOUNT. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default - lambda/index.ts bundled with scripts/edge-bundle.ts */
  readonly edgeCode?: lambda.Code;
}

export function createApp(options: CreateAppOptions = {}): { app: App; stack: ShellfrontStack } {
  const { env = process.env, edgeCode, ...appProps } = options;
  const app = new App(appProps);
  const context = app.node.getAllContext() as Record<string, unknown>;
  const settings = readSettings(context, env);
  const stack = new ShellfrontStack(app, settings.stackName, {
    env: { region: settings.region, ...(settings.account ? { account: settings.account } : {}) },
    site: settings.site,
    ...(settings.hostedZone ? { hostedZone: settings.hostedZone } : {}),
    ...(edgeCode ? { edgeCode } : {}),
  });
  for (const key of unknownContextKeys(context)) {
    Annotations.of(stack).addWarningV2(
      `shellfront:unknownContext:${key}`,
      `context key ${JSON.stringify(key)} is not a shellfront setting (known: ${Object.keys(CONTEXT_KEYS).join(', ')})`,
    );
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
