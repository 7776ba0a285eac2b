// The soak's world: a private PostgreSQL 15 cluster and a private redis-server (never the shared
// ones), a TCP proxy in front of each so the schedule can cut, blackhole and slow them, and gateway
// processes running the real entry point. Everything is stopped by PID at the end.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { startPostgresServer } from "../../test/helpers/postgres-server.js";
import type { PostgresServer } from "../../test/helpers/postgres-server.js";
import { startRedisServer } from "../../test/helpers/redis-server.js";
import type { RedisServer } from "../../test/helpers/redis-server.js";
import { serverEntry } from "../../test/helpers/server.js";
import { startTcpProxy } from "../../test/helpers/tcp-proxy.js";
import type { TcpProxy } from "../../test/helpers/tcp-proxy.js";

export const ADMIN = { email: "admin@soak.local", password: "soak-admin-password" };

export interface Instance {
  name: string;
  url: string;
  pid: number;
  /** Set when the process exited before the soak stopped it. */
  died: { code: number | null; signal: NodeJS.Signals | null } | null;
  /** The last ~2 MB of its output (JSON log lines). */
  output(): string;
  /** Resident set size in bytes, from /proc. */
  rss(): number;
  stop(): Promise<void>;
}

export interface Cluster {
  postgres: PostgresServer;
  redis: RedisServer;
  /** Every instance reaches PostgreSQL through this proxy. */
  pgProxy: TcpProxy;
  /** The partitioned instance reaches Redis through this one; the others go direct. */
  redisProxy: TcpProxy;
  databaseUrl: string;
  instances: Instance[];
  dispose(): Promise<void>;
}

const BASE_ENV = {
  NODE_ENV: "test",
  LOG_LEVEL: "warn",
  HOST: "127.0.0.1",
  PORT: "0",
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
  ARGON2_MEMORY_KIB: "1024",
  ARGON2_TIME_COST: "1",
  MAIL_ENABLED: "false",
  SIGNUP_MAX_PER_IP: "100000",
  SIGNUP_MAX_PER_MINUTE: "100000",
  LOGIN_MAX_FAILURES_PER_IP: "100000",
  PERSISTED_OPERATIONS: "allow",
  SESSION_CLEANUP_INTERVAL_SECONDS: "0",
  SESSION_CLEANUP_WAIT_MS: "0",
  AUDIT_PURGE_INTERVAL_SECONDS: "0",
  CACHE_BREAKER_COOLDOWN_MS: "500",
  CACHE_OUTBOX_INTERVAL_MS: "100",
  DATABASE_POOL_MAX: "8",
  DATABASE_START_TIMEOUT_MS: "60000",
  SHUTDOWN_DRAIN_DELAY_MS: "0",
};

const READY = /ready: GraphiQL at (http:\/\/[^\s]+)\/graphql/;

async function startInstance(name: string, env: Record<string, string>): Promise<Instance> {
  const proc: ChildProcess = spawn(process.execPath, [await serverEntry()], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...BASE_ENV, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  proc.stdout?.setEncoding("utf8").on("data", (c: string) => (output = (output + c).slice(-2_000_000)));
  proc.stderr?.setEncoding("utf8").on("data", (c: string) => (output = (output + c).slice(-2_000_000)));
  let stopping = false;
  const instance: Instance = {
    name,
    url: "",
    pid: proc.pid ?? -1,
    died: null,
    output: () => output,
    rss() {
      try {
        const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, "utf8"))?.[1];
        return Number(kb ?? 0) * 1024;
      } catch {
        return 0;
      }
    },
    async stop() {
      stopping = true;
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      const killer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
  proc.once("exit", (code, signal) => {
    if (!stopping) instance.died = { code, signal };
  });
  instance.url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output}`)), 90_000);
    const check = (): void => {
      const m = READY.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout?.on("data", check);
    proc.once("exit", () => reject(new Error(`${name} exited during start-up:\n${output}`)));
  });
  return instance;
}

/** Starts the services and `count` instances; instance index 1 is the one partitioned from Redis. */
export async function startCluster(count: number): Promise<Cluster> {
  const postgres = await startPostgresServer();
  const redis = await startRedisServer();
  const pgProxy = await startTcpProxy({ host: "127.0.0.1", port: postgres.port });
  const redisProxy = await startTcpProxy({ host: "127.0.0.1", port: redis.port });
  const databaseUrl = `postgresql://postgres@127.0.0.1:${pgProxy.port}/postgres`;
  const instances: Instance[] = [];
  const dispose = async (): Promise<void> => {
    for (const i of instances) await i.stop().catch(() => undefined);
    await pgProxy.close();
    await redisProxy.close();
    await redis.dispose();
    await postgres.dispose();
  };
  try {
    for (let i = 0; i < count; i++) {
      const redisUrl = i === 1 ? `redis://127.0.0.1:${redisProxy.port}` : redis.url;
      // The first one migrates and seeds; the others start on the migrated database.
      instances.push(await startInstance(`gw${i}`, { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, MIGRATE_ON_START: i === 0 ? "true" : "false" }));
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return { postgres, redis, pgProxy, redisProxy, databaseUrl, instances, dispose };
}
