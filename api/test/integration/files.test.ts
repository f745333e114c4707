// Files end to end against two real API processes sharing one S3-compatible store (s3rver over HTTP),
// with PostgreSQL, Redis and Kafka: a 50 MB upload streamed with little memory and served byte-identical
// by both nodes; who may fetch a file and its thumbnail; deletion reaching the store; and bad input (a
// PNG header before HTML, too large, over quota, cut off halfway) refused with nothing left behind.
import { createHash, randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import http from "node:http";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import sharp from "sharp";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { type ApiProcess, startApi } from "../support/processes.js";
import { type S3Server, startS3Server } from "../support/s3-server.js";
import { sessionToken, TestSocket, waitFor } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;
let s3: S3Server;
let s3client: S3Client;
let a: ApiProcess;
let b: ApiProcess;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};
const sockets: TestSocket[] = [];
let uploadsDir = "";

const MB = 1024 * 1024;
const cookie = (who: string) => `parley_session=${tokens[who]}`;

beforeAll(async () => {
  s3 = await startS3Server();
  s3client = new S3Client({
    endpoint: s3.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  stack = await createTestStack({ redis: true, kafka: true, env: { ...s3.env, FILES_REAP_INTERVAL_MS: "200" } });
  uploadsDir = stack.env.UPLOADS_DIR as string;
  services = await stack.open();
  [a, b] = await Promise.all([startApi(stack.env), startApi(stack.env)]);
  for (const [who, role] of [
    ["ann", "member"],
    ["bob", "member"],
    ["carol", "member"],
    ["gus", "guest"],
    ["root", "admin"],
  ] as const) {
    const user = await createUser(services.db, { role, name: who });
    ids[who] = user.id;
    tokens[who] = await sessionToken(services.db, user.id);
  }
  // A private channel of Ann, Bob and the guest Gus; Carol and the admin are outside. A second channel
  // holds Gus but not the first's files.
  ids.room = (await createChannel(services.db, [ids.ann, ids.bob, ids.gus] as string[], "private")).id;
  ids.other = (await createChannel(services.db, [ids.ann, ids.carol, ids.gus] as string[], "private")).id;
}, 200_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await stack?.cleanup();
  s3client?.destroy();
  await s3?.close();
});

/** POSTs `chunks` as an upload with Content-Length `size`; `cut` destroys the connection after them. */
function rawUpload(
  node: ApiProcess,
  who: string,
  channelId: string,
  name: string,
  size: number,
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
  cut = false,
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the API answered
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${node.url}/api/files?channelId=${channelId}&name=${encodeURIComponent(name)}`,
      {
        method: "POST",
        headers: {
          cookie: cookie(who),
          origin: node.url,
          "content-type": "application/octet-stream",
          "content-length": String(size),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || "null") }));
      },
    );
    req.on("error", (e) => (cut ? resolve({ status: 0, body: String(e) }) : reject(e)));
    void (async () => {
      for await (const chunk of chunks) {
        if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
      }
      if (cut) {
        await new Promise((r) => setTimeout(r, 300));
        req.destroy();
      } else req.end();
    })();
  });
}

const upload = (who: string, channelId: string, name: string, bytes: Buffer, node = a) =>
  rawUpload(node, who, channelId, name, bytes.length, [bytes]);

async function get(node: ApiProcess, path: string, who?: string) {
  const res = await fetch(`${node.url}${path}`, { headers: who ? { cookie: cookie(who) } : {} });
  const hash = createHash("sha256");
  let size = 0;
  if (res.body)
    for await (const chunk of res.body) {
      hash.update(chunk);
      size += chunk.length;
    }
  return { status: res.status, headers: res.headers, size, sha256: hash.digest("hex") };
}

async function socketOf(who: string, node = a) {
  const s = await TestSocket.connect(node.url, tokens[who] as string);
  sockets.push(s);
  await s.ok("resume", { positions: {} });
  return s;
}

async function storedObjects(): Promise<string[]> {
  const listed = await s3client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
  return (listed.Contents ?? []).map((o) => o.Key ?? "");
}

async function fileRows() {
  const { rows } = await services.sql.query<{ id: string }>(`SELECT id FROM "File"`);
  return rows.map((r) => r.id);
}

const vmRss = async (pid: number) => {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
};

/** Deterministic pseudo-random chunks (no 50 MB buffer in the test either), hashed as they are made. */
function* generated(total: number, hash: ReturnType<typeof createHash>) {
  const block = randomBytes(256 * 1024);
  for (let sent = 0, i = 0; sent < total; i++) {
    const chunk = Buffer.from(block.subarray(0, Math.min(block.length, total - sent)));
    chunk.writeUInt32BE(i, 0);
    hash.update(chunk);
    sent += chunk.length;
    yield chunk;
  }
}

/** Runs `work` while sampling the process's RSS every 20 ms; returns its result and the highest RSS seen. */
async function peakRssDuring<T>(pid: number, work: () => Promise<T>) {
  let peak = await vmRss(pid);
  const sampler = setInterval(() => void vmRss(pid).then((v) => (peak = Math.max(peak, v))), 20);
  try {
    return { result: await work(), peak };
  } finally {
    clearInterval(sampler);
  }
}

it("streams a 50 MB upload (RSS grows < 20 MB); both nodes serve it byte-identical; it travels in messageCreated", async () => {
  // The socket's read buffers of an upload are garbage until the next collection, so the RSS an upload
  // peaks at depends on when V8 collects: 17–27 MB above a settled baseline were seen for 50 MB on this
  // machine. What streaming promises is that the file is never held: the 50 MB upload may not peak more
  // than 20 MB above where an 8 MB one (same path, same garbage, code loaded and pools open) peaked. A
  // server holding the whole file would peak at least 42 MB higher, every time; garbage only ever adds. So
  // up to three tries are made, each an 8 MB upload and then a 50 MB one, and the lowest growth is judged:
  // a server that holds files fails all three, a streaming one fails only if V8 happens to collect late
  // three times in a row. The 8 MB peak is taken again in each try: it varies with when V8 collects too
  // (+7 to +15 MB over the settled RSS were seen), and one low reading must not decide every try.
  const pid = a.child.pid as number;
  const settled = await vmRss(pid);
  const size = 50 * MB;
  let best: { growth: number; res: Awaited<ReturnType<typeof rawUpload>>; hash: ReturnType<typeof createHash> } | null =
    null;
  for (let attempt = 1; attempt <= 3 && (best === null || best.growth >= 20 * MB); attempt++) {
    await new Promise((r) => setTimeout(r, 500));
    const warm = await peakRssDuring(pid, () =>
      upload("ann", ids.room as string, `warm-${attempt}.bin`, randomBytes(8 * MB)),
    );
    expect(warm.result.status).toBe(201);
    await new Promise((r) => setTimeout(r, 500));
    const hash = createHash("sha256");
    const started = performance.now();
    const big = await peakRssDuring(pid, () =>
      rawUpload(a, "ann", ids.room as string, "big.bin", size, generated(size, hash)),
    );
    const seconds = (performance.now() - started) / 1000;
    const growth = big.peak - warm.peak;
    console.log(
      `50 MB upload, try ${attempt}: ${(50 / seconds).toFixed(1)} MB/s; RSS ${(settled / MB).toFixed(1)} MB before, peak ${(warm.peak / MB).toFixed(1)} MB for 8 MB, peak ${(big.peak / MB).toFixed(1)} MB for 50 MB (+${(growth / MB).toFixed(1)} MB)`,
    );
    expect(big.result.status).toBe(201);
    if (best === null || growth < best.growth) best = { growth, res: big.result, hash };
  }
  if (!best) throw new Error("no 50 MB upload was made");
  expect(best.growth).toBeLessThan(20 * MB);
  const res = best.res;
  const hash = best.hash;
  const file = res.body.file;
  expect(file).toMatchObject({ name: "big.bin", size, kind: "file", mime: "application/octet-stream" });

  // Before it is sent, only Ann may fetch it.
  expect((await get(a, `/api/files/${file.id}`, "bob")).status).toBe(403);

  const annSocket = await socketOf("ann", a);
  const bobSocket = await socketOf("bob", b);
  await annSocket.ok("sendMessage", {
    channelId: ids.room,
    clientId: "big-1",
    body: "",
    attachments: [file.id],
  });
  await waitFor(
    () => bobSocket.events(ids.room).some((e) => e.type === "messageCreated" && e.data.clientId === "big-1"),
    "Bob to get the message with the file",
  );
  const event = bobSocket.events(ids.room).find((e) => e.type === "messageCreated" && e.data.clientId === "big-1");
  expect(event?.type === "messageCreated" && event.data.attachments).toEqual([file]);

  const expected = hash.digest("hex");
  for (const node of [a, b]) {
    const got = await get(node, `/api/files/${file.id}`, "bob");
    expect(got).toMatchObject({ status: 200, size, sha256: expected });
    expect(got.headers.get("content-disposition")).toBe(`attachment; filename="big.bin"; filename*=UTF-8''big.bin`);
  }
  // History carries the metadata too.
  const history = await fetch(`${b.url}/api/channels/${ids.room}/messages?limit=5`, {
    headers: { cookie: cookie("bob") },
  });
  const page = (await history.json()) as { messages: { attachments: unknown[] }[] };
  expect(page.messages.at(-1)?.attachments).toEqual([file]);
}, 180_000);

/** Waits until `check` holds, asking again every 50 ms. */
async function until(check: () => Promise<boolean>, what: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function sendWith(who: string, channelId: string, fileIds: string[], body = "") {
  const socket = await socketOf(who);
  const clientId = randomBytes(8).toString("hex");
  const reply = await socket.ok("sendMessage", { channelId, clientId, body, attachments: fileIds });
  // Stored once its event comes back.
  await waitFor(
    () => socket.events(channelId).some((e) => e.type === "messageCreated" && e.data.clientId === clientId),
    "the message to be stored",
  );
  return reply.messageId;
}

it("a file and its thumbnail: members get them; a non-member, a guest outside and the signed-out do not; deletion empties the store", async () => {
  // A JPEG carrying EXIF with GPS: its renditions must carry no metadata at all.
  const photo = await sharp({ create: { width: 1200, height: 800, channels: 3, background: "#3a6" } })
    .jpeg()
    .withExif({ IFD0: { Make: "Parley test camera" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 24/1" } })
    .toBuffer();
  expect((await sharp(photo).metadata()).exif).toBeDefined();
  const res = await upload("ann", ids.room as string, "photo.jpg", photo);
  expect(res.status).toBe(201);
  const file = res.body.file;
  expect(file).toMatchObject({ kind: "image", mime: "image/jpeg", width: 1200, height: 800 });
  const messageId = await sendWith("ann", ids.room as string, [file.id], "a photo");

  for (const path of [`/api/files/${file.id}`, `/api/files/${file.id}/thumb`, `/api/files/${file.id}/preview`]) {
    expect((await get(b, path, "bob")).status, `bob ${path}`).toBe(200);
    expect((await get(b, path, "carol")).status, `carol ${path}`).toBe(403);
    expect((await get(b, path, "root")).status, `admin outside the private channel ${path}`).toBe(403);
    expect((await get(b, path)).status, `signed out ${path}`).toBe(401);
  }
  expect((await get(a, `/api/files/${file.id}`, "gus")).status).toBe(200);
  // The guest leaves the channel: from the next request on, no more.
  await services.db.channelMember.delete({
    where: { channelId_userId: { channelId: ids.room as string, userId: ids.gus as string } },
  });
  expect((await get(a, `/api/files/${file.id}`, "gus")).status).toBe(403);
  expect((await get(a, `/api/files/${file.id}/thumb`, "gus")).status).toBe(403);

  const thumb = await fetch(`${a.url}/api/files/${file.id}/thumb`, { headers: { cookie: cookie("bob") } });
  expect(thumb.headers.get("content-type")).toBe("image/webp");
  const thumbMeta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
  expect(Math.max(thumbMeta.width ?? 0, thumbMeta.height ?? 0)).toBe(480);
  expect(thumbMeta.exif).toBeUndefined();
  expect(thumbMeta.xmp).toBeUndefined();

  const objects = await storedObjects();
  const { storageKey } = await services.db.file.findUniqueOrThrow({ where: { id: file.id } });
  const keyed = objects.filter((k) => k.includes(storageKey));
  expect(keyed).toHaveLength(3); // original, thumb, preview

  // Ann deletes the message: the file is gone at once for everyone, then from the store.
  await (await socketOf("ann", b)).ok("deleteMessage", { messageId });
  await until(
    async () => (await get(a, `/api/files/${file.id}`, "bob")).status === 404,
    "the file to stop being served",
  );
  await until(async () => {
    const left = await storedObjects();
    return keyed.every((k) => !left.includes(k));
  }, "the store to lose the file");
  // The reaper removes the objects first and the row after them (files/reaper.ts): wait for the row too.
  await until(
    async () => (await services.db.file.findUnique({ where: { id: file.id } })) === null,
    "the file's row to go after its objects",
  );
  const stored = await services.db.message.findUniqueOrThrow({ where: { id: messageId } });
  expect(stored.attachments).toEqual([]);
  const event = await services.db.channelEvent.findFirstOrThrow({
    where: { channelId: ids.room as string, seq: stored.seq },
  });
  expect((event.payload as { data: { attachments: unknown } }).data.attachments).toEqual([]);
}, 120_000);

it("a PNG header followed by HTML is not served as HTML; neither is HTML or SVG", async () => {
  const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#fff" } })
    .png()
    .toBuffer();
  const polyglot = Buffer.concat([png.subarray(0, 16), Buffer.from("<html><script>alert(1)</script></html>")]);
  const cases = [
    { name: "evil.png", bytes: polyglot, mime: "image/png" },
    {
      name: "page.html",
      bytes: Buffer.from("<!doctype html><script>alert(1)</script>"),
      mime: "application/octet-stream",
    },
    { name: "logo.svg", bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') },
  ];
  for (const c of cases) {
    const res = await upload("ann", ids.room as string, c.name, c.bytes);
    expect(res.status, c.name).toBe(201);
    expect(res.body.file.kind, c.name).toBe("file");
    if (c.mime) expect(res.body.file.mime).toBe(c.mime);
    await sendWith("ann", ids.room as string, [res.body.file.id]);
    const got = await fetch(`${a.url}/api/files/${res.body.file.id}`, { headers: { cookie: cookie("bob") } });
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type"), c.name).not.toMatch(/html|svg|xml|text/);
    expect(got.headers.get("content-disposition"), c.name).toMatch(/^attachment;/);
    expect(got.headers.get("x-content-type-options")).toBe("nosniff");
    expect(got.headers.get("content-security-policy")).toMatch(/default-src 'none'.*sandbox/);
    expect((await get(a, `/api/files/${res.body.file.id}/thumb`, "bob")).status, `${c.name} has no preview`).toBe(404);
  }
});

it("refuses a file over the limit, one over the quota, and a cut-off upload, leaving nothing behind", async () => {
  const admin = { cookie: cookie("root"), origin: a.url, "content-type": "application/json" };
  const setLimits = (body: unknown) =>
    fetch(`${a.url}/api/admin/files/settings`, { method: "PATCH", headers: admin, body: JSON.stringify(body) });
  expect((await setLimits({ maxBytes: 1 * MB })).status).toBe(200);
  const before = { rows: await fileRows(), objects: await storedObjects() };

  const tooBig = await upload("ann", ids.room as string, "big.iso", randomBytes(2 * MB));
  expect(tooBig.status).toBe(413);
  expect(tooBig.body.error).toMatchObject({ code: "file_too_large", message: "Files can be at most 1 MB." });

  const limits = (await (await fetch(`${a.url}/api/files/limits`, { headers: { cookie: cookie("ann") } })).json()) as {
    usedBytes: number;
  };
  const used = limits.usedBytes;
  expect((await setLimits({ maxBytes: 100 * MB, quotaBytes: Math.max(used + 512 * 1024, 1 * MB) })).status).toBe(200);
  const overQuota = await upload("ann", ids.room as string, "fills.bin", randomBytes(1 * MB));
  expect(overQuota.status).toBe(413);
  expect(overQuota.body.error.code).toBe("quota_exceeded");
  expect((await setLimits({ quotaBytes: 10 * 1024 * MB })).status).toBe(200);

  // Half of a 4 MB file, then the connection is cut.
  const half = randomBytes(2 * MB);
  const cut = await rawUpload(a, "ann", ids.room as string, "half.bin", 4 * MB, [half], true);
  expect(cut.status).toBe(0);
  await until(async () => (await readdir(uploadsDir)).length === 0, "the spooled half to be removed");

  // A file name that is a path is refused before any byte is read.
  expect((await upload("ann", ids.room as string, "../../etc/passwd", Buffer.from("x"))).status).toBe(400);
  // Nobody may attach someone else's upload.
  const annFile = (await upload("ann", ids.room as string, "mine.txt", Buffer.from("mine"))).body.file;
  const stolen = await (await socketOf("bob")).request("sendMessage", {
    channelId: ids.room,
    clientId: "steal-1",
    body: "look",
    attachments: [annFile.id],
  });
  expect(stolen.ok).toBe(false);
  expect(!stolen.ok && stolen.error.code).toBe("bad_attachments");
  expect(
    (
      await fetch(`${a.url}/api/files/${annFile.id}`, {
        method: "DELETE",
        headers: { cookie: cookie("ann"), origin: a.url },
      })
    ).status,
  ).toBe(204);

  await until(async () => (await fileRows()).length === before.rows.length, "the taken-back upload to be reaped");
  expect(await fileRows()).toEqual(expect.arrayContaining(before.rows));
  expect((await storedObjects()).sort()).toEqual(before.objects.sort());
  expect(await readdir(uploadsDir)).toEqual([]);
});

it("admins see usage per user and delete any file, audited", async () => {
  const res = await upload("bob", ids.room as string, "notes.txt", Buffer.from("bob's notes"));
  await sendWith("bob", ids.room as string, [res.body.file.id], "notes");
  const admin = { cookie: cookie("root"), origin: b.url };
  const usage = (await (await fetch(`${b.url}/api/admin/files/usage`, { headers: admin })).json()) as {
    users: unknown[];
  };
  expect(usage.users).toEqual(
    expect.arrayContaining([expect.objectContaining({ userId: ids.bob, files: 1, bytes: 11 })]),
  );
  expect((await fetch(`${b.url}/api/admin/files/usage`, { headers: { cookie: cookie("bob") } })).status).toBe(403);

  const watching = await socketOf("ann");
  const del = await fetch(`${b.url}/api/admin/files/${res.body.file.id}?reason=policy`, {
    method: "DELETE",
    headers: admin,
  });
  expect(del.status).toBe(204);
  expect((await get(a, `/api/files/${res.body.file.id}`, "bob")).status).toBe(404);
  const audit = await services.db.auditLog.findFirstOrThrow({
    where: { action: "file.deleted", targetId: res.body.file.id },
  });
  expect(audit).toMatchObject({ actorId: ids.root, reason: "policy" });
  expect(audit.details).toMatchObject({ name: "notes.txt", size: 11, uploaderId: ids.bob });
  // Live, through the channel's ordered log: an open client hears attachmentRemoved, stored in its place.
  const removed = () =>
    watching
      .events(ids.room as string)
      .find((e) => e.type === "attachmentRemoved" && e.data.fileId === res.body.file.id);
  await waitFor(() => removed() !== undefined, "attachmentRemoved");
  const stored = await services.db.channelEvent.findFirstOrThrow({
    where: { channelId: ids.room as string, type: "attachmentRemoved" },
  });
  expect(stored.seq).toBe(removed()?.seq);
  expect(stored.payload).toMatchObject({ actorId: ids.root, data: { fileId: res.body.file.id } });
});

it("a channel's Files tab: members list its sent files by name; outsiders and the signed-out are refused", async () => {
  const sent = await upload("ann", ids.other as string, "Tide_table 50%.pdf", Buffer.from("%PDF-1.4 tides"));
  const pending = await upload("ann", ids.other as string, "tide draft.txt", Buffer.from("not sent yet"));
  expect([sent.status, pending.status]).toEqual([201, 201]);
  await sendWith("ann", ids.other as string, [sent.body.file.id], "tides");
  const list = async (who: string | undefined, q?: string) => {
    const query = new URLSearchParams({ channelId: ids.other as string, ...(q === undefined ? {} : { q }) });
    const res = await fetch(`${b.url}/api/files?${query}`, { headers: who ? { cookie: cookie(who) } : {} });
    return { status: res.status, body: (await res.json()) as { files: { name: string; uploaderName: string }[] } };
  };
  const all = await list("carol");
  expect(all.status).toBe(200);
  // Only sent files: the upload not sent yet is nobody else's business.
  expect(all.body.files.map((f) => f.name)).toEqual(["Tide_table 50%.pdf"]);
  expect(all.body.files[0]).toMatchObject({ uploaderName: "ann", messageId: expect.any(String) });
  expect((await list("carol", "TIDE")).body.files).toHaveLength(1);
  // `%` and `_` are letters here, not LIKE's wildcards.
  expect((await list("carol", "50%")).body.files).toHaveLength(1);
  expect((await list("carol", "e_t")).body.files).toHaveLength(1);
  expect((await list("carol", "5_%")).body.files).toHaveLength(0);
  expect((await list("bob")).status).toBe(403);
  expect((await list("root")).status).toBe(403);
  expect((await list(undefined)).status).toBe(401);
  expect((await list("carol", "bad\u0000")).status).toBe(400);
});
