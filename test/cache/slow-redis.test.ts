// A Redis that stops answering (CLIENT PAUSE ALL) or stops accepting writes (CLIENT PAUSE WRITE) costs
// requests no error: they are answered from Postgres while Redis is still paused, and the cache comes
// back on its own. A stall of our own event loop is not mistaken for a slow Redis. (Latency figures
// for these scenarios: bench/cache-latency.ts.)
import { spawnSync } from "node:child_process";
import { Redis } from "ioredis";
import { describe, expect } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { HEALTH, USERS_PAGE, VIEWER } from "../helpers/cache-app.js";
import { privateRedisTest } from "../helpers/fixture.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";
import type { RedisServer } from "../helpers/redis-server.js";

const TIMEOUT_MS = 50;
const BREAKER_FAILURES = 3;
// Waiting on reconnects and cool-downs: a bound for a loaded machine, not a spec.
const RECOVERY = { timeout: 15_000, interval: 20 };

/** `prober`: a connection of its own, to learn when a pause is over. */
const test = privateRedisTest({ CACHE_TIMEOUT_MS: String(TIMEOUT_MS), CACHE_BREAKER_FAILURES: String(BREAKER_FAILURES), CACHE_BREAKER_COOLDOWN_MS: "1000" }).extend(
  "prober",
  { scope: "file" },
  async ({ redis }, { onCleanup }) => {
    const prober = new Redis(redis.url, { maxRetriesPerRequest: null });
    prober.on("error", () => undefined);
    onCleanup(() => prober.disconnect());
    await prober.ping();
    return prober;
  },
);

const health = async (t: TestInstance): Promise<string | undefined> => (await t.gql<{ health: { status: string } }>(HEALTH)).data?.health.status;

/** viewer + users page, concurrently, as a client would; true only if both answered correctly. */
async function request(t: TestInstance, admin: SignedIn): Promise<boolean> {
  const [viewer, users] = await Promise.all([
    t.gql<{ viewer: { user: { id: string } } | null }>(VIEWER, {}, { token: admin.token }),
    t.gql<{ users: { edges: unknown[] } }>(USERS_PAGE, { n: 5 }, { token: admin.token }),
  ]);
  return !viewer.errors && viewer.data?.viewer?.user.id === admin.userGid && !users.errors && (users.data?.users.edges.length ?? 0) > 0;
}

/** Healthy again and warm (a recovery bumps the epochs, so the first requests re-warm). */
async function recovered(t: TestInstance, admin: SignedIn): Promise<void> {
  await expect.poll(() => health(t), RECOVERY).toBe("OK");
  for (let i = 0; i < 5; i++) expect(await request(t, admin)).toBe(true);
}

/**
 * Requests back to back until `over` resolves (the pause has ended): how many were answered while
 * Redis was still paused, how many of those failed, and whether the circuit was seen open.
 */
async function loadUntil(t: TestInstance, admin: SignedIn, over: Promise<void>): Promise<{ answered: number; failed: number; sawOpen: boolean }> {
  let paused = true;
  void over.then(() => {
    paused = false;
  });
  const out = { answered: 0, failed: 0, sawOpen: false };
  while (paused) {
    const ok = await request(t, admin);
    if (!paused) break;
    out.answered++;
    if (!ok) out.failed++;
    if (t.app.cache.status().breaker !== "closed") out.sawOpen = true;
  }
  return out;
}

function mgetCalls(redis: RedisServer): number {
  const out = spawnSync("redis-cli", ["-p", String(redis.port), "INFO", "commandstats"], { encoding: "utf8" }).stdout;
  return Number(/cmdstat_mget:calls=(\d+)/.exec(out)?.[1] ?? 0);
}

describe("a stall of our own event loop", () => {
  test("is not a Redis timeout: a reply that arrived during it still counts", async ({ t, admin, redis }) => {
    await t.gql(VIEWER, {}, { token: admin.token });
    const key = keys.session(admin.sessionId);
    for (let i = 0; i < 5; i++) {
      const before = mgetCalls(redis);
      const started = performance.now();
      // Five calls in flight, then this process stalls (as in a long GC pause) until Redis has
      // answered them and the time box has passed. spawnSync blocks the event loop too. Reads of one
      // turn leave as one MGET when the turn's I/O is done; the wait for Redis to have it starts right
      // after that, in the same check phase, so no reply is read before the stall ends.
      const calls = Array.from({ length: 5 }, () => t.app.cache.mget([key]));
      await new Promise((r) => setImmediate(r));
      const sentBy = performance.now() + 5000;
      while (mgetCalls(redis) < before + 1) {
        if (performance.now() > sentBy) throw new Error("the batch did not leave in the turn it was asked for in");
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
  test("stops answering anyone: requests are answered from Postgres while it is paused, the circuit opens, then the cache recovers", async ({ t, admin, raw, prober }) => {
    await recovered(t, admin);
    // Its reply means the pause is on; a PING sent now is answered when it is over.
    await raw.call("CLIENT", "PAUSE", "2000", "ALL");
    const during = await loadUntil(
      t,
      admin,
      prober.ping().then(() => undefined),
    );
    expect(during.failed).toBe(0);
    expect(during.answered).toBeGreaterThan(5);
    // Once open, requests skip Redis instead of waiting out a time box per call.
    expect(during.sawOpen).toBe(true);
    await recovered(t, admin);
    expect(t.app.cache.status()).toMatchObject({ status: "OK", breaker: "closed" });
  });

  test("stops accepting writes: write-backs give up, every request is still answered while writes are paused", async ({ t, admin, raw, prober }) => {
    await recovered(t, admin);
    await raw.flushdb(); // every request now misses and tries to write back
    await raw.call("CLIENT", "PAUSE", "1500", "WRITE");
    // A write sent now is answered when the pause is over.
    const during = await loadUntil(
      t,
      admin,
      prober.set("test:probe", "1").then(() => undefined),
    );
    expect(during.failed).toBe(0);
    expect(during.answered).toBeGreaterThan(2);
    await recovered(t, admin);
  });
});
