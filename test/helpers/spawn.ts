// Run the real entry point as a child process, for start-up behaviour tests: the same build of src/
// that test/helpers/server.ts starts (plain node, no tsx), but with the environment given as is.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { serverEntry } from "./server.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface Spawned {
  child: ChildProcess;
  port: number;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export async function spawnGateway(env: Record<string, string | undefined>): Promise<Spawned> {
  const port = await freePort();
  const cleanEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, PORT: String(port), ...env })) {
    if (v !== undefined && !["DATABASE_URL", "REDIS_URL"].includes(k)) cleanEnv[k] = v;
  }
  if (env.DATABASE_URL) cleanEnv.DATABASE_URL = env.DATABASE_URL;
  if (env.REDIS_URL) cleanEnv.REDIS_URL = env.REDIS_URL;
  const child = spawn(process.execPath, ["--enable-source-maps", await serverEntry()], { cwd: ROOT, env: cleanEnv, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    port,
    output: () => out,
    exited,
    async waitForOutput(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before ${pattern}:\n${out}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    kill: (signal = "SIGTERM") => child.kill(signal),
  };
}

export async function graphqlOverHttp(port: number, query: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
