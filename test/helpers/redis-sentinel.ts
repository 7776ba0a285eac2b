// A private Sentinel deployment: a master, one replica (--replicaof) and three Sentinels
// (redis-server sentinel.conf --sentinel) monitoring it as `mymaster`, on free ports in temp dirs,
// stopped by PID. A short down-after-milliseconds makes a killed master fail over within seconds.
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./spawn.js";

const run = promisify(execFile);
export const SENTINEL_MASTER = "mymaster";

export interface RedisProcess {
  port: number;
  readonly pid: number | null;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface RedisSentinelSet {
  /** `127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3` for REDIS_SENTINELS. */
  sentinels: string;
  servers: RedisProcess[];
  /** The port the Sentinels currently name as master. */
  masterPort(): Promise<number>;
  /** The server process currently master. */
  master(): Promise<RedisProcess>;
  dispose(): Promise<void>;
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], { timeout: 5000 });
  return stdout.trim();
}

async function startProcess(port: number, args: string[]): Promise<RedisProcess> {
  const proc: ChildProcess = spawn("redis-server", args, { stdio: ["ignore", "ignore", "inherit"] });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const deadline = Date.now() + 5000;
  while ((await cli(port, "PING").catch(() => "")) !== "PONG") {
    if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode} on port ${port}`);
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  let running = true;
  return {
    port,
    get pid() {
      return running ? (proc.pid ?? null) : null;
    },
    async stop(signal = "SIGKILL") {
      if (!running) return;
      running = false;
      if (proc.exitCode === null && proc.pid !== undefined) process.kill(proc.pid, signal);
      await exited;
    },
  };
}

export async function startRedisSentinels(): Promise<RedisSentinelSet> {
  const root = mkdtempSync(join(tmpdir(), "authgraph-redis-sentinel-"));
  const all: RedisProcess[] = [];
  const killOnExit = (): void => {
    for (const p of all) if (p.pid) process.kill(p.pid, "SIGKILL");
    rmSync(root, { recursive: true, force: true });
  };
  process.once("exit", killOnExit);
  const base = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"];
  const servers: RedisProcess[] = [];
  const sentinels: RedisProcess[] = [];
  try {
    const masterPort = await freePort();
    servers.push(await startProcess(masterPort, ["--port", String(masterPort), "--dir", mkdtempSync(join(root, "m-")), ...base]));
    const replicaPort = await freePort();
    servers.push(await startProcess(replicaPort, ["--port", String(replicaPort), "--dir", mkdtempSync(join(root, "r-")), "--replicaof", "127.0.0.1", String(masterPort), ...base]));
    all.push(...servers);
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const dir = mkdtempSync(join(root, `s${i}-`));
      const conf = join(dir, "sentinel.conf");
      writeFileSync(
        conf,
        [
          `port ${port}`,
          "bind 127.0.0.1",
          `dir ${dir}`,
          `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${masterPort} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER} 1000`,
          `sentinel failover-timeout ${SENTINEL_MASTER} 5000`,
          `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
          "",
        ].join("\n"),
      );
      const s = await startProcess(port, [conf, "--sentinel", "--loglevel", "warning"]);
      sentinels.push(s);
      all.push(s);
    }
  } catch (error) {
    killOnExit();
    throw error;
  }

  const set: RedisSentinelSet = {
    sentinels: sentinels.map((s) => `127.0.0.1:${s.port}`).join(","),
    servers,
    async masterPort() {
      for (const s of sentinels) {
        const out = await cli(s.port, "SENTINEL", "get-master-addr-by-name", SENTINEL_MASTER).catch(() => "");
        const port = Number(out.split("\n")[1]);
        if (port) return port;
      }
      throw new Error("no Sentinel answered");
    },
    async master() {
      const port = await set.masterPort();
      const found = servers.find((s) => s.port === port);
      if (!found) throw new Error(`unknown master port ${port}`);
      return found;
    },
    async dispose() {
      for (const p of all) await p.stop();
      process.off("exit", killOnExit);
      rmSync(root, { recursive: true, force: true });
    },
  };
  // The Sentinels have found the replica and each other before a failover can be agreed.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const info = await cli(sentinels[0]?.port ?? 0, "SENTINEL", "master", SENTINEL_MASTER).catch(() => "");
    const lines = info.split("\n");
    const field = (name: string): number => Number(lines[lines.indexOf(name) + 1]);
    const replication = await cli(servers[1]?.port ?? 0, "INFO", "replication").catch(() => "");
    if (field("num-slaves") >= 1 && field("num-other-sentinels") >= 2 && replication.includes("master_link_status:up")) break;
    if (Date.now() > deadline) throw new Error("Sentinels did not discover the replica and each other");
    await new Promise((r) => setTimeout(r, 100));
  }
  return set;
}
