/**
 * The viewer-request CloudFront Function (runtime cloudfront-js-2.0) that copies the viewer's
 * Host into the channel header, so the origin-request handler (which sees the bucket's Host) can
 * map it to a channel (contracts/channels.ts). It overwrites any value the viewer sent under that
 * name, so a viewer cannot pick a channel by header. The stack installs this exact source and the
 * local edge runs it before the handler; test/contracts/viewer-function.test.ts runs it in node.
 *
 * Limits (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html,
 * "Quotas on CloudFront Functions"): function size at most 10 KB; restrictions in
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-function-restrictions.html.
 * Pure data; no I/O, no dependencies.
 */
import { CHANNEL_HEADERS } from './edge-config.ts';

/** CloudFront Functions size quota, in bytes (see the link above). */
export const VIEWER_FUNCTION_MAX_BYTES = 10 * 1024;
export const VIEWER_FUNCTION_RUNTIME = 'cloudfront-js-2.0';

/** The function's source, as CloudFront stores it. Headers in the event are lowercase. */
export const VIEWER_FUNCTION_SOURCE = `function handler(event) {
  var request = event.request;
  var headers = request.headers;
  var host = headers.host;
  if (host && typeof host.value === 'string') {
    headers[${JSON.stringify(CHANNEL_HEADERS.viewerHost)}] = { value: host.value };
  } else {
    delete headers[${JSON.stringify(CHANNEL_HEADERS.viewerHost)}];
  }
  return request;
}
`;
