/**
 * Lambda@Edge's header rules live in contracts/edge-headers.ts (the deploy CLI checks `_headers`
 * against the same data); re-exported here for the adapter and the local edge.
 */
export {
  DISALLOWED_HEADER_PREFIXES,
  DISALLOWED_HEADERS,
  headerAllowed,
  MAX_GENERATED_RESPONSE_BYTES,
  READ_ONLY_ORIGIN_REQUEST_HEADERS,
} from '../../contracts/edge-headers.ts';
