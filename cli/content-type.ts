/** Content-Type for a file by its extension (the `mime` package), with a charset for text. */
import mime from 'mime';

const TEXT_LIKE = /^(text\/|application\/(json|javascript|ld\+json|manifest\+json|xml)|image\/svg\+xml)/;

export function contentTypeOf(path: string): string {
  const type = mime.getType(path) ?? 'application/octet-stream';
  return TEXT_LIKE.test(type) ? `${type}; charset=utf-8` : type;
}
