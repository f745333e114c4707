// Benchmark of files: upload and download throughput through a real API server (HTTP, session, limits,
// spooling, sniffing, local-disk storage) and the time to render one image's thumbnail and preview (sharp).
// Prints the numbers and writes its section of BENCHMARKS.md. Not a test: run it by hand.
//   node --import tsx scripts/bench-files.ts [--mb 50] [--runs 3] [--images 10]
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { serve } from "@hono/node-server";
import pg from "pg";
import sharp from "sharp";
import { createSession } from "../src/accounts/sessions.js";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { renderImage } from "../src/files/images.js";
import { createLogger } from "../src/lib/logger.js";
import { migrateDeploy } from "../src/lib/migrate.js";
import { startServices } from "../src/start-services.js";

const { values: args } = parseArgs({
  options: {
    mb: { type: "string", default: "50" },
    runs: { type: "string", default: "3" },
    images: { type: "string", default: "10" },
  },
});
const MB = 1024 * 1024;
const SIZE = Number(args.mb) * MB;
const RUNS = Number(args.runs);
const IMAGES = Number(args.images);
const adminUrl = process.env.PARLEY_BENCH_ADMIN_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const database = `parley_bench_files_${randomBytes(3).toString("hex")}`;
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();
const log = (line: string) => process.stdout.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function upload(url: string, cookie: string, size: number): Promise<{ id: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: "POST",
      headers: { authorization: cookie, "content-length": String(size) },
    });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () =>
        res.statusCode === 201 ? resolve(JSON.parse(body).file) : reject(new Error(`${res.statusCode} ${body}`)),
      );
    });
    req.on("error", reject);
    const block = randomBytes(256 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const n = Math.min(block.length, size - sent);
        sent += n;
        if (!req.write(block.subarray(0, n))) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

async function download(url: string, cookie: string): Promise<number> {
  const res = await fetch(url, { headers: { authorization: cookie } });
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) size += chunk.length;
  return size;
}

async function main() {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const dir = await mkdtemp(path.join(os.tmpdir(), "parley-bench-files-"));
  try {
    log(`database ${database}, storage ${dir}`);
    await migrateDeploy(databaseUrl);
    const config = loadConfig({
      DATABASE_URL: databaseUrl,
      FILES_DIR: path.join(dir, "files"),
      UPLOADS_DIR: path.join(dir, "uploads"),
      LOG_LEVEL: "warn",
    });
    const services = await startServices(config, createLogger("warn", "bench"), { migrate: false });
    const server = serve({ fetch: createApp(services).fetch, hostname: "127.0.0.1", port: 0 });
    await new Promise((r) => server.once("listening", r));
    const port = (server.address() as { port: number }).port;
    const base = `http://127.0.0.1:${port}`;
    await services.db.workspace.create({ data: { name: "bench", fileMaxBytes: 2_000_000_000 } });
    const user = await services.db.user.create({ data: { email: "bench@parley.test", displayName: "bench" } });
    const channel = await services.db.channel.create({
      data: { kind: "public", name: "bench", members: { create: [{ userId: user.id }] } },
    });
    // A bearer token, as API clients use (cookie mutations must come from our own pages).
    const cookie = `Bearer ${(await createSession(services.db, user.id, 1)).token}`;

    const up: number[] = [];
    const down: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      const file = await upload(`${base}/api/files?channelId=${channel.id}&name=run-${i}.bin`, cookie, SIZE);
      up.push(SIZE / MB / ((performance.now() - t) / 1000));
      t = performance.now();
      const got = await download(`${base}/api/files/${file.id}`, cookie);
      if (got !== SIZE) throw new Error(`downloaded ${got} of ${SIZE} bytes`);
      down.push(SIZE / MB / ((performance.now() - t) / 1000));
      log(`run ${i + 1}: upload ${up.at(-1)?.toFixed(1)} MB/s, download ${down.at(-1)?.toFixed(1)} MB/s`);
    }

    // A 12-megapixel photo-like JPEG (noise does not compress, so it decodes like a real one).
    const photo = path.join(dir, "photo.jpg");
    await writeFile(
      photo,
      await sharp({
        create: {
          width: 4000,
          height: 3000,
          channels: 3,
          background: "#000",
          noise: { type: "gaussian", mean: 120, sigma: 40 },
        },
      })
        .jpeg({ quality: 85 })
        .toBuffer(),
    );
    await renderImage(photo); // warm-up
    const render: number[] = [];
    for (let i = 0; i < IMAGES; i++) {
      const t = performance.now();
      if (!(await renderImage(photo))) throw new Error("sharp could not render the photo");
      render.push(performance.now() - t);
    }
    log(`thumbnail + preview of a 4000×3000 JPEG: p50 ${median(render).toFixed(0)} ms`);
    server.close();
    await services.close();
    writeSection({ up, down, render });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  }
}

function writeSection(r: { up: number[]; down: number[]; render: number[] }) {
  const file = path.resolve(import.meta.dirname, "..", "..", "BENCHMARKS.md");
  const [start, end] = ["<!-- bench-files:start -->", "<!-- bench-files:end -->"];
  const load = os.loadavg()[0]?.toFixed(1);
  const rows = [
    ["upload (POST /api/files)", `${median(r.up).toFixed(1)} MB/s`, `${Math.min(...r.up).toFixed(1)} MB/s`],
    ["download (GET /api/files/{id})", `${median(r.down).toFixed(1)} MB/s`, `${Math.min(...r.down).toFixed(1)} MB/s`],
    [
      "thumbnail + preview, 4000×3000 JPEG",
      `${median(r.render).toFixed(0)} ms`,
      `${Math.max(...r.render).toFixed(0)} ms`,
    ],
  ];
  const widths = [0, 1, 2].map((c) =>
    Math.max(...[["measure", "median", "worst"], ...rows].map((row) => (row[c] ?? "").length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ")} |`;
  const section = [
    start,
    "## Files (`api/scripts/bench-files.ts`)",
    "",
    `${RUNS} uploads and downloads of ${SIZE / MB} MB through a real API server on loopback (session, limits, spooling to disk, sniffing, local-disk storage), one client; the thumbnail and preview of one 12-megapixel JPEG rendered ${IMAGES} times with sharp (both WebP, metadata stripped).`,
    `Machine: ${os.cpus().length} cores, Node ${process.version}. Run ${new Date().toISOString().slice(0, 10)}, load average ${load} at the end (other work on the machine shows).`,
    "",
    line(["measure", "median", "worst"]),
    `| ${"-".repeat(widths[0] ?? 0)} | ${"-".repeat((widths[1] ?? 1) - 1)}: | ${"-".repeat((widths[2] ?? 1) - 1)}: |`,
    ...rows.map(line),
    end,
  ].join("\n");
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const next = current.includes(start)
    ? current.replace(new RegExp(`${start}[\\s\\S]*?${end}`), section)
    : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
  log(`wrote ${file}`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
