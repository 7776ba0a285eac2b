// A private PostgreSQL cluster (Debian's PostgreSQL 15 server binaries: initdb, pg_ctl, pg_basebackup)
// on a free port in a temp dir, for tests that stop, kill or lag the database. Optionally a streaming
// replica of it. Never touches the shared server on 5432. Run as the `postgres` user when this process
// is root (the server refuses to run as root).
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./spawn.js";

export interface PostgresServer {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` (trust auth). */
  url: string;
  port: number;
  dataDir: string;
  /** The postmaster's PID while running, from postmaster.pid. */
  readonly pid: number | null;
  /** (Re)starts the server on the same port and data directory; waits until it accepts connections. */
  start(): Promise<void>;
  /** Signals the postmaster by PID: SIGKILL is a crash, SIGINT a fast shutdown. Waits until it is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** A streaming replica of this server (pg_basebackup -R), started and caught up. */
  startReplica(): Promise<PostgresServer>;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

const BIN = ((): string => {
  try {
    return execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
  } catch {
    return "/usr/lib/postgresql/15/bin";
  }
})();

const asRoot = typeof process.getuid === "function" && process.getuid() === 0;

/** Runs a PostgreSQL binary (as `postgres` when root); throws with its output on failure. */
function run(binary: string, args: string[]): void {
  const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", join(BIN, binary), ...args]] : [join(BIN, binary), args];
  const result = spawnSync(cmd, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.status !== 0) throw new Error(`${binary} failed (${String(result.status)}): ${result.stdout}${result.stderr}`);
}

function ownedTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  return dir;
}

async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function server(root: string, port: number): PostgresServer {
  const dataDir = join(root, "data");
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const pidOf = (): number | null => {
    const file = join(dataDir, "postmaster.pid");
    if (!existsSync(file)) return null;
    const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
  };
  // A crashed test run must not leave a postmaster behind.
  const killOnExit = (): void => {
    const pid = pidOf();
    if (pid) process.kill(pid, "SIGKILL");
  };
  process.once("exit", killOnExit);

  const self: PostgresServer = {
    url,
    port,
    dataDir,
    get pid() {
      return pidOf();
    },
    async start() {
      if (pidOf()) throw new Error(`postgres already running on ${port}`);
      // fsync off: a process crash (what tests cause) loses nothing the OS already holds; synchronous_commit
      // stays on, so an acknowledged commit survives kill -9.
      const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
      run("pg_ctl", ["-D", dataDir, "-l", join(root, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
      const deadline = Date.now() + 30_000;
      while (!(await accepts(url))) {
        if (Date.now() > deadline) throw new Error(`postgres on ${port} did not accept connections`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(signal = "SIGKILL") {
      const pid = pidOf();
      if (!pid) return;
      process.kill(pid, signal);
      const deadline = Date.now() + 30_000;
      while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      // After a crash the children notice the postmaster is gone on their own; wait for the port too.
      while ((await accepts(url)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      if (signal === "SIGKILL") rmSync(join(dataDir, "postmaster.pid"), { force: true });
    },
    async startReplica() {
      const replicaRoot = ownedTempDir("authgraph-pg-replica-");
      const replica = server(replicaRoot, await freePort());
      run("pg_basebackup", ["-D", replica.dataDir, "-R", "-X", "stream", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres"]);
      await replica.start();
      return replica;
    },
    async dispose() {
      await self.stop("SIGINT");
      process.off("exit", killOnExit);
      rmSync(root, { recursive: true, force: true });
    },
  };
  return self;
}

/** initdb + start. The cluster allows replication connections from 127.0.0.1 (initdb's trust defaults). */
export async function startPostgresServer(): Promise<PostgresServer> {
  const root = ownedTempDir("authgraph-pg-");
  run("initdb", ["-D", join(root, "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const primary = server(root, await freePort());
  await primary.start();
  return primary;
}
