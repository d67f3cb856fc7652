/**
 * `shellfront/cdk`: the construct platform teams add to their own CDK app, its props, and the
 * error it throws for a setting that cannot make a working stack.
 */
export { CLOUDFRONT_LOG_EXCLUDED_REGIONS, Shellfront, type ShellfrontConstructProps } from './shellfront.ts';
export type { CiRoleOptions, ShellfrontProps } from './props.ts';
export { ShellfrontConfigError } from './validate.ts';
export { ShellfrontStack, type ShellfrontStackProps, OUTPUT_KEYS } from './stack.ts';
export { EDGE_RUNTIME } from '../contracts/edge-bundle.ts';
