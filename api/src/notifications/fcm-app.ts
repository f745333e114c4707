// The firebase-admin app FCM pushes go through: the configured service account as credential, and one
// keep-alive HTTPS agent for both of its hosts (FCM and Google's token server). FCM_CONNECT_TO sends that
// agent's connections to another address (a relay, the tests' local FCM endpoint) with the same TLS names;
// FCM_CA_FILE adds a certificate authority to trust there.
//
// firebase-admin sends sendEach() over HTTP/2 sessions of its own, which take no agent; its HTTP/1.1
// transport (enableLegacyHttpTransport) uses the app's agent, so that is the one used here: routable,
// pooled, and plenty for the rates a workspace produces (BENCHMARKS.md).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import https from "node:https";
import type { Socket } from "node:net";
import tls from "node:tls";
import { type App, type Credential, deleteApp, initializeApp } from "firebase-admin/app";
import { getMessaging, type Messaging } from "firebase-admin/messaging";
import { JWT } from "google-auth-library";
import type { Config } from "../config.js";
import type { ServiceAccount } from "./env.js";

export interface FcmApp {
  messaging: Messaging;
  projectId: string;
  close(): Promise<void>;
}

/** An https.Agent whose connections go to `to` while TLS still checks the requested host's name. */
class RoutedAgent extends https.Agent {
  constructor(
    private readonly to: { host: string; port: number },
    options: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: tls.ConnectionOptions, callback?: (err: Error | null, socket: Socket) => void) {
    const base = https.Agent.prototype as unknown as {
      createConnection(this: https.Agent, o: tls.ConnectionOptions, cb?: typeof callback): Socket;
    };
    const servername = options.servername || (options.host as string | undefined);
    return base.createConnection.call(
      this,
      { ...options, host: this.to.host, port: this.to.port, servername },
      callback,
    );
  }
}

export function googleAgent(config: Pick<Config, "FCM_CONNECT_TO" | "FCM_CA_FILE">): https.Agent {
  const options: https.AgentOptions = { keepAlive: true, maxSockets: 64 };
  if (config.FCM_CA_FILE) options.ca = [...tls.rootCertificates, readFileSync(config.FCM_CA_FILE, "utf8")];
  if (!config.FCM_CONNECT_TO) return new https.Agent(options);
  const [host, port] = config.FCM_CONNECT_TO.split(":");
  return new RoutedAgent({ host: host as string, port: Number(port) }, options);
}

/** null when no service account is configured: FCM pushes are off, in-browser ones still work. */
export function createFcmApp(
  config: Pick<Config, "FCM_SERVICE_ACCOUNT" | "FCM_CONNECT_TO" | "FCM_CA_FILE">,
): FcmApp | null {
  const account = config.FCM_SERVICE_ACCOUNT;
  if (!account) return null;
  const agent = googleAgent(config);
  const app: App = initializeApp(
    { credential: serviceAccountCredential(account, agent), httpAgent: agent, projectId: account.project_id },
    `parley-${randomUUID()}`,
  );
  const messaging = getMessaging(app);
  messaging.enableLegacyHttpTransport();
  return {
    messaging,
    projectId: account.project_id,
    async close() {
      await deleteApp(app);
      agent.destroy();
    },
  };
}

const SCOPES = ["https://www.googleapis.com/auth/cloud-platform", "https://www.googleapis.com/auth/firebase.messaging"];

/**
 * The service account's OAuth tokens through our agent. firebase-admin's own cert() drops the agent for a
 * service account given as an object (firebase/firebase-admin-node#2960: its google-auth-library client is
 * made without the transporter options), so the token exchange would ignore FCM_CONNECT_TO and proxies.
 * google-auth-library's JWT client, given the agent, does the same exchange (a signed JWT for a token).
 */
function serviceAccountCredential(account: ServiceAccount, agent: https.Agent): Credential {
  const client = new JWT({
    email: account.client_email,
    key: account.private_key,
    scopes: SCOPES,
    transporterOptions: { agent },
  });
  return {
    async getAccessToken() {
      const { token } = await client.getAccessToken();
      if (!token) throw new Error("Google's token server gave no access token for the service account");
      const expiresAt = client.credentials.expiry_date ?? Date.now() + 3_600_000;
      return { access_token: token, expires_in: Math.max(0, Math.floor((expiresAt - Date.now()) / 1000)) };
    },
  };
}
