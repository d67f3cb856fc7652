/**
 * What the CLI and the handler both need of S3's wire protocol, defined once.
 *
 * The one encoder for S3 keys in request paths, used by the CLI's uploads, the handler's manifest
 * GET and its release-file rewrites, and the SigV4 canonical path: RFC 3986 strict, so every
 * character but the unreserved ones (A-Z a-z 0-9 - . _ ~) and "/" is percent-encoded, `!'()*`
 * included (encodeURIComponent leaves those five alone; SigV4 and S3 do not).
 */
export function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** An S3 key as a URI path (without the leading "/"): each segment encoded, "/" kept. */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(encodeRfc3986).join('/');
}

/** The `<Code>` and `<Message>` of an S3 error body (XML), as far as they are there. */
export function parseS3Error(body: string): { readonly code?: string; readonly message?: string } {
  const field = (name: string) => new RegExp(`<${name}>([^<]{0,1000})</${name}>`).exec(body)?.[1];
  const code = field('Code');
  const message = field('Message');
  return { ...(code !== undefined ? { code } : {}), ...(message !== undefined ? { message } : {}) };
}
