/**
 * Builds the shellfront CDK app from context: the stack (and, outside us-east-1, its us-east-1
 * sibling for the edge function) with cdk-nag's AwsSolutions checks attached.
 */
import { Annotations, App, type AppProps, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONTEXT_KEYS, inContextTerms, readSettings, unknownContextKeys } from './settings.ts';
import { ShellfrontConfigError } from './validate.ts';
import { ShellfrontStack } from './stack.ts';

export interface CreateAppOptions extends AppProps {
  /** Supplies CDK_DEFAULT_ACCOUNT. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default - the handler bundle shipped in the package (dist/edge/index.mjs) */
  readonly edgeCode?: lambda.Code;
}

export function createApp(options: CreateAppOptions = {}): { app: App; stack: ShellfrontStack } {
  const { env = process.env, edgeCode, ...appProps } = options;
  const app = new App(appProps);
  const context = app.node.getAllContext() as Record<string, unknown>;
  const settings = readSettings(context, env);
  let stack: ShellfrontStack;
  try {
    stack = new ShellfrontStack(app, settings.stackName, {
      env: { region: settings.region, ...(settings.account ? { account: settings.account } : {}) },
      site: settings.site,
      ...(settings.hostedZone ? { hostedZone: settings.hostedZone } : {}),
      ...(edgeCode ? { edgeCode } : {}),
    });
  } catch (error) {
    throw error instanceof ShellfrontConfigError ? inContextTerms(error, context) : error;
  }
  for (const key of unknownContextKeys(context)) {
    // On the site construct: a stack-level message makes the cdk CLI print the stack's source location first.
    Annotations.of(stack.site).addWarningV2(
      `shellfront:unknownContext:${key}`,
      `context key ${JSON.stringify(key)} is not a shellfront setting (known: ${Object.keys(CONTEXT_KEYS).join(', ')})`,
    );
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
