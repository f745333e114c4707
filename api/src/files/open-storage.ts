// The storage a process uses, as configured: local disk by default, S3 when FILES_STORAGE=s3.
import path from "node:path";
import type { Config } from "../config.js";
import { ConfigError } from "../config.js";
import { LocalStorage } from "./local-storage.js";
import type { FileStorage } from "./storage.js";

export const filesDir = (config: Config) => config.FILES_DIR ?? path.join(config.DATA_DIR, "files");
export const uploadsDir = (config: Config) => config.UPLOADS_DIR ?? path.join(config.DATA_DIR, "uploads");

export async function openStorage(config: Config): Promise<FileStorage> {
  if (config.FILES_STORAGE === "local") return LocalStorage.open(filesDir(config));
  if (!config.S3_BUCKET) throw new ConfigError("FILES_STORAGE=s3 needs S3_BUCKET (see .env.example)");
  if (Boolean(config.S3_ACCESS_KEY_ID) !== Boolean(config.S3_SECRET_ACCESS_KEY))
    throw new ConfigError("Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (see .env.example)");
  // Loaded only when configured: the AWS SDK is ~20 MB of a node's memory (issue #19).
  const { S3Storage } = await import("./s3-storage.js");
  return S3Storage.open(
    {
      bucket: config.S3_BUCKET,
      region: config.S3_REGION,
      endpoint: config.S3_ENDPOINT,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      credentials:
        config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
          ? { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY }
          : undefined,
      prefix: config.S3_PREFIX,
    },
    config.S3_CREATE_BUCKET,
  );
}
