/**
 * Shared setup for the stack tests: apps get cdk.json's context (the feature flags `cdk synth`
 * runs with), and the real edge bundle (staged once per test file by infra/edge-bundle-asset.ts).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../infra/create-app.ts';
import { Shellfront, type ShellfrontConstructProps } from '../../infra/shellfront.ts';
import { ShellfrontStack, type ShellfrontStackProps } from '../../infra/stack.ts';

/** A stack build with bundling takes 2.5-4 s on two cores. */
export const STACK_TIMEOUT = 60_000;

const cdkJson = JSON.parse(readFileSync(fileURLToPath(new URL('../../cdk.json', import.meta.url)), 'utf8')) as {
  context: Record<string, unknown>;
};

/** cdk.json's context plus `overrides` (values as `-c` would give them). */
export function cdkContext(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...cdkJson.context, ...overrides };
}

export function newApp(): App {
  return new App({ context: cdkContext() });
}

export function buildStack(
  props: ShellfrontStackProps = {},
  region = 'us-east-1',
): {
  app: App;
  stack: ShellfrontStack;
  template: Template;
} {
  const app = newApp();
  const stack = new ShellfrontStack(app, 'Shellfront', { env: { region }, ...props });
  return { app, stack, template: Template.fromStack(stack) };
}

/** A plain stack holding one Shellfront construct (how a team embeds it). */
export function buildConstruct(
  props: ShellfrontConstructProps = {},
  region = 'us-east-1',
): {
  stack: Stack;
  site: Shellfront;
} {
  const app = newApp();
  const stack = new Stack(app, 'Team', { env: { region } });
  return { stack, site: new Shellfront(stack, 'Site', props) };
}

/** The app exactly as `cdk synth` builds it (cdk-nag attached), from `-c`-style overrides. */
export function buildApp(overrides: Record<string, unknown> = {}) {
  return createApp({ context: cdkContext(overrides), env: {} });
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }>;

/** The one resource of `type` in the template (fails when there are none or several). */
export function only(template: Template, type: string): { id: string; Properties: Record<string, any>; DeletionPolicy?: string } {
  const found = Object.entries(template.findResources(type) as Resources);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [id, resource] = found[0]!;
  return { id, Properties: resource.Properties ?? {}, ...(resource.DeletionPolicy ? { DeletionPolicy: resource.DeletionPolicy } : {}) };
}

/** The distribution's config. */
export function distributionConfig(template: Template): Record<string, any> {
  return only(template, 'AWS::CloudFront::Distribution').Properties.DistributionConfig;
}

/** Every IAM policy statement in the template, with the policy's logical id. */
export function policyStatements(template: Template): Array<{ policy: string; statement: Record<string, any> }> {
  const out: Array<{ policy: string; statement: Record<string, any> }> = [];
  for (const [id, resource] of Object.entries(template.findResources('AWS::IAM::Policy') as Resources)) {
    const statements = (resource.Properties?.PolicyDocument as { Statement: Record<string, any>[] }).Statement;
    for (const statement of statements) out.push({ policy: id, statement });
  }
  return out;
}

export const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
