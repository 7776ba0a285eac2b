// Embedded PostgreSQL (PGlite) exposed over a local TCP socket, so the app reaches it with the same
// adapter-pg code path as a real server. PGlite has no data-directory lock of its own: two processes on
// one directory silently lose writes, hence the lockfile here.
import { existsSync, readFileSync, unlinkSync } from "node:fs";
import { mkdir, open, readFile, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export type DbLogLevel = "debug" | "info" | "warn" | "error";
export type DbLog = (level: DbLogLevel, msg: string, extra?: Record<string, unknown>) => void;

export interface EmbeddedPostgres {
  /** postgresql:// URL of the local socket server (no password; PGlite accepts any user/database). */
  url: string;
  /**
   * Resolves once the server holds no connection; rejects after timeoutMs with a clear message. The
   * server notices a closed socket a tick or two late and rejects a new one meanwhile (with a bare
   * "Too many connections" that pg reports as "Connection terminated unexpectedly"), so a client
   * replacing its one connection waits here first.
   */
  waitForFreeConnection(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export class EmbeddedDatabaseLockedError extends Error {
  override readonly name = "EmbeddedDatabaseLockedError";
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    /** The live owner's command when it is not an authgraph (node) process, e.g. a recycled pid. */
    foreign?: { command: string; lockPath: string },
  ) {
    super(
      pid === process.pid
        ? `Embedded database ${dataDir} is already open in this process (pid ${pid}). Close it first or set DATA_DIR to another directory.`
        : foreign
          ? `Embedded database ${dataDir} is locked by pid ${pid}, which is not an authgraph process (${foreign.command}). If no authgraph uses this directory, delete ${foreign.lockPath}.`
          : `Embedded database ${dataDir} is in use by another authgraph process (pid ${pid}). Stop it or set DATA_DIR to another directory.`,
    );
  }
}

/** The command line of a live process when it is visibly not Node (Linux /proc); null when unknown or Node. */
function foreignCommand(pid: number): string | null {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((a) => a !== "");
    const exe = basename(argv[0] ?? "");
    if (argv.length === 0 || /node|tsx|npm/i.test(exe) || argv.some((a) => /authgraph|main\.[jt]s/.test(a))) return null;
    return argv.join(" ").slice(0, 120);
  } catch {
    return null;
  }
}

// Lock paths held by this process. A lockfile naming our own pid that is NOT in here was left by an
// earlier incarnation with the same pid (typical: pid 1 in a restarted container), so it is stale.
const heldLocks = new Set<string>();

/** The lockfile sits next to the data directory: PGlite's initdb wants the directory to itself. */
export function lockPathFor(dataDir: string): string {
  const abs = resolve(dataDir);
  return join(dirname(abs), `${basename(abs)}.lock`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else, so it is alive.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pid in the lockfile, or null when the file is gone. Waits briefly on an empty file (a racing writer). */
async function readLockPid(path: string): Promise<number | "garbage" | null> {
  for (let attempt = 0; ; attempt++) {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
    const pid = Number.parseInt(text.trim(), 10);
    if (Number.isInteger(pid) && pid > 0) return pid;
    // Between open('wx') and write() another process sees an empty file; only a file that stays
    // unreadable for a while is garbage (a crash in that window).
    const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => Infinity);
    if (attempt >= 10 || age > 2000) return "garbage";
    await sleep(50);
  }
}

async function acquireLock(dataDir: string, lockPath: string, log?: DbLog): Promise<void> {
  // Bounded: each round either creates the file, throws, or removes a stale file someone else may race for.
  for (let round = 0; round < 5; round++) {
    try {
      const fh = await open(lockPath, "wx");
      try {
        await fh.writeFile(`${process.pid}\n`);
      } finally {
        await fh.close();
      }
      heldLocks.add(lockPath);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const owner = await readLockPid(lockPath);
    if (owner === null) continue;
    if (owner !== "garbage") {
      const ours = owner === process.pid;
      if (ours ? heldLocks.has(lockPath) : isAlive(owner)) {
        const command = ours ? null : foreignCommand(owner);
        throw new EmbeddedDatabaseLockedError(dataDir, owner, command ? { command, lockPath } : undefined);
      }
    }
    log?.("warn", "taking over stale embedded database lock", { lockPath, stalePid: owner });
    // Two processes taking over the same stale lock at once could both unlink; the window is a few
    // microseconds on a file nobody has used since a crash, which we accept over a lock daemon.
    await unlink(lockPath).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "ENOENT") throw e;
    });
  }
  throw new Error(`Could not take the embedded database lock ${lockPath}: it keeps changing hands`);
}

/** Removes the lockfile only if it still names this process (sync: also used from the 'exit' handler). */
function releaseLockSync(lockPath: string): void {
  if (!heldLocks.delete(lockPath)) return;
  try {
    if (Number.parseInt(readFileSync(lockPath, "utf8").trim(), 10) === process.pid) unlinkSync(lockPath);
  } catch {
    // Already gone, or unreadable: nothing of ours left to release.
  }
}

export async function startEmbeddedPostgres(opts: { dataDir: string; log?: DbLog }): Promise<EmbeddedPostgres> {
  const { log } = opts;
  const dataDir = resolve(opts.dataDir);
  await mkdir(dataDir, { recursive: true });
  const lockPath = lockPathFor(dataDir);
  await acquireLock(dataDir, lockPath, log);
  // Signals the app does not handle skip 'exit', but then the lock is stale and taken over next start.
  const onExit = () => releaseLockSync(lockPath);
  process.on("exit", onExit);

  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  try {
    const firstStart = !existsSync(join(dataDir, "PG_VERSION"));
    if (firstStart) log?.("info", "initialising embedded PostgreSQL (first start takes several seconds)", { dataDir });
    const started = Date.now();
    db = await PGlite.create(dataDir);
    // More than one connection corrupts PGlite's single protocol stream; the pool uses exactly one.
    server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 1 });
    await server.start();
    const url = `postgresql://postgres@${server.getServerConn()}/postgres`;
    log?.("info", "embedded PostgreSQL ready", { dataDir, ms: Date.now() - started, firstStart });

    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        try {
          await server?.stop();
          await db?.close();
        } finally {
          process.off("exit", onExit);
          releaseLockSync(lockPath);
        }
      })();
      return closing;
    };
    const running = server;
    const waitForFreeConnection = async (timeoutMs: number): Promise<void> => {
      const deadline = Date.now() + timeoutMs;
      while (running.getStats().activeConnections > 0) {
        if (Date.now() >= deadline) {
          throw new Error(`the embedded database accepts one connection and another client has held it for ${timeoutMs} ms`);
        }
        await sleep(5);
      }
    };
    return { url, waitForFreeConnection, close };
  } catch (err) {
    await server?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    process.off("exit", onExit);
    releaseLockSync(lockPath);
    throw err;
  }
}
