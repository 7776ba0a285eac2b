// Issue 6: a Redis that hangs (DEBUG SLEEP: the server stops answering anyone) or stops accepting
// writes (CLIENT PAUSE WRITE) must cost a request at most the time box on top of its database
// time, never an error, and the cache must come back on its own.
import { spawnSync } from "node:child_process";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { HEALTH, USERS_PAGE, VIEWER, median, startCacheApp } from "../helpers/cache-app.js";
import type { CacheAppRig } from "../helpers/cache-app.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";
import { sleep, waitFor } from "../helpers/redis-server.js";

const TIMEOUT_MS = 50;
const COOLDOWN_MS = 1000;
// Generous: the time box plus database time on a shared 2-core machine running other test files.
const BOUND_MS = 1000;

let rig: CacheAppRig;
let t: TestInstance;
let admin: SignedIn;
// The stall is issued on its own connection: DEBUG SLEEP blocks the whole server, including it.
let staller: Redis;

beforeAll(async () => {
  rig = await startCacheApp({ CACHE_TIMEOUT_MS: String(TIMEOUT_MS), CACHE_BREAKER_FAILURES: "3", CACHE_BREAKER_COOLDOWN_MS: String(COOLDOWN_MS) });
  t = rig.t;
  admin = await t.signInAs("admin");
  staller = new Redis(rig.server.url);
  staller.on("error", () => undefined);
});

afterAll(async () => {
  staller?.disconnect();
  await rig?.close();
});

async function health(): Promise<string | undefined> {
  return (await t.gql<{ health: { status: string } }>(HEALTH)).data?.health.status;
}

interface Sample {
  ms: number;
  ok: boolean;
}

/** viewer + users page, concurrently, as a client would; `ok` only if both answered correctly. */
async function request(): Promise<Sample> {
  const started = performance.now();
  const [viewer, users] = await Promise.all([
    t.gql<{ viewer: { user: { id: string } } | null }>(VIEWER, {}, { token: admin.token }),
    t.gql<{ users: { edges: unknown[] } }>(USERS_PAGE, { n: 5 }, { token: admin.token }),
  ]);
  const ok = !viewer.errors && viewer.data?.viewer?.user.id === admin.userGid && !users.errors && (users.data?.users.edges.length ?? 0) > 0;
  return { ms: performance.now() - started, ok };
}

/** Requests back to back for `ms`. */
async function loadFor(ms: number): Promise<Sample[]> {
  const out: Sample[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) out.push(await request());
  return out;
}

function summary(samples: Sample[]): { n: number; failed: number; medianMs: number; maxMs: number } {
  const ms = samples.map((s) => s.ms);
  return { n: samples.length, failed: samples.filter((s) => !s.ok).length, medianMs: Math.round(median(ms) * 10) / 10, maxMs: Math.round(Math.max(...ms)) };
}

async function baseline(): Promise<ReturnType<typeof summary>> {
  await waitFor(async () => (await health()) === "OK", COOLDOWN_MS + 5000, "health OK");
  await loadFor(300); // warm the cache again (a recovery bumps the epochs)
  return summary(await loadFor(1000));
}

function mgetCalls(): number {
  const out = spawnSync("redis-cli", ["-p", String(rig.server.port), "INFO", "commandstats"], { encoding: "utf8" }).stdout;
  return Number(/cmdstat_mget:calls=(\d+)/.exec(out)?.[1] ?? 0);
}

describe("a stall of our own event loop", () => {
  it("is not a Redis timeout: a reply that arrived during it still counts", async () => {
    await t.gql(VIEWER, {}, { token: admin.token });
    const key = keys.session(admin.sessionId);
    for (let i = 0; i < 5; i++) {
      const before = mgetCalls();
      const started = performance.now();
      // Five calls in flight, then this process stalls (as in a long GC pause) until Redis has
      // answered them all and the time box has passed. spawnSync blocks the event loop too.
      const calls = Array.from({ length: 5 }, () => t.app.cache.mget([key]));
      while (mgetCalls() < before + 5) {
        // Redis has not processed them yet (a busy machine); keep stalling.
      }
      while (performance.now() - started < TIMEOUT_MS * 3) {
        // past the time box
      }
      const values = await Promise.all(calls);
      expect(values.every(([v]) => typeof v === "string")).toBe(true);
    }
    // Five "timeouts" at once would have opened the circuit (3 failures) of a healthy Redis, and
    // its recovery would have bumped the epochs: a re-warm of every session for nothing.
    expect(t.app.cache.status()).toEqual({ status: "OK", breaker: "closed" });
  });
});

describe("slow Redis", () => {
  it("DEBUG SLEEP: every request answers within the time box + DB time, then the cache recovers", async () => {
    const healthy = await baseline();
    const sleepSeconds = 2;
    const stalled = staller.call("DEBUG", "SLEEP", String(sleepSeconds)).catch(() => undefined);
    await sleep(20); // let the server start sleeping
    const during = await loadFor(sleepSeconds * 1000 - 200);
    await stalled;
    const okAfterMs = await waitFor(async () => (await health()) === "OK", COOLDOWN_MS + 3000, "health OK after the stall");
    const after = await baseline();
    const figures = { healthy, during: summary(during), after, okAfterMs: Math.round(okAfterMs) };
    console.log(`[cache-app slow: DEBUG SLEEP] ${JSON.stringify(figures)}`);

    expect(figures.during.failed).toBe(0);
    expect(figures.during.n).toBeGreaterThan(5);
    expect(figures.during.maxMs).toBeLessThan(BOUND_MS);
    // Once the breaker is open, requests skip Redis altogether: the typical one is not slowed by
    // a time box at all.
    expect(figures.during.medianMs).toBeLessThan(healthy.medianMs + 5 * TIMEOUT_MS);
    expect(after.failed).toBe(0);
  });

  it("CLIENT PAUSE WRITE: reads hit, write-backs time out, nothing fails", async () => {
    await baseline();
    await rig.raw.flushdb(); // every request now misses and tries to write back
    const pauseMs = 1500;
    await staller.call("CLIENT", "PAUSE", String(pauseMs), "WRITE");
    const during = await loadFor(pauseMs - 200);
    await sleep(300);
    const after = await baseline();
    const figures = { during: summary(during), after };
    console.log(`[cache-app slow: CLIENT PAUSE WRITE] ${JSON.stringify(figures)}`);

    expect(figures.during.failed).toBe(0);
    expect(figures.during.maxMs).toBeLessThan(BOUND_MS);
    expect(after.failed).toBe(0);
  });
});
