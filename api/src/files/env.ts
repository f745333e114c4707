// The files capability's environment variables, validated with the rest in config.ts.
import { z } from "zod";

const flag = (fallback: boolean) => z.stringbool().default(fallback);

export const filesEnv = {
  /** Where file bytes live: "local" (FILES_DIR) or "s3" (S3_BUCKET on S3 or any S3-compatible server). */
  FILES_STORAGE: z.enum(["local", "s3"]).default("local"),
  /** Local storage's folder; unset: `<DATA_DIR>/files`. */
  FILES_DIR: z.string().min(1).optional(),
  /** Where uploads are spooled while they arrive (checked, sniffed, thumbnailed); unset: `<DATA_DIR>/uploads`. */
  UPLOADS_DIR: z.string().min(1).optional(),
  /** Uploads one user may start per minute, across nodes. */
  UPLOADS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
  /** Uploaded but never sent with a message: deleted after this long. */
  FILES_PENDING_TTL_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(24 * 60 * 60 * 1000),
  /** How often a node removes deleted files from the storage. */
  FILES_REAP_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  /** An S3-compatible server's URL (MinIO, Ceph, R2 …); unset: AWS itself. */
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  S3_FORCE_PATH_STYLE: flag(true),
  /** Unset: the AWS SDK's default credential chain (environment, profile, instance role). */
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Prefix of every object key in the bucket. */
  S3_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9/_.-]*$/)
    .default("parley/files/"),
  /** Create S3_BUCKET when it does not exist (otherwise a missing bucket stops start-up). */
  S3_CREATE_BUCKET: flag(false),
};
