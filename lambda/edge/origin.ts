/**
 * Where the handler's settings come from: the bucket and its region from the S3 origin's domain
 * name, the config from the origin's custom headers (contracts/edge-config.ts CONFIG_HEADERS).
 */
import type { CloudFrontHeaders, CloudFrontRequest } from './types.ts';

export interface BucketAddress {
  readonly bucket: string;
  readonly region: string;
}

export interface OriginInfo extends BucketAddress {
  readonly domainName: string;
  /** First value of an origin custom header (lowercase name), if set. */
  readonly header: (name: string) => string | undefined;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
/** `<bucket>.s3.amazonaws.com`: the legacy global endpoint, us-east-1. */
const GLOBAL = /^(.+)\.s3\.amazonaws\.com$/;
/** `<bucket>.s3.<region>.amazonaws.com` (also `s3-<region>`, `s3.dualstack.<region>`, `.com.cn`). */
const REGIONAL = /^(.+)\.s3[.-](?:dualstack\.)?([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;

/** The bucket and region named by an S3 REST endpoint domain, or undefined for any other domain. */
export function parseS3Domain(domainName: string): BucketAddress | undefined {
  const domain = domainName.toLowerCase().replace(/\.$/, '');
  const global = GLOBAL.exec(domain);
  const match = global ? { bucket: global[1], region: 'us-east-1' } : undefined;
  const regional = match ? undefined : REGIONAL.exec(domain);
  const found = match ?? (regional ? { bucket: regional[1], region: regional[2] } : undefined);
  if (!found?.bucket || !found.region || !BUCKET.test(found.bucket) || found.bucket.includes('..')) return undefined;
  return { bucket: found.bucket, region: found.region };
}

function headerReader(headers: CloudFrontHeaders | undefined): (name: string) => string | undefined {
  return (name) => headers?.[name]?.[0]?.value;
}

/**
 * The S3 bucket behind this request's origin. An S3 origin is the normal case; a custom origin
 * is accepted when its domain is an S3 REST endpoint. Undefined for anything else.
 */
let lastDomain: string | undefined;
let lastAddress: BucketAddress | undefined;

export function originOf(request: CloudFrontRequest): OriginInfo | undefined {
  const origin = request.origin?.s3 ?? request.origin?.custom;
  if (!origin?.domainName) return undefined;
  // Every request of a distribution names the same origin: parse its domain once.
  if (origin.domainName !== lastDomain) {
    lastDomain = origin.domainName;
    lastAddress = parseS3Domain(origin.domainName);
  }
  const address = lastAddress;
  if (!address) return undefined;
  // CloudFront names the S3 origin's region in the event (origin.s3.region); prefer it to what the
  // domain implies: the legacy global endpoint (<bucket>.s3.amazonaws.com) says nothing of it.
  const named = request.origin?.s3?.region;
  const region = named && REGION.test(named) ? named : address.region;
  return { ...address, region, domainName: origin.domainName, header: headerReader(origin.customHeaders) };
}
