// A gateway must never die because its database restarted, failed over or vanished. The real entry
// point runs as a process and reaches PostgreSQL through a proxy the test cuts, resets, blackholes
// and slows; the shared server itself is never touched.
import { afterEach, describe, expect, test } from "vitest";
import { SERVER_URL } from "../helpers/pg.js";
import { startServer } from "../helpers/server.js";
import type { TestServer } from "../helpers/server.js";
import { freePort } from "../helpers/spawn.js";
import { startTcpProxy } from "../helpers/tcp-proxy.js";
import type { TcpProxy } from "../helpers/tcp-proxy.js";

const upstream = new URL(SERVER_URL);
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function proxyToPostgres(): Promise<TcpProxy> {
  const proxy = await startTcpProxy({ host: upstream.hostname, port: Number(upstream.port || 5432) });
  cleanups.push(() => proxy.close());
  return proxy;
}

const through = (proxy: TcpProxy) => (cloned: string): string => {
  const url = new URL(cloned);
  url.host = `127.0.0.1:${proxy.port}`;
  return url.toString();
};

async function gateway(proxy: TcpProxy, env: Record<string, string> = {}, noWait = false): Promise<TestServer> {
  const server = await startServer({ databaseUrl: through(proxy), env: { DATABASE_POOL_MAX: "4", ...env }, noWait });
  cleanups.push(() => server.close());
  return server;
}

const alive = (server: TestServer): boolean => {
  try {
    process.kill(server.pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function status(url: string, init?: RequestInit): Promise<number> {
  try {
    return (await fetch(url, { ...init, signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return -1;
  }
}

const SIGN_IN = `mutation { signIn(input: { email: "admin@test.local", password: "admin-password-123" }) { __typename } }`;

/** Polls /ready and `{ health }` back to back until stopped, as load balancers and monitors do. */
function pollHealth(base: string): { stop(): Promise<number[]> } {
  let running = true;
  const seen: number[] = [];
  const loop = async (): Promise<void> => {
    while (running) {
      seen.push(await status(`${base}/ready`));
      await status(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ health { status } }" }) });
      // Sign-ins use interactive transactions (Prisma holds a client across statements).
      await status(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: SIGN_IN }) });
    }
  };
  const loops = [loop(), loop(), loop(), loop()];
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return seen;
    },
  };
}

describe("PostgreSQL connection faults", () => {
  test("the process survives connections dropped again and again while /ready and health are polled", async () => {
    const proxy = await proxyToPostgres();
    const server = await gateway(proxy);
    const poll = pollHealth(server.url);
    for (let i = 0; i < 15; i++) {
      await expect.poll(() => proxy.connections).toBeGreaterThan(0);
      proxy.reset();
      proxy.dropOnNextRequest();
    }
    await proxy.cut();
    await expect.poll(() => status(`${server.url}/ready`)).toBe(503);
    await proxy.restore();
    await expect.poll(() => status(`${server.url}/ready`), { timeout: 15_000 }).toBe(200);
    const seen = await poll.stop();
    expect(alive(server)).toBe(true);
    expect(seen).toContain(503);
    expect(server.output()).not.toMatch(/Unhandled 'error' event|uncaught/i);
  });

  test("start-up waits for an unreachable PostgreSQL with backoff, then serves once it answers", async () => {
    const proxy = await proxyToPostgres();
    await proxy.cut();
    const port = await freePort();
    const server = await gateway(proxy, { PORT: String(port), DATABASE_START_TIMEOUT_MS: "60000" }, true);
    await expect.poll(() => server.output(), { timeout: 15_000 }).toMatch(/database not reachable yet; retrying/);
    expect(alive(server)).toBe(true);
    await proxy.restore();
    await expect.poll(() => status(`http://127.0.0.1:${port}/ready`), { timeout: 20_000 }).toBe(200);
  });

  test("start-up gives up with one clear line once DATABASE_START_TIMEOUT_MS has passed", async () => {
    const proxy = await proxyToPostgres();
    await proxy.cut();
    const server = await gateway(proxy, { DATABASE_START_TIMEOUT_MS: "1500" }, true);
    expect((await server.exited).code).toBe(1);
    expect(server.output()).toMatch(/authgraph: cannot start: Cannot reach PostgreSQL at 127\.0\.0\.1:\d+/);
  });
});
