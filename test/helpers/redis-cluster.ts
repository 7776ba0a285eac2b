// A private Redis Cluster: 3 masters + 3 replicas (redis-server --cluster-enabled yes, joined with
// redis-cli --cluster create), each on free ports in its own temp dir, stopped by PID. Never touches
// the shared Redis on 6379. A short cluster-node-timeout makes a killed master's replica take over
// within a few seconds. With `secure`, every node speaks only TLS (clients, the cluster bus and
// replication; certificates from redis-tls.ts) and requires a password: the `default` user is the
// operator's (cluster set-up, replication), `app` may touch only `auth:` keys and channels.
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Cluster } from "ioredis";
import { ACL_PASSWORD, ACL_USER, makeCertificates } from "./redis-tls.js";
import { freePort } from "./spawn.js";

const run = promisify(execFile);

export interface ClusterNode {
  port: number;
  readonly pid: number | null;
  /** Kills the process (SIGKILL by default, like a crash) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Restarts it on the same port and directory (it rejoins the cluster from its nodes.conf). */
  start(): Promise<void>;
}

export interface RedisClusterServer {
  nodes: ClusterNode[];
  /** `127.0.0.1:p1,127.0.0.1:p2,...` for REDIS_CLUSTER_NODES. */
  seeds: string;
  /** Current masters (by CLUSTER NODES on a live node). */
  masters(): Promise<ClusterNode[]>;
  /** Resolves once every slot is served and `cluster_state:ok` on every running node. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** A plain Cluster client (no key prefix), as the operator. */
  client(): Cluster;
  /** With `secure`: the CA file that signed the nodes' certificate. */
  caFile: string | null;
  dispose(): Promise<void>;
}

/** The operator's password on a secure cluster (the `default` user). */
const OPERATOR_PASSWORD = "operator-password-1";

interface Security {
  certs: { ca: string; cert: string; key: string };
}

/** redis-cli's connection arguments: TLS with the test CA and the operator's password when secure. */
function cliArgs(security: Security | null): string[] {
  return security ? ["--tls", "--cacert", security.certs.ca, "--user", "default", "--pass", OPERATOR_PASSWORD, "--no-auth-warning"] : [];
}

async function cli(port: number, security: Security | null, ...args: string[]): Promise<string> {
  const { stdout } = await run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...cliArgs(security), ...args], { timeout: 5000 });
  return stdout;
}

async function answers(port: number, security: Security | null): Promise<boolean> {
  return cli(port, security, "PING").then(
    (out) => out.trim() === "PONG",
    () => false,
  );
}

function securityArgs(port: number, security: Security | null): string[] {
  if (!security) return ["--port", String(port)];
  const { ca, cert, key } = security.certs;
  return [
    ...["--port", "0", "--tls-port", String(port), "--tls-cluster", "yes", "--tls-replication", "yes"],
    ...["--tls-cert-file", cert, "--tls-key-file", key, "--tls-ca-cert-file", ca, "--tls-auth-clients", "no"],
    ...["--user", "default", "on", `>${OPERATOR_PASSWORD}`, "~*", "&*", "+@all", "--masteruser", "default", "--masterauth", OPERATOR_PASSWORD],
    ...["--user", ACL_USER, "on", `>${ACL_PASSWORD}`, "~auth:*", "&auth:*", "+@all", "-@dangerous"],
  ];
}

