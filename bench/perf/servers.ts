// The servers under load, each a child process on loopback whose pid the bench samples in /proc:
// the gateway as `npm start` runs it (esbuild output under plain node, production mode, real Redis),
// the raw floor, and the optional PostGraphile peer.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serverEntry, startFlags } from "../../test/helpers/server.js";

export interface Running {
  name: string;
  url: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

async function start(name: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp, url: (m: RegExpExecArray) => string): Promise<Running> {
  const logFile = join(tmpdir(), `authgraph-bench-${name}-${process.pid}.log`);
  const fd = openSync(logFile, "w");
  // stdout to a file, as a deployed server's log would go: the bench process does not parse it under load.
  const child: ChildProcess = spawn(process.execPath, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (let waited = 0; ; waited += 100) {
    const m = ready.exec(readFileSync(logFile, "utf8"));
    if (m) {
      return {
        name,
        url: url(m),
        pid: child.pid ?? -1,
        logFile,
        stop: async () => {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
          await exited;
          clearTimeout(timer);
        },
      };
    }
    if (child.exitCode !== null || waited > 60_000) {
      child.kill("SIGKILL");
      throw new Error(`${name} did not start:\n${readFileSync(logFile, "utf8").slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The V8 heap flags `npm start` gives the gateway are given to the floor and the peer too, so the
// ratios compare the servers rather than their heap settings.
export const heapFlags = (): string[] => startFlags().filter((flag) => /^--(?:max|min)-semi-space-size=/.test(flag));

export async function startGateway(env: NodeJS.ProcessEnv, nodeFlags: string[] = []): Promise<Running> {
  return start("authgraph", [...startFlags(), ...nodeFlags, await serverEntry()], env, /ready: GraphiQL at (http:\/\/[^\s]+)\/graphql/, (m) => m[1] ?? "");
}

export async function startFloor(env: NodeJS.ProcessEnv): Promise<Running> {
  const script = new URL("./floor-server.ts", import.meta.url).pathname;
  return start("floor", [...heapFlags(), "--import", "tsx", script], env, /floor ready (\d+)/, (m) => `http://127.0.0.1:${m[1]}`);
}

/** PostGraphile v5 on the same Node as the others (see ./peer-server.ts). */
export async function startPeer(env: NodeJS.ProcessEnv): Promise<Running> {
  const script = new URL("./peer-server.ts", import.meta.url).pathname;
  return start("postgraphile", [...heapFlags(), "--import", "tsx", script], { NODE_ENV: "production", ...env }, /postgraphile ready (\d+)/, (m) => `http://127.0.0.1:${m[1]}`);
}
