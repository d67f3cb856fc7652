/**
 * The bucket as the CLI sees it: list, get, head, put, delete, each retried (cli/bucket/retry.ts) and
 * each S3 failure turned into an error that names the permission, the bucket and the fix.
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { DirectPut } from './direct-put.ts';
import { AwsAccessError, CliError, EXIT, TransientError } from '../shared/errors.ts';
import { httpStatusOf, isRetryable, withRetry, type RetryOptions } from './retry.ts';

export interface ListedObject {
  readonly key: string;
  readonly size: number;
  /** Without quotes. For a single-part upload without KMS this is the hex MD5 of the bytes. */
  readonly etag: string;
  readonly lastModified: Date;
}

export interface PutOptions {
  readonly contentType: string;
  readonly cacheControl: string;
  readonly contentMd5?: string;
  readonly metadata?: Record<string, string>;
  readonly ifMatch?: string;
  readonly ifNoneMatch?: '*';
  /** Hex SHA-256 of the body: the direct upload path signs it, so S3 refuses any other bytes. */
  readonly sha256?: string;
}

/** A conditional write lost: the object changed (If-Match) or exists (If-None-Match). */
export class PreconditionFailed extends Error {
  override readonly name = 'PreconditionFailed';
}

const PERMISSION: Record<string, string> = {
  ListObjectsV2: 's3:ListBucket',
  GetObject: 's3:GetObject',
  HeadObject: 's3:GetObject',
  PutObject: 's3:PutObject',
  DeleteObjects: 's3:DeleteObject',
};

/**
 * Credential failures S3 answers with 403 like a missing permission: each is told apart before
 * the AccessDenied branch and says what to check instead of which permission to grant.
 */
const CREDENTIAL_ERRORS: Readonly<Record<string, string>> = {
  InvalidAccessKeyId:
    'the access key id does not exist in AWS: check AWS_ACCESS_KEY_ID (or the profile in AWS_PROFILE) belongs to this account and was not deleted or rotated',
  SignatureDoesNotMatch:
    'the secret access key does not match the access key id: check AWS_SECRET_ACCESS_KEY (no stray spaces or newlines) and that both come from the same key pair',
  ExpiredToken: 'the session credentials have expired: assume the role again (in CI, re-run the job), or `aws sso login` for a profile',
  ExpiredTokenException:
    'the session credentials have expired: assume the role again (in CI, re-run the job), or `aws sso login` for a profile',
  TokenRefreshRequired: 'the session credentials must be refreshed: assume the role again, or `aws sso login` for a profile',
  InvalidToken:
    'the session token is malformed or does not belong to these keys: check AWS_SESSION_TOKEN is set together with the keys it came with',
  RequestTimeTooSkewed: "this machine's clock is too far from AWS time (more than 15 minutes): fix the clock (NTP) and run again",
  CredentialsProviderError:
    "no credentials were found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or in GitHub Actions configure-aws-credentials with the stack's CiRoleArn",
};

const stripQuotes = (etag: string | undefined) => (etag ?? '').replace(/^"|"$/g, '');

export class Bucket {
  constructor(
    readonly client: S3Client,
    readonly name: string,
    private readonly retry: RetryOptions = {},
    /** Sends plain (unconditional) PUTs directly; conditional writes always go through the SDK. */
    private readonly objectWriter?: DirectPut,
  ) {}

  /** Every object under `prefix` (all pages). */
  async list(prefix: string): Promise<ListedObject[]> {
    return (await this.listPages(prefix, undefined)).objects;
  }

  /** The objects directly in the folder `prefix` and its subfolders' prefixes (Delimiter "/"). */
  async listFolder(prefix: string): Promise<{ objects: ListedObject[]; folders: string[] }> {
    return this.listPages(prefix, '/');
  }

