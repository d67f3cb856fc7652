/**
 * The response headers policy on every behavior, rendered from securityHeaders() in
 * contracts/edge-config.ts (the same headers the local edge sends). A header the contract adds
 * that this file cannot express is a synth error, so the two never drift apart silently.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';
import { securityHeaders } from '../contracts/edge-config.ts';
import { ORIGIN_MAY_SET_SECURITY_HEADERS } from '../contracts/edge-headers.ts';
import { accountUniqueName } from './names.ts';

function enumValue<T extends string>(values: Record<string, T>, value: string, header: string): T {
  const found = Object.values(values).find((v) => v.toLowerCase() === value.toLowerCase());
  if (!found) throw new Error(`securityHeaders() sets ${header}: ${value}, which CloudFront's policy cannot express`);
  return found;
}

function hsts(value: string): cloudfront.ResponseHeadersStrictTransportSecurity {
  const directives = value.split(';').map((d) => d.trim().toLowerCase());
  const maxAge = /^max-age=(\d+)$/.exec(directives[0] ?? '')?.[1];
  if (!maxAge) throw new Error(`securityHeaders() sets strict-transport-security without max-age: ${value}`);
  return {
    accessControlMaxAge: Duration.seconds(Number(maxAge)),
    includeSubdomains: directives.includes('includesubdomains'),
    preload: directives.includes('preload'),
    override: true,
  };
}

/** CloudFront's security-header settings for `securityHeaders({ csp })`. */
export function securityHeadersBehavior(csp: string): cloudfront.ResponseSecurityHeadersBehavior {
  const behavior: { -readonly [K in keyof cloudfront.ResponseSecurityHeadersBehavior]: cloudfront.ResponseSecurityHeadersBehavior[K] } = {};
  for (const [name, value] of Object.entries(securityHeaders({ csp }))) {
    switch (name) {
      case 'strict-transport-security':
        behavior.strictTransportSecurity = hsts(value);
        break;
      case 'x-content-type-options':
        if (value !== 'nosniff') throw new Error(`securityHeaders() sets ${name}: ${value}; CloudFront only sends nosniff`);
        behavior.contentTypeOptions = { override: true };
        break;
      case 'x-frame-options':
        behavior.frameOptions = { frameOption: enumValue(cloudfront.HeadersFrameOption, value, name), override: true };
        break;
      case 'referrer-policy':
        behavior.referrerPolicy = { referrerPolicy: enumValue(cloudfront.HeadersReferrerPolicy, value, name), override: true };
        break;
      case 'content-security-policy':
        // Off: a release's `_headers` may give a path a stricter CSP (S3 never sends one).
        behavior.contentSecurityPolicy = { contentSecurityPolicy: value, override: !ORIGIN_MAY_SET_SECURITY_HEADERS.includes(name) };
        break;
      default:
        throw new Error(`securityHeaders() sets ${name}, which infra/response-headers.ts does not map to the CloudFront policy`);
    }
  }
  return behavior;
}

export function createResponseHeadersPolicy(scope: Construct, id: string, csp: string): cloudfront.ResponseHeadersPolicy {
  return new cloudfront.ResponseHeadersPolicy(scope, id, {
    // Response headers policy names are unique per account, in every region: add the region.
    responseHeadersPolicyName: accountUniqueName(scope, 128, id),
    comment: 'shellfront: HSTS, nosniff, frame options, referrer policy, CSP',
    securityHeadersBehavior: securityHeadersBehavior(csp),
  });
}
