// A local FCM-compatible HTTPS endpoint for tests and benchmarks: the real firebase-admin SDK talks to it
// as to Google (FCM_CONNECT_TO points its connections here; FCM_CA_FILE trusts this run's test CA, made
// with the openssl CLI). It answers both hosts firebase-admin uses:
//   oauth2.googleapis.com POST /token: checks the service account's signed JWT (RS256, with the key this
//     endpoint generated), then issues an access token;
//   fcm.googleapis.com POST /v1/projects/<id>/messages:send: checks that token, records the request, and
//     answers 200 { name }, or what the test scripted for that device token (UNREGISTERED, 429, 500 …).
import { execFileSync } from "node:child_process";
import { createPublicKey, createVerify, generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";

export interface FcmRequest {
  /** When the request arrived and when its answer was written (ms since epoch). */
  receivedAt: number;
  answeredAt: number;
  host: string;
  path: string;
  authorization: string;
  /** The FCM v1 `message` as sent. */
  message: FcmWireMessage;
  status: number;
}

/** The FCM v1 wire format of what Parley sends (snake_case where the API wants it). */
export interface FcmWireMessage {
  token: string;
  data?: Record<string, string>;
  webpush?: { headers?: Record<string, string> };
  android?: Record<string, unknown>;
  apns?: { headers?: Record<string, string>; payload?: Record<string, unknown> };
}

export type FcmAnswer = 200 | "UNREGISTERED" | "INVALID_ARGUMENT" | "QUOTA_EXCEEDED" | "INTERNAL" | "hang";

const FCM_ERRORS: Record<Exclude<FcmAnswer, 200 | "hang">, { code: number; status: string }> = {
  UNREGISTERED: { code: 404, status: "NOT_FOUND" },
  INVALID_ARGUMENT: { code: 400, status: "INVALID_ARGUMENT" },
  QUOTA_EXCEEDED: { code: 429, status: "RESOURCE_EXHAUSTED" },
  INTERNAL: { code: 500, status: "INTERNAL" },
};

export interface FcmEndpoint {
  port: number;
  projectId: string;
  /** The service account JSON to configure (FCM_SERVICE_ACCOUNT). */
  serviceAccount: string;
  caFile: string;
  /** Environment for a process that should push here. */
  env: Record<string, string>;
  /** Every messages:send request, in arrival order. */
  sends: FcmRequest[];
  /** Token exchanges (each verified). */
  tokenRequests: number;
  /** The next answers for a device token, in order; afterwards 200. "hang" never answers (until close). */
  script(deviceToken: string, answers: FcmAnswer[]): void;
  /** Called as each send request arrives (before it is answered). */
  onSend?: (request: FcmRequest) => void;
  close(): Promise<void>;
}

function makeTlsFiles(dir: string) {
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=Parley test CA",
  );
  run(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=fcm.googleapis.com",
  );
  writeFileSync(
    path.join(dir, "san.ext"),
    "subjectAltName=DNS:fcm.googleapis.com,DNS:oauth2.googleapis.com\nextendedKeyUsage=serverAuth\n",
  );
  run(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "2",
    "-extfile",
    "san.ext",
  );
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

/** Verifies an RS256 JWT with the public key; returns its claims, or null. */
function verifyJwt(jwt: string, publicKeyPem: string): Record<string, unknown> | null {
  const [header, payload, signature] = jwt.split(".");
  if (!header || !payload || !signature) return null;
  const verifier = createVerify("RSA-SHA256");
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(createPublicKey(publicKeyPem), Buffer.from(signature, "base64url"))) return null;
  return JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
}

