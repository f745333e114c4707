// The notifier's environment variables, validated with the rest in config.ts (the one place env is read).
import { readFileSync } from "node:fs";
import { z } from "zod";

const json = (what: string) =>
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: `not valid JSON (${what})` });
      return z.NEVER;
    }
  });

/** A Google service account key, as Firebase's console downloads it. */
export const serviceAccountSchema = z.looseObject({
  project_id: z.string().min(1),
  client_email: z.email(),
  private_key: z.string().includes("PRIVATE KEY"),
});
export type ServiceAccount = z.infer<typeof serviceAccountSchema>;

/** The JSON itself, or the path of a file holding it. */
const serviceAccount = z
  .string()
  .trim()
  .transform((value, ctx) => {
    if (value.startsWith("{")) return value;
    try {
      return readFileSync(value, "utf8");
    } catch {
      ctx.addIssue({ code: "custom", message: `cannot read the file ${value}` });
      return z.NEVER;
    }
  })
  .pipe(json("a service account key"))
  .pipe(serviceAccountSchema);

/** The Firebase web app's config (the console's firebaseConfig) plus the Web Push certificate's public key. */
export const firebaseWebConfigSchema = z.object({
  apiKey: z.string().min(1),
  projectId: z.string().min(1),
  messagingSenderId: z.string().min(1),
  appId: z.string().min(1),
  vapidKey: z.string().min(1),
});
export type FirebaseWebConfig = z.infer<typeof firebaseWebConfigSchema>;

/** What Firebase's web SDK calls to register a browser for FCM (the page's connect-src needs them). */
export const FIREBASE_WEB_ORIGINS = [
  "https://firebaseinstallations.googleapis.com",
  "https://fcmregistrations.googleapis.com",
];

export const notificationEnv = {
  /** A Firebase service account (its JSON, or a path to it): FCM pushes go out. Unset: no FCM pushes. */
  FCM_SERVICE_ACCOUNT: serviceAccount.optional(),
  /** Send the Google HTTPS requests (FCM and its token server) to this host:port instead: a relay, a test endpoint. */
  FCM_CONNECT_TO: z
    .string()
    .regex(/^[^:\s]+:\d{1,5}$/, "host:port")
    .optional(),
  /** A PEM file of a certificate authority trusted for those requests besides the system's. */
  FCM_CA_FILE: z.string().optional(),
  /** The Firebase web config as JSON: browsers register FCM tokens with it (see .env.example). */
  FIREBASE_WEB_CONFIG: json("the Firebase web config").pipe(firebaseWebConfigSchema).optional(),
};
