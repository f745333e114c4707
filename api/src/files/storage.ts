// Where the bytes of files live, behind one small interface: local disk (the default; one node, or nodes
// sharing a mounted folder) or any S3-compatible store (several nodes share it). Keys are random and made
// by the files capability (keys.ts), never a user's file name. Both implementations pass storage.test.ts.
import type { Readable } from "node:stream";

export interface FileStorage {
  readonly kind: "local" | "s3";
  /** Stores `size` bytes under `key`; the object exists only once this resolves (never half of it). */
  put(key: string, body: Readable | Buffer, size: number): Promise<void>;
  /** Stores a local file of `size` bytes under `key` (the spooled upload). */
  putFile(key: string, file: string, size: number): Promise<void>;
  /** The object's bytes as a stream, or null when there is no such object. */
  get(key: string): Promise<Readable | null>;
  /** Removes the object; removing one that is not there is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  close(): Promise<void>;
}

/** An object key is ours: lowercase hex and dots only (random id plus a rendition suffix). */
export const KEY_PATTERN = /^[0-9a-f]{32}(\.[a-z]+)*$/;

export function checkKey(key: string): string {
  if (!KEY_PATTERN.test(key)) throw new Error(`not a file storage key: ${JSON.stringify(key)}`);
  return key;
}
