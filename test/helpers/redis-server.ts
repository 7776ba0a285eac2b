// A private redis-server per test file, for fault tests that must kill and restart Redis.
// Never touches the shared Redis on 6379.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RedisServer {
  url: string;
  port: number;
  readonly pid: number | null;
  /** (Re)starts the server on the same port and waits until it answers PING. */
  start(): Promise<void>;
  /** Kills the process by PID (SIGKILL by default, like a crash) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once("error", () => finish(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => finish(data.toString().startsWith("+PONG")));
  });
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "authgraph-redis-"));
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  // A crashed test run must not leave a redis-server behind.
  const killOnExit = (): void => {
    child?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", killOnExit);

  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.pid ?? null;
    },
    async start() {
      if (child) throw new Error("redis-server already running");
      const proc = spawn(
        "redis-server",
        ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--enable-debug-command", "yes", "--loglevel", "warning"],
        { stdio: ["ignore", "ignore", "inherit"] },
      );
      child = proc;
      exited = new Promise((resolve) => proc.once("exit", () => resolve()));
      const deadline = Date.now() + 5000;
      while (!(await answersPing(port))) {
        if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode} on port ${port}`);
        if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop(signal = "SIGKILL") {
      const proc = child;
      if (!proc) return;
      child = null;
      if (proc.exitCode === null && proc.pid !== undefined) process.kill(proc.pid, signal);
      await exited;
    },
    async dispose() {
      await server.stop();
      process.off("exit", killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
