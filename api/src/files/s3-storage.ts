// Files in an S3-compatible bucket through the AWS SDK v3 client, so several API nodes share them. A put
// is one PutObject with its length known (the upload was spooled first), so no multipart state is left
// behind by a failure: the store keeps an object only once all of it arrived.
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { checkKey, type FileStorage } from "./storage.js";

export interface S3Options {
  bucket: string;
  region: string;
  /** An S3-compatible server's URL; unset: AWS. */
  endpoint?: string | undefined;
  /** Path-style URLs (most S3-compatible servers want them). */
  forcePathStyle: boolean;
  /** Unset: the SDK's default chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Prefix of every object key, so one bucket can hold several deployments' files. */
  prefix: string;
}

const isMissing = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata?.httpStatusCode === 404;
};

export class S3Storage implements FileStorage {
  readonly kind = "s3" as const;

  private constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  /** Connects and checks the bucket answers; creates it when `create` is set and it does not exist. */
  static async open(options: S3Options, create = false): Promise<S3Storage> {
    const client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      // Checksums only where S3 requires them: the newer default (streaming aws-chunked bodies with trailing
      // checksums) is not understood by every S3-compatible server, and would be stored as the object.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    try {
      await client.send(new HeadBucketCommand({ Bucket: options.bucket }));
    } catch (error) {
      if (!create || !isMissing(error)) {
        client.destroy();
        throw new Error(`S3 bucket ${options.bucket} cannot be used: ${(error as Error).name ?? error}`);
      }
      await client.send(new CreateBucketCommand({ Bucket: options.bucket }));
    }
    return new S3Storage(client, options.bucket, options.prefix);
  }

  private keyOf(key: string) {
    return `${this.prefix}${checkKey(key)}`;
  }

  async put(key: string, body: Readable | Buffer, size: number): Promise<void> {
    // The SDK does not watch the body for errors: a failing stream would leave the request waiting for
    // bytes that never come. Its error aborts the request instead (the store then keeps nothing).
    const abort = new AbortController();
    let failure: unknown;
    if (!Buffer.isBuffer(body))
      body.once("error", (error) => {
        failure = error;
        abort.abort(error);
      });
    try {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key), Body: body, ContentLength: size }),
        { abortSignal: abort.signal },
      );
    } catch (error) {
      throw failure ?? error;
    }
  }

  putFile(key: string, file: string, size: number): Promise<void> {
    return this.put(key, createReadStream(file), size);
  }

  async get(key: string): Promise<Readable | null> {
    try {
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
      return got.Body as Readable;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
