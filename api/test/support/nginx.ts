// A private nginx (Debian's, installed by ops/nginx/ensure.sh when missing) in front of API nodes on
// loopback: the project's own locations (ops/nginx/parley-proxy.inc, included verbatim) and an upstream
// with the same parameters as ops/nginx/parley.conf, on a free port, in a temporary prefix removed at stop().
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "./processes.js";

const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");

export interface NginxHandle {
  url: string;
  port: number;
  /** The nginx error log (upstream failures and retries are logged there at warn). */
  errorLog(): string;
  stop(): Promise<void>;
}

function nginxBinary(): string {
  return execFileSync("bash", [path.join(repoRoot, "ops/nginx/ensure.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
}

function config(dir: string, port: number, upstreamPorts: number[]) {
  const servers = upstreamPorts.map((p) => `    server 127.0.0.1:${p} max_fails=0;`).join("\n");
  return `# Written by api/test/support/nginx.ts
${process.getuid?.() === 0 ? "user root;\n" : ""}daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream parley_api {
    zone parley_api 64k;
    least_conn;
${servers}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    include ${repoRoot}/ops/nginx/parley-proxy.inc;
  }
}
`;
}

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

export async function startNginx(upstreamPorts: number[], timeoutMs = 20_000): Promise<NginxHandle> {
  const bin = nginxBinary();
  const dir = mkdtempSync(path.join(os.tmpdir(), "parley-nginx-"));
  const port = await freePort();
  const conf = path.join(dir, "nginx.conf");
  writeFileSync(conf, config(dir, port, upstreamPorts));
  execFileSync(bin, ["-t", "-q", "-p", dir, "-c", conf], { stdio: "inherit" });
  const child: ChildProcess = spawn(bin, ["-p", dir, "-c", conf], { stdio: ["ignore", "inherit", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const readLog = () => {
    try {
      return readFileSync(path.join(dir, "error.log"), "utf8");
    } catch {
      return "";
    }
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`nginx did not start on ${port}:\n${readLog()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    errorLog: readLog,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM"); // fast shutdown: open sockets are cut
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
