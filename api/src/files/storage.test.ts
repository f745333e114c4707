// Both storages, driven by the same tests: local disk in a temporary folder, and S3 through the AWS SDK
// against a real S3-compatible server (s3rver) on a free port.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type S3Server, startS3Server } from "../../test/support/s3-server.js";
import { LocalStorage } from "./local-storage.js";
import { S3Storage } from "./s3-storage.js";
import type { FileStorage } from "./storage.js";

const key = () => randomBytes(16).toString("hex");

async function bytesOf(stream: Readable | null): Promise<Buffer> {
  if (!stream) throw new Error("no object");
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A stream that yields `head`, then fails as a cut connection does. */
function cutOff(head: Buffer) {
  return new Readable({
    read() {
      this.push(head);
      this.destroy(new Error("connection reset"));
    },
  });
}

function storageContract(name: string, open: () => Promise<FileStorage>) {
  describe(name, () => {
    let storage: FileStorage;
    beforeAll(async () => {
      storage = await open();
    });
    afterAll(async () => storage?.close());

    it("stores a stream and a buffer, returns the same bytes, and deletes", async () => {
      const big = randomBytes(3 * 1024 * 1024 + 17);
      const a = key();
      await storage.put(a, Readable.from([big.subarray(0, 1000), big.subarray(1000)]), big.length);
      const b = `${key()}.thumb`;
      await storage.put(b, Buffer.from("thumb"), 5);
      const got = await bytesOf(await storage.get(a));
      expect(createHash("sha256").update(got).digest("hex")).toBe(createHash("sha256").update(big).digest("hex"));
      expect((await bytesOf(await storage.get(b))).toString()).toBe("thumb");
      expect(await storage.exists(a)).toBe(true);
      await storage.delete(a);
      expect(await storage.exists(a)).toBe(false);
      expect(await storage.get(a)).toBeNull();
      await storage.delete(a); // twice is fine
    });

    it("stores a local file", async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), "parley-spool-"));
      const bytes = randomBytes(200_000);
      await writeFile(path.join(dir, "f"), bytes);
      const k = key();
      await storage.putFile(k, path.join(dir, "f"), bytes.length);
      expect((await bytesOf(await storage.get(k))).equals(bytes)).toBe(true);
      await rm(dir, { recursive: true });
    });

    it("keeps nothing of a put whose body fails halfway", async () => {
      const k = key();
      await expect(storage.put(k, cutOff(randomBytes(64 * 1024)), 128 * 1024)).rejects.toThrow();
      expect(await storage.exists(k)).toBe(false);
    });

    it("refuses keys that are not its own (a path, a user's file name)", async () => {
      await expect(storage.put("../etc/passwd", Buffer.from("x"), 1)).rejects.toThrow(/not a file storage key/);
      await expect(storage.get("report.pdf")).rejects.toThrow(/not a file storage key/);
    });
  });
}

let localDir = "";
let s3: S3Server;

beforeAll(async () => {
  localDir = await mkdtemp(path.join(os.tmpdir(), "parley-files-"));
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3?.close();
  if (localDir) {
    // Nothing was left half-written.
    expect(await readdir(path.join(localDir, ".partial"))).toEqual([]);
    await rm(localDir, { recursive: true, force: true });
  }
});

storageContract("local disk", () => LocalStorage.open(localDir));
storageContract("S3 (s3rver)", () =>
  S3Storage.open({
    bucket: s3.bucket,
    region: "us-east-1",
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    prefix: "test/",
  }),
);