function startNode(port: number, busPort: number, dir: string, nodeTimeoutMs: number, security: Security | null): ClusterNode {
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const node: ClusterNode = {
    port,
    get pid() {
      return child?.pid ?? null;
    },
    async start() {
      if (child) throw new Error("node already running");
      const args = [...securityArgs(port, security), "--cluster-port", String(busPort), "--bind", "127.0.0.1", "--cluster-enabled", "yes"];
      args.push("--cluster-config-file", "nodes.conf", "--cluster-node-timeout", String(nodeTimeoutMs), "--save", "", "--appendonly", "no");
      // A replica whose link to its master was down for long (e.g. a starved initial sync on a loaded
      // machine) refuses to fail over by default; tests want the failover whatever the data age.
      args.push("--dir", dir, "--loglevel", "warning", "--cluster-replica-validity-factor", "0");
      const proc = spawn("redis-server", args, { stdio: ["ignore", "ignore", "inherit"] });
      child = proc;
      exited = new Promise((resolve) => proc.once("exit", () => resolve()));
      const deadline = Date.now() + 5000;
      while (!(await answers(port, security))) {
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
  };
  return node;
}

export async function startRedisCluster(options: { nodeTimeoutMs?: number; secure?: boolean } = {}): Promise<RedisClusterServer> {
  const root = mkdtempSync(join(tmpdir(), "authgraph-redis-cluster-"));
  const security: Security | null = options.secure ? { certs: makeCertificates(root) } : null;
  const nodes: ClusterNode[] = [];
  const killOnExit = (): void => {
    for (const n of nodes) if (n.pid) process.kill(n.pid, "SIGKILL");
    rmSync(root, { recursive: true, force: true });
  };
  process.once("exit", killOnExit);
  try {
    for (let i = 0; i < 6; i++) {
      const dir = mkdtempSync(join(root, `node${i}-`));
      const node = startNode(await freePort(), await freePort(), dir, options.nodeTimeoutMs ?? 1000, security);
      nodes.push(node);
      await node.start();
    }
    const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
    await run("redis-cli", [...cliArgs(security), "--cluster", "create", ...addresses, "--cluster-replicas", "1", "--cluster-yes"], { timeout: 30_000 });
  } catch (error) {
    killOnExit();
    throw error;
  }

  const live = async (): Promise<ClusterNode[]> => nodes.filter((n) => n.pid !== null);
  const server: RedisClusterServer = {
    nodes,
    seeds: nodes.map((n) => `127.0.0.1:${n.port}`).join(","),
    async masters() {
      for (const n of await live()) {
        const out = await cli(n.port, security, "CLUSTER", "NODES").catch(() => "");
        if (!out) continue;
        const ports = out
          .split("\n")
          .filter((line) => / master /.test(` ${line.split(" ")[2]?.replace(/,/g, " ")} `) && !line.includes("fail"))
          .map((line) => Number(/:(\d+)@/.exec(line)?.[1]));
        return nodes.filter((node) => ports.includes(node.port));
      }
      return [];
    },
    async waitHealthy(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const running = await live();
        const states = await Promise.all(running.map((n) => cli(n.port, security, "CLUSTER", "INFO").catch(() => "")));
        const ok = states.every((s) => s.includes("cluster_state:ok") && s.includes("cluster_slots_ok:16384"));
        // Every running replica has finished its sync with its master.
        const links = await Promise.all(running.map((n) => cli(n.port, security, "INFO", "replication").catch(() => "")));
        const synced = links.every((info) => !info.includes("role:slave") || info.includes("master_link_status:up"));
        if (ok && synced && (await server.masters()).length === 3) return;
        if (Date.now() > deadline) throw new Error(`Redis Cluster not healthy after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    caFile: security?.certs.ca ?? null,
    client() {
      const secured = security
        ? { tls: { ca: readFileSync(security.certs.ca) }, username: "default", password: OPERATOR_PASSWORD }
        : {};
      const c = new Cluster(nodes.map((n) => ({ host: "127.0.0.1", port: n.port })), {
        redisOptions: { maxRetriesPerRequest: 1, ...secured },
        ...(security ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
      });
      c.on("error", () => undefined);
      return c;
    },
    async dispose() {
      for (const n of nodes) await n.stop();
      process.off("exit", killOnExit);
      rmSync(root, { recursive: true, force: true });
    },
  };
  await server.waitHealthy();
  return server;
}
