// A real gateway process on port 0 against a cloned database, for tests that need HTTP, signals or a
// browser. It runs what `npm start` runs — src/ transpiled by esbuild, started with plain node — built
// into node_modules/.cache once per source version (starting under tsx costs several seconds more per
// process, and these tests start several).
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { Env } from "./instance.js";
import { REDIS_URL, TEST_ENV, cloneTemplate, dropDatabase, urlFor } from "./pg.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const READY = /ready: GraphiQL at (http:\/\/[^\s]+)\/graphql/;
const BUILD_ROOT = join(ROOT, "node_modules/.cache/authgraph-test-server");

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

let built: Promise<string> | undefined;

/**
 * The node flags of package.json's start script, so tests and the bench run the server as `npm start`
 * does (source maps, the young generation's size).
 */
export function startFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } };
  const m = /^node((?: --[\w-]+(?:=\S+)?)*) dist\/src\/main\.js$/.exec(scripts.start);
  if (!m?.[1]) throw new Error(`the start script is not "node <flags> dist/src/main.js": ${scripts.start}`);
  return m[1].trim().split(" ");
}

/** Path of main.js for the current sources; builds (atomically, shared by parallel test files) if needed. */
export function serverEntry(): Promise<string> {
  built ??= (async () => {
    const files = sources(join(ROOT, "src"));
    const hash = createHash("sha256");
    for (const f of files) hash.update(relative(ROOT, f)).update(readFileSync(f));
    const dir = join(BUILD_ROOT, hash.digest("hex").slice(0, 16));
    const entry = join(dir, "src/main.js");
    if (existsSync(join(dir, ".complete"))) return entry;
    const tmp = `${dir}.tmp-${process.pid}-${randomBytes(3).toString("hex")}`;
    await build({ entryPoints: files, outdir: join(tmp, "src"), outbase: join(ROOT, "src"), format: "esm", platform: "node", target: "node20", sourcemap: true, logLevel: "warning" });
    writeFileSync(join(tmp, ".complete"), "");
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // a parallel test file built the same version first
    }
    // Builds of older sources, unless another run may still be using them.
    for (const name of readdirSync(BUILD_ROOT)) {
      const p = join(BUILD_ROOT, name);
      if (p !== dir && Date.now() - statSync(p).mtimeMs > 3_600_000) rmSync(p, { recursive: true, force: true });
    }
    return entry;
  })();
  return built;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TestServer {
  /** e.g. http://127.0.0.1:40123 (no trailing slash). */
  url: string;
  pid: number;
  databaseName: string;
  /** stdout + stderr so far (JSON log lines and the start-up banner). */
  output(): string;
  /** The JSON log lines written so far. */
  logs(): Record<string, unknown>[];
  /** Resolves when the process exits. */
  exited: Promise<ExitStatus>;
  /** SIGTERM (if still running), wait for the exit, drop the database. Safe to call twice. */
  close(): Promise<ExitStatus>;
}

export interface ServerOptions {
  env?: Env;
  /** Runs against the cloned database before the server starts (e.g. to install a slow trigger). */
  prepare?: (databaseUrl: string) => Promise<void>;
  /** The DATABASE_URL the server gets, from the cloned database's (e.g. through a proxy). */
  databaseUrl?: (clonedUrl: string) => string;
  /** Resolve as soon as the process runs, without waiting for the ready banner (`url` is then ""). */
  noWait?: boolean;
  startTimeoutMs?: number;
}

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const databaseName = await cloneTemplate();
  const databaseUrl = urlFor(databaseName);
  let child: ChildProcess | undefined;
  try {
    await options.prepare?.(databaseUrl);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...TEST_ENV,
      LOG_LEVEL: "info",
      HOST: "127.0.0.1",
      PORT: "0",
      DATABASE_URL: options.databaseUrl?.(databaseUrl) ?? databaseUrl,
      REDIS_URL,
      CACHE_NAMESPACE: `s${randomBytes(4).toString("hex")}`,
      ...options.env,
    };
    const proc = spawn(process.execPath, [...startFlags(), await serverEntry()], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    let output = "";
    proc.stdout.setEncoding("utf8").on("data", (c: string) => (output += c));
    proc.stderr.setEncoding("utf8").on("data", (c: string) => (output += c));
    const exited = new Promise<ExitStatus>((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));

    const url = options.noWait ? "" : await new Promise<string>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`server did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${output}`)), options.startTimeoutMs ?? 30_000);
      const check = (): void => {
        const m = READY.exec(output);
        if (m?.[1]) {
          clearTimeout(timeout);
          resolve(m[1]);
        }
      };
      proc.stdout.on("data", check);
      void exited.then((s) => {
        clearTimeout(timeout);
        reject(new Error(`server exited during start-up (${JSON.stringify(s)}):\n${output}`));
      });
    });

    let closing: Promise<ExitStatus> | undefined;
    return {
      url,
      pid: proc.pid ?? -1,
      databaseName,
      output: () => output,
      logs: () =>
        output
          .split("\n")
          .filter((l) => l.startsWith("{"))
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      exited,
      close: () =>
        (closing ??= (async () => {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
          // A server that ignores SIGTERM must not hang the suite; the test that cares sees the signal.
          const killer = setTimeout(() => proc.kill("SIGKILL"), 20_000);
          const status = await exited;
          clearTimeout(killer);
          await dropDatabase(databaseName);
          return status;
        })()),
    };
  } catch (error) {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await dropDatabase(databaseName);
    throw error;
  }
}
