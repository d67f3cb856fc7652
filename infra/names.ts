/**
 * Names that must be unique in the account across every region (CloudFront policies, origin
 * access controls, Lambda@Edge functions, which all live in one global or us-east-1 namespace):
 * the construct path made unique, plus the stack's region, so the same app deployed to two
 * regions, or two stacks in one, never collide with AlreadyExists.
 */
import { Names, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

export function accountUniqueName(scope: Construct, maxLength: number, what = ''): string {
  const region = Stack.of(scope).region;
  const suffix = `${what ? `-${what}` : ''}-${region}`;
  return `${Names.uniqueResourceName(scope, { maxLength: maxLength - suffix.length, separator: '-' })}${suffix}`;
}
