// What the cache buys and what a sick Redis costs, through the gateway on a private redis-server:
//   - SQL statements per request with the cache warm and flushed (viewer, users page, audit page);
//   - `viewer` latency, cached vs uncached;
//   - viewer + users page latency while Redis sleeps (DEBUG SLEEP) and while it refuses writes
//     (CLIENT PAUSE WRITE), against a healthy baseline, and how long health takes to say OK again;
//   - the fragment loader falling through to its loader when Redis is unreachable.
// Prints figures; asserts nothing (the tests in test/cache/ check the behaviour).
//
//   npm run bench:cache   (needs the test PostgreSQL; starts its own redis-server; creates and drops its own database)
import { Redis } from "ioredis";
import { z } from "zod";
import { cachedDate, createFragmentLoader, reviver } from "../src/cache/fragments.js";
import { keys } from "../src/cache/keys.js";
import { createRedisCache } from "../src/cache/redis.js";
import { CacheStats, statsFor } from "../src/cache/stats.js";
import { HEALTH, USERS_PAGE, VIEWER } from "../test/helpers/cache-app.js";
import { setup } from "../test/helpers/global-setup.js";
import { createTestInstance } from "../test/helpers/instance.js";
import type { SignedIn, TestInstance } from "../test/helpers/instance.js";
import { startRedisServer } from "../test/helpers/redis-server.js";
import { summarise, timeEach } from "./stats.js";
import type { Summary } from "./stats.js";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const TIMEOUT_MS = 50;
const AUDIT_PAGE = `query($n: Int!) { auditEvents(first: $n) { edges { node { actor { id } subject { id } } } } }`;
const VIEWER_EMAIL = `{ viewer { session { id } user { id email } } }`;

const show = (name: string, s: Summary): void =>
  console.log(`${name.padEnd(34)}${String(s.n).padStart(6)}${[s.median, s.p95, s.min, s.max].map((v) => v.toFixed(1).padStart(9)).join("")}`);

async function sqlCounts(t: TestInstance, admin: SignedIn, raw: Redis): Promise<Record<string, { hit: number; miss: number }>> {
  const count = async (query: string, vars: Record<string, unknown>, prepare: () => Promise<unknown>): Promise<number> => {
    await prepare();
    t.statements.reset();
    const res = await t.gql(query, vars, { token: admin.token });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return t.statements.count;
  };
  const warm = (query: string, vars: Record<string, unknown> = {}) => () => t.gql(query, vars, { token: admin.token });
  const flush = (): Promise<unknown> => raw.flushdb();
  const out: Record<string, { hit: number; miss: number }> = {};
  for (const [name, query, vars] of [
    ["viewer", VIEWER, {}],
    ["viewer with email", VIEWER_EMAIL, {}],
    ["users page of 50", USERS_PAGE, { n: 50 }],
    ["audit page of 50", AUDIT_PAGE, { n: 50 }],
  ] as const) {
    out[name] = { hit: await count(query, vars, warm(query, vars)), miss: await count(query, vars, flush) };
  }
  return out;
}

/** viewer + users page, concurrently, as a client would; throws on a wrong answer. */
async function request(t: TestInstance, admin: SignedIn): Promise<void> {
  const [viewer, users] = await Promise.all([
    t.gql<{ viewer: { user: { id: string } } | null }>(VIEWER, {}, { token: admin.token }),
    t.gql<{ users: { edges: unknown[] } }>(USERS_PAGE, { n: 5 }, { token: admin.token }),
  ]);
  if (viewer.errors || viewer.data?.viewer?.user.id !== admin.userGid || users.errors) throw new Error("wrong answer");
}

/** Requests back to back for `ms`; the duration of each. */
async function loadFor(t: TestInstance, admin: SignedIn, ms: number): Promise<number[]> {
  const out: number[] = [];
  const until = performance.now() + ms;
  while (performance.now() < until) out.push(...(await timeEach(1, () => request(t, admin))));
  return out;
}

async function untilHealthy(t: TestInstance): Promise<number> {
  const started = performance.now();
  while ((await t.gql<{ health: { status: string } }>(HEALTH)).data?.health.status !== "OK") await new Promise((r) => setTimeout(r, 10));
  return performance.now() - started;
}

async function fallThrough(): Promise<number[]> {
  const cache = await createRedisCache("redis://127.0.0.1:1", { timeoutMs: TIMEOUT_MS, breakerFailures: 5, breakerCooldownMs: 1000, startupWaitMs: 200 });
  try {
    const revive = reviver(z.object({ id: z.string(), at: cachedDate }));
    const load = createFragmentLoader({
      cache,
      kind: "item",
      key: (id) => `x:${id}`,
      ttlMs: () => 60_000,
      load: async (ids) => new Map(ids.map((id) => [id, { id, at: new Date() }])),
      revive,
      metrics: new CacheStats(),
    });
    return await timeEach(SAMPLES, () => load(["1", "2", "3"]));
  } finally {
    await cache.close();
  }
}

await setup();
const server = await startRedisServer();
const t = await createTestInstance({ env: { REDIS_URL: server.url, CACHE_TIMEOUT_MS: String(TIMEOUT_MS), CACHE_BREAKER_FAILURES: "3", CACHE_BREAKER_COOLDOWN_MS: "1000" } });
const raw = new Redis(server.url);
const staller = new Redis(server.url);
raw.on("error", () => undefined);
staller.on("error", () => undefined);
try {
  const admin = await t.signInAs("admin");
  for (let i = 0; i < 55; i++) {
    await t.gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { __typename } }`, { input: { email: `bench${i}@test.local`, name: `bench ${i}` } }, { token: admin.token });
  }
  console.log(`SQL statements per request (hit = cache warm, miss = cache flushed): ${JSON.stringify(await sqlCounts(t, admin, raw))}`);

  const sessionKey = `${t.app.cache.redis?.options.keyPrefix ?? ""}${keys.session(admin.sessionId)}`;
  const viewer = (): Promise<unknown> => t.gql(VIEWER, {}, { token: admin.token });
  await timeEach(20, viewer); // JIT and connection warm-up
  const cached = await timeEach(SAMPLES, viewer);
  const uncached = await timeEach(SAMPLES, viewer, () => raw.del(sessionKey));
  console.log("\nms                                    n   median      p95      min      max");
  show("viewer, cached", summarise(cached));
  show("viewer, uncached", summarise(uncached));
  console.log(`session cache counters: ${JSON.stringify(statsFor(t.app).get("session"))}`);

  await loadFor(t, admin, 300);
  show("viewer + users, healthy Redis", summarise(await loadFor(t, admin, 1000)));
  const stalled = staller.call("DEBUG", "SLEEP", "2").catch(() => undefined);
  await new Promise((r) => setTimeout(r, 20)); // let the server start sleeping
  show("viewer + users, Redis asleep (2 s)", summarise(await loadFor(t, admin, 1800)));
  await stalled;
  console.log(`health OK again ${(await untilHealthy(t)).toFixed(0)} ms after the sleep ended`);
  await loadFor(t, admin, 300);
  show("viewer + users, after the sleep", summarise(await loadFor(t, admin, 1000)));
  await raw.flushdb(); // every request now misses and tries to write back
  await staller.call("CLIENT", "PAUSE", "1500", "WRITE");
  show("viewer + users, writes paused", summarise(await loadFor(t, admin, 1300)));
  await untilHealthy(t);
  show("fragment loader, Redis unreachable", summarise(await fallThrough()));
} finally {
  raw.disconnect();
  staller.disconnect();
  await t.close();
  await server.dispose();
}
