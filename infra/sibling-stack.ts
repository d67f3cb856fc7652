/**
 * The us-east-1 stacks beside a stack elsewhere: Lambda@Edge functions and alarms on CloudFront's
 * metrics can only live in us-east-1, so a stack in another Region gets a sibling there for them.
 */
import { Stack, Stage } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

export const US_EAST_1 = 'us-east-1';

/**
 * The sibling stack `stackId` in us-east-1, in the same account, stage and tags as `scope`'s
 * stack: created on first use, shared after (several sites in one stack share one sibling).
 */
export function usEast1Sibling(scope: Construct, stackId: string, description: string): Stack {
  const stage = Stage.of(scope);
  if (!stage) throw new Error('a Shellfront stack outside us-east-1 must be part of a CDK App or Stage');
  const existing = stage.node.tryFindChild(stackId);
  if (existing) return existing as Stack;
  const parent = Stack.of(scope);
  return new Stack(stage, stackId, {
    env: { region: US_EAST_1, account: parent.account },
    tags: parent.tags.tagValues(),
    description,
  });
}
