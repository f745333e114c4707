// Files on local disk under one folder: `<root>/<first two hex digits>/<key>`. A put writes to a temporary
// name in `<root>/.partial/` and renames it into place, so a reader never sees half a file and a crash
// leaves only a partial that the next start removes.

import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { checkKey, type FileStorage } from "./storage.js";

export class LocalStorage implements FileStorage {
  readonly kind = "local" as const;
  private readonly partial: string;

  private constructor(private readonly root: string) {
    this.partial = path.join(root, ".partial");
  }

  static async open(root: string): Promise<LocalStorage> {
    const storage = new LocalStorage(path.resolve(root));
    await fs.rm(storage.partial, { recursive: true, force: true });
    await fs.mkdir(storage.partial, { recursive: true });
    return storage;
  }

  private pathOf(key: string) {
    checkKey(key);
    return path.join(this.root, key.slice(0, 2), key);
  }

  async put(key: string, body: Readable | Buffer, size: number): Promise<void> {
    const target = this.pathOf(key);
    const temp = path.join(this.partial, randomBytes(16).toString("hex"));
    try {
      await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, createWriteStream(temp, { flags: "wx" }));
      const written = (await fs.stat(temp)).size;
      if (written !== size) throw new Error(`expected ${size} bytes, got ${written}`);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.rename(temp, target);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
  }

  /** A kernel-side copy (copy_file_range where it can): the bytes never pass through JavaScript. */
  async putFile(key: string, file: string, size: number): Promise<void> {
    const target = this.pathOf(key);
    const temp = path.join(this.partial, randomBytes(16).toString("hex"));
    try {
      await fs.copyFile(file, temp, fs.constants.COPYFILE_EXCL);
      const copied = (await fs.stat(temp)).size;
      if (copied !== size) throw new Error(`expected ${size} bytes, got ${copied}`);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.rename(temp, target);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Readable | null> {
    const file = this.pathOf(key);
    try {
      const handle = await fs.open(file, "r");
      return handle.createReadStream();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    return fs.access(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }

  async close(): Promise<void> {}
}
