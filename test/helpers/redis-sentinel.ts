// A private Sentinel deployment: a master, one replica (--replicaof) and three Sentinels
// (redis-server sentinel.conf --sentinel) monitoring it as `mymaster`, on free ports in temp dirs,
// stopped by PID. A short down-after-milliseconds makes a killed master fail over within seconds.
// With `secure`, servers and Sentinels speak only TLS (replication and Sentinel links included) and
// require a password: `default` is the operator's, `app` the gateway's (only `auth:` keys on servers).
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ACL_PASSWORD, ACL_USER, makeCertificates } from "./redis-tls.js";
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
  /** With `secure`: the CA file that signed the certificate of every server and Sentinel. */
  caFile: string | null;
  dispose(): Promise<void>;
}

/** The operator's password when secure (the `default` user of servers and Sentinels). */
const OPERATOR_PASSWORD = "operator-password-1";

type Certs = { ca: string; cert: string; key: string } | null;

async function cli(port: number, certs: Certs, ...args: string[]): Promise<string> {
  const secure = certs ? ["--tls", "--cacert", certs.ca, "--user", "default", "--pass", OPERATOR_PASSWORD, "--no-auth-warning"] : [];
  const { stdout } = await run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...secure, ...args], { timeout: 5000 });
  return stdout.trim();
}

/** Listening (TLS-only when secure) and the two users, as server flags. */
function serverSecurity(port: number, certs: Certs): string[] {
  if (!certs) return ["--port", String(port)];
  return [
    ...["--port", "0", "--tls-port", String(port), "--tls-replication", "yes", "--tls-cert-file", certs.cert, "--tls-key-file", certs.key],
    ...["--tls-ca-cert-file", certs.ca, "--tls-auth-clients", "no", "--masteruser", "default", "--masterauth", OPERATOR_PASSWORD],
    ...["--user", "default", "on", `>${OPERATOR_PASSWORD}`, "~*", "&*", "+@all"],
    ...["--user", ACL_USER, "on", `>${ACL_PASSWORD}`, "~auth:*", "&auth:*", "+@all", "-@dangerous"],
  ];
}

/** The same for a Sentinel's config file; it reaches the servers as the operator. */
function sentinelSecurity(port: number, certs: Certs): string[] {
  if (!certs) return [`port ${port}`];
  return [
    "port 0",
    `tls-port ${port}`,
    "tls-replication yes",
    `tls-cert-file ${certs.cert}`,
    `tls-key-file ${certs.key}`,
    `tls-ca-cert-file ${certs.ca}`,
    "tls-auth-clients no",
    `user default on >${OPERATOR_PASSWORD} +@all`,
    `user ${ACL_USER} on >${ACL_PASSWORD} +@all`,
  ];
}

async function startProcess(port: number, args: string[], certs: Certs): Promise<RedisProcess> {
  const proc: ChildProcess = spawn("redis-server", args, { stdio: ["ignore", "ignore", "inherit"] });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const deadline = Date.now() + 5000;
  while ((await cli(port, certs, "PING").catch(() => "")) !== "PONG") {
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

export async function startRedisSentinels(options: { secure?: boolean } = {}): Promise<RedisSentinelSet> {
  const root = mkdtempSync(join(tmpdir(), "authgraph-redis-sentinel-"));
  const certs: Certs = options.secure ? makeCertificates(root) : null;
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
    servers.push(await startProcess(masterPort, [...serverSecurity(masterPort, certs), "--dir", mkdtempSync(join(root, "m-")), ...base], certs));
    const replicaPort = await freePort();
    const replicaArgs = [...serverSecurity(replicaPort, certs), "--dir", mkdtempSync(join(root, "r-")), "--replicaof", "127.0.0.1", String(masterPort), ...base];
    servers.push(await startProcess(replicaPort, replicaArgs, certs));
    all.push(...servers);
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const dir = mkdtempSync(join(root, `s${i}-`));
      const conf = join(dir, "sentinel.conf");
      writeFileSync(
        conf,
        [
          ...sentinelSecurity(port, certs),
          "bind 127.0.0.1",
          `dir ${dir}`,
          `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${masterPort} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER} 1000`,
          `sentinel failover-timeout ${SENTINEL_MASTER} 5000`,
          `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
          // Servers and the other Sentinels (which vote on the failover) are reached as the operator.
          ...(certs ? [`sentinel auth-user ${SENTINEL_MASTER} default`, `sentinel auth-pass ${SENTINEL_MASTER} ${OPERATOR_PASSWORD}`] : []),
          ...(certs ? ["sentinel sentinel-user default", `sentinel sentinel-pass ${OPERATOR_PASSWORD}`] : []),
          "",
        ].join("\n"),
      );
      const s = await startProcess(port, [conf, "--sentinel", "--loglevel", "warning"], certs);
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
    caFile: certs?.ca ?? null,
    async masterPort() {
      for (const s of sentinels) {
        const out = await cli(s.port, certs, "SENTINEL", "get-master-addr-by-name", SENTINEL_MASTER).catch(() => "");
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
    const info = await cli(sentinels[0]?.port ?? 0, certs, "SENTINEL", "master", SENTINEL_MASTER).catch(() => "");
    const lines = info.split("\n");
    const field = (name: string): number => Number(lines[lines.indexOf(name) + 1]);
    const replication = await cli(servers[1]?.port ?? 0, certs, "INFO", "replication").catch(() => "");
    if (field("num-slaves") >= 1 && field("num-other-sentinels") >= 2 && replication.includes("master_link_status:up")) break;
    if (Date.now() > deadline) throw new Error("Sentinels did not discover the replica and each other");
    await new Promise((r) => setTimeout(r, 100));
  }
  return set;
}