export async function startFcmEndpoint(projectId = "parley-test"): Promise<FcmEndpoint> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "parley-fcm-"));
  makeTlsFiles(dir);
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const clientEmail = `parley@${projectId}.iam.gserviceaccount.com`;
  const serviceAccount = JSON.stringify({
    type: "service_account",
    project_id: projectId,
    private_key_id: "test-key",
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
    client_email: clientEmail,
    client_id: "1",
    token_uri: "https://oauth2.googleapis.com/token",
  });
  const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const issued = new Set<string>();
  const scripts = new Map<string, FcmAnswer[]>();
  const hanging = new Set<ServerResponse>();

  const endpoint: FcmEndpoint = {
    port: 0,
    projectId,
    serviceAccount,
    caFile: path.join(dir, "ca.pem"),
    env: {},
    sends: [],
    tokenRequests: 0,
    script: (deviceToken, answers) => scripts.set(deviceToken, [...answers]),
    close: async () => {},
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(body));
  };

  async function token(req: IncomingMessage, res: ServerResponse) {
    const form = new URLSearchParams(await readBody(req));
    const claims = verifyJwt(form.get("assertion") ?? "", publicPem);
    const valid =
      form.get("grant_type") === "urn:ietf:params:oauth:grant-type:jwt-bearer" &&
      claims?.iss === clientEmail &&
      claims.aud === "https://oauth2.googleapis.com/token" &&
      String(claims.scope).includes("https://www.googleapis.com/auth/firebase.messaging");
    if (!valid) return json(res, 400, { error: "invalid_grant", error_description: "bad assertion" });
    endpoint.tokenRequests++;
    const accessToken = `test-access-${randomUUID()}`;
    issued.add(accessToken);
    json(res, 200, { access_token: accessToken, expires_in: 3600, token_type: "Bearer" });
  }

  async function send(req: IncomingMessage, res: ServerResponse) {
    const authorization = req.headers.authorization ?? "";
    const body = JSON.parse(await readBody(req)) as { message: FcmWireMessage };
    if (!issued.has(authorization.replace(/^Bearer /, ""))) {
      return json(res, 401, { error: { code: 401, message: "bad token", status: "UNAUTHENTICATED" } });
    }
    const answer = scripts.get(body.message.token)?.shift() ?? 200;
    const record: FcmRequest = {
      receivedAt: Date.now(),
      answeredAt: 0,
      host: req.headers.host ?? "",
      path: req.url ?? "",
      authorization,
      message: body.message,
      status: answer === 200 ? 200 : answer === "hang" ? 0 : FCM_ERRORS[answer].code,
    };
    endpoint.sends.push(record);
    endpoint.onSend?.(record);
    if (answer === "hang") {
      hanging.add(res);
      return;
    }
    record.answeredAt = Date.now();
    if (answer === 200) return json(res, 200, { name: `projects/${projectId}/messages/${randomUUID()}` });
    const error = FCM_ERRORS[answer];
    json(res, error.code, {
      error: {
        code: error.code,
        message: `scripted ${answer}`,
        status: error.status,
        details: [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode: answer }],
      },
    });
  }

  const server = https.createServer(
    { key: readFileSync(path.join(dir, "server.key")), cert: readFileSync(path.join(dir, "server.pem")) },
    (req, res) => {
      const host = (req.headers.host ?? "").split(":")[0];
      const handled =
        req.method === "POST" && host === "oauth2.googleapis.com" && req.url === "/token"
          ? token(req, res)
          : req.method === "POST" &&
              host === "fcm.googleapis.com" &&
              req.url === `/v1/projects/${projectId}/messages:send`
            ? send(req, res)
            : Promise.resolve(json(res, 404, { error: { code: 404, message: `no ${req.method} ${host}${req.url}` } }));
      handled.catch((error) => json(res, 500, { error: { code: 500, message: String(error) } }));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  endpoint.port = typeof address === "object" && address ? address.port : 0;
  endpoint.env = {
    FCM_SERVICE_ACCOUNT: serviceAccount,
    FCM_CONNECT_TO: `127.0.0.1:${endpoint.port}`,
    FCM_CA_FILE: endpoint.caFile,
  };
  endpoint.close = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  };
  return endpoint;
}
