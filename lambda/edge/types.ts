/**
 * The parts of the Lambda@Edge origin-request event and result that the adapter uses, as
 * documented in "Lambda@Edge event structure" (CloudFront Developer Guide):
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-event-structure.html
 */

export type CloudFrontHeaders = Record<string, Array<{ key?: string; value: string }>>;

export interface CloudFrontS3Origin {
  authMethod?: string;
  customHeaders?: CloudFrontHeaders;
  domainName: string;
  path?: string;
  region?: string;
}

export interface CloudFrontCustomOrigin {
  customHeaders?: CloudFrontHeaders;
  domainName: string;
  path?: string;
  port?: number;
  protocol?: string;
  [field: string]: unknown;
}

export interface CloudFrontRequest {
  clientIp?: string;
  headers: CloudFrontHeaders;
  method: string;
  querystring: string;
  uri: string;
  origin?: { s3?: CloudFrontS3Origin; custom?: CloudFrontCustomOrigin };
  body?: unknown;
}

export interface CloudFrontRequestEvent {
  Records: Array<{
    cf: {
      config: { distributionDomainName?: string; distributionId?: string; eventType?: string; requestId?: string };
      request: CloudFrontRequest;
    };
  }>;
}

/** A generated response: string status, lowercase header keys holding `[{key, value}]`. */
export interface CloudFrontResultResponse {
  status: string;
  statusDescription?: string;
  headers: CloudFrontHeaders;
  bodyEncoding?: 'text' | 'base64';
  body?: string;
}

export type CloudFrontRequestResult = CloudFrontRequest | CloudFrontResultResponse;