  private async listPages(prefix: string, delimiter: string | undefined): Promise<{ objects: ListedObject[]; folders: string[] }> {
    const objects: ListedObject[] = [];
    const folders: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.call('ListObjectsV2', prefix, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.name,
            Prefix: prefix,
            ContinuationToken: token,
            ...(delimiter ? { Delimiter: delimiter } : {}),
          }),
        ),
      );
      for (const item of page.Contents ?? []) {
        if (!item.Key) continue;
        objects.push({
          key: item.Key,
          size: item.Size ?? 0,
          etag: stripQuotes(item.ETag),
          lastModified: item.LastModified ?? new Date(0),
        });
      }
      for (const folder of page.CommonPrefixes ?? []) if (folder.Prefix) folders.push(folder.Prefix);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { objects, folders };
  }

  /** The object's text and ETag, or undefined when there is no such key. */
  async getText(key: string): Promise<{ text: string; etag: string } | undefined> {
    try {
      return await this.call('GetObject', key, async () => {
        const answer = await this.client.send(new GetObjectCommand({ Bucket: this.name, Key: key }));
        const text = (await answer.Body?.transformToString('utf-8')) ?? '';
        return { text, etag: stripQuotes(answer.ETag) };
      });
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async head(key: string): Promise<{ size: number; etag: string; metadata: Record<string, string> } | undefined> {
    try {
      return await this.call('HeadObject', key, async () => {
        const answer = await this.client.send(new HeadObjectCommand({ Bucket: this.name, Key: key }));
        return { size: answer.ContentLength ?? 0, etag: stripQuotes(answer.ETag), metadata: answer.Metadata ?? {} };
      });
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions): Promise<void> {
    const input: PutObjectCommandInput = {
      Bucket: this.name,
      Key: key,
      Body: body,
      ContentType: options.contentType,
      CacheControl: options.cacheControl,
      ...(options.contentMd5 ? { ContentMD5: options.contentMd5 } : {}),
      ...(options.metadata ? { Metadata: options.metadata } : {}),
      ...(options.ifMatch ? { IfMatch: `"${options.ifMatch}"` } : {}),
      ...(options.ifNoneMatch ? { IfNoneMatch: options.ifNoneMatch } : {}),
    };
    // Plain PUTs skip the SDK's middleware when a writer was given (cli/bucket/direct-put.ts);
    // conditional writes (release record, manifest.json) always go through the SDK.
    const direct = options.ifMatch || options.ifNoneMatch ? undefined : this.objectWriter;
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf-8') : body;
    let attempts = 0;
    try {
      await this.call('PutObject', key, async () => {
        attempts += 1;
        if (direct && (await direct.put(this.name, key, bytes, options))) return;
        await this.client.send(new PutObjectCommand(input));
      });
    } catch (error) {
      // call() passes 412/409 through untranslated: the caller decides what a lost race means.
      const status = httpStatusOf(error);
      if (status === 409) {
        // Every attempt overlapped another conditional write: contention, not a verdict on who won.
        throw new TransientError(
          `S3 answered 409 ConditionalRequestConflict to all ${attempts} attempts to write s3://${this.name}/${key} ` +
            '(other conditional writes to that key kept overlapping): nothing was switched by this write; re-run the command.',
          { cause: error },
        );
      }
      if (status === 412) {
        // A conditional write retried after a 5xx or a dropped connection meets 412 when its own
        // first attempt was applied: read the object back before calling it a lost race.
        if (attempts > 1 && (await this.holds(key, bytes))) return;
        throw new PreconditionFailed(`${key} changed while we wrote it`, { cause: error });
      }
      throw error;
    }
  }

  /** Whether `key` holds exactly `bytes` (an earlier attempt of this very write landed). */
  private async holds(key: string, bytes: Uint8Array): Promise<boolean> {
    const found = await this.getText(key);
    return found !== undefined && Buffer.from(found.text, 'utf-8').equals(Buffer.from(bytes));
  }

  /** Deletes keys in batches of 1,000; fails if S3 reports any key it could not delete. */
  async delete(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000);
      const answer = await this.call('DeleteObjects', batch[0] ?? '', () =>
        this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.name,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        ),
      );
      const failed = answer.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw this.translate(
          'DeleteObjects',
          first?.Key ?? '',
          Object.assign(new Error(first?.Message ?? 'delete failed'), { name: first?.Code ?? 'DeleteFailed' }),
        );
      }
    }
  }

  private async call<T>(operation: string, key: string, send: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(send, this.retry);
    } catch (error) {
      if (isMissing(error) || httpStatusOf(error) === 412 || httpStatusOf(error) === 409) throw error;
      throw this.translate(operation, key, error);
    }
  }

  /** Turns an S3 failure into an error that says what to do. */
  translate(operation: string, key: string, error: unknown): CliError {
    const name = (error as Error).name ?? 'Error';
    const status = httpStatusOf(error);
    const detail = (error as Error).message || name;
    const target = `s3://${this.name}/${key}`;
    const credentials = Object.hasOwn(CREDENTIAL_ERRORS, name) ? CREDENTIAL_ERRORS[name] : undefined;
    if (credentials) {
      return new AwsAccessError(`AWS rejected the credentials for ${operation} ${target} (${name}): ${credentials}.`, { cause: error });
    }
    if (name === 'AccessDenied' || status === 403) {
      const permission = PERMISSION[operation] ?? `s3:${operation}`;
      return new AwsAccessError(
        `Access denied: ${operation} ${target} needs ${permission} on arn:aws:s3:::${this.name}${operation === 'ListObjectsV2' ? '' : '/*'}. ` +
          `Grant it to the role or user running shellfront. The stack's CiRoleArn role has s3:ListBucket, s3:GetObject and s3:PutObject, ` +
          `and s3:DeleteObject (for prune) only when the stack is deployed with ciAllowPrune=true.`,
        { cause: error },
      );
    }
    if (name === 'NoSuchBucket') {
      return new AwsAccessError(
        `Bucket "${this.name}" does not exist. Check --bucket (or the stack's BucketName output with --stack) and the account you are signed in to.`,
        { cause: error },
      );
    }
    if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || status === 301) {
      return new AwsAccessError(`Bucket "${this.name}" is in another region. Pass --region <its region> (or set AWS_REGION).`, {
        cause: error,
      });
    }
    if (isRetryable(error)) {
      return new TransientError(`S3 ${operation} ${target} kept failing after retries (${name}: ${detail}).`, { cause: error });
    }
    return new CliError(`S3 ${operation} ${target} failed (${name}: ${detail}).`, EXIT.unexpected, { cause: error });
  }
}

function isMissing(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || (httpStatusOf(error) === 404 && name !== 'NoSuchBucket');
}
