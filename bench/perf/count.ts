// SQL statements and Redis commands one request of each workload costs, counted in-process on a
// gateway (Prisma's statement counter, and every command the instance's ioredis client sends,
// pipelined ones included). bench/run.ts prints these next to the timings; test/perf/ pins them.
import { Redis } from "ioredis";
import type { App } from "../../src/app.js";
import { closeApp, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { encodeId } from "../../src/graphql/global-id.js";
import { createLogger } from "../../src/observability/log.js";
import { createGateway } from "../../src/server/yoga.js";
import type { Gateway } from "../../src/server/yoga.js";
import { EFFECTIVE_PERMISSIONS, REVOKE_SESSION, SIGN_IN, USERS_PAGE, VIEWER, W0_TYPENAME } from "./documents.js";
import { PASSWORD } from "./fixture.js";
import type { Fixture } from "./fixture.js";

export interface Counts {
  sql: number;
  redis: number;
  /** The statements and commands themselves (SQL text, Redis command names), for messages. */
  statements: string[];
  commands: string[];
}

/** Empties the cache kinds (`session`, `user`, `perms`) under `prefix` with SCAN + DEL. */
export async function clearCache(redis: Redis, prefix: string, kinds: readonly string[]): Promise<void> {
  for (const kind of kinds) {
    let cursor = "0";
    do {
      const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}${kind}:*`, "COUNT", 1000);
      cursor = next;
      if (found.length) await redis.del(...found);
    } while (cursor !== "0");
  }
}

export const COLD_KINDS = ["session", "user", "perms", "response"] as const;

type Sent = { name: string };

/** Counts what `fn` makes the app send, including work that settles just after the response. */
export async function countDuring(app: App, fn: () => Promise<void>): Promise<Counts> {
  const redis = app.cache.redis;
  const commands: string[] = [];
  const original = redis?.sendCommand;
  if (redis && original) {
    redis.sendCommand = function (this: Redis, ...args: Parameters<Redis["sendCommand"]>) {
      commands.push((args[0] as unknown as Sent).name.toUpperCase());
      return Reflect.apply(original, this, args) as ReturnType<Redis["sendCommand"]>;
    } as Redis["sendCommand"];
  }
  // Write-backs and audit appends may finish after the response (and Redis commands leave a tick
  // after they are issued): wait until nothing moves, before the window and after the request.
  const settle = async (): Promise<void> => {
    for (let last = -1; last !== app.db.statements.count + commands.length * 1e6; ) {
      last = app.db.statements.count + commands.length * 1e6;
      await new Promise((r) => setTimeout(r, 30));
    }
  };
  try {
    await settle();
    commands.length = 0;
    app.db.statements.reset();
    await fn();
    await settle();
  } finally {
    if (redis && original) redis.sendCommand = original;
  }
  return { sql: app.db.statements.count, redis: commands.length, statements: [...app.db.statements.log], commands };
}

async function post(yoga: Gateway, query: string, variables: Record<string, unknown>, token?: string): Promise<void> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await yoga.fetch("http://bench.local/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  if (res.status !== 200 || text.includes('"errors"') || text.includes('"code"')) throw new Error(`${query.slice(0, 40)}: ${text.slice(0, 300)}`);
}

/**
 * One request per workload on `app`, cold workloads after emptying the cache, warm ones after one
 * uncounted request. Uses sessions from the END of the fixture's lists (the timed runs start at the front).
 */
export async function countWorkloads(app: App, yoga: Gateway, fixture: Fixture, ids: readonly string[]): Promise<Record<string, Counts>> {
  const client = app.cache.redis;
  // The bench runs on one Redis server (a Cluster's keys would need a SCAN per master).
  if (client && !(client instanceof Redis)) throw new Error("the bench counts against one Redis server, not a Cluster");
  const redis = client;
  const prefix = redis?.options.keyPrefix ?? "";
  const cold = async (): Promise<void> => {
    // The app's own client carries the key prefix; SCAN MATCH does not apply it, so match the full key.
    if (!redis) return;
    const plain = redis.duplicate({ keyPrefix: "", enableOfflineQueue: true });
    try {
      await clearCache(plain, prefix, COLD_KINDS);
    } finally {
      plain.disconnect();
    }
  };
  const [first = [], second = [], third = []] = fixture.sessions;
  const s1 = first.at(-1)?.token;
  const s2 = second.at(-1)?.token;
  const victim = third.at(-1)?.id ?? "";
  const email = fixture.emails.at(-1);
  const cases: Record<string, { cold: boolean; run: () => Promise<void> }> = {
    W0: { cold: false, run: () => post(yoga, W0_TYPENAME, {}) },
    W1: { cold: true, run: () => post(yoga, VIEWER, {}, s1) },
    W2: { cold: false, run: () => post(yoga, VIEWER, {}, s1) },
    W3: { cold: true, run: () => post(yoga, USERS_PAGE, { first: 50 }, fixture.adminToken) },
    W3w: { cold: false, run: () => post(yoga, USERS_PAGE, { first: 50 }, fixture.adminToken) },
    W3s: { cold: true, run: () => post(yoga, USERS_PAGE, { first: 10 }, fixture.adminToken) },
    W4: { cold: true, run: () => post(yoga, EFFECTIVE_PERMISSIONS, {}, s2) },
    W4w: { cold: false, run: () => post(yoga, EFFECTIVE_PERMISSIONS, {}, s2) },
    W5: { cold: false, run: () => post(yoga, SIGN_IN, { input: { email, password: PASSWORD } }) },
    // The admin's session warm, as it is under load.
    W6: { cold: false, run: () => post(yoga, REVOKE_SESSION, { id: encodeId("Session", victim) }, fixture.adminToken) },
  };
  const out: Record<string, Counts> = {};
  for (const id of ids) {
    const c = cases[id];
    if (!c) continue;
    if (c.cold) await cold();
    else if (id !== "W5" && id !== "W6") await c.run();
    else await post(yoga, EFFECTIVE_PERMISSIONS, {}, fixture.adminToken);
    out[id] = await countDuring(app, c.run);
  }
  return out;
}

/** countWorkloads on an in-process gateway with `env` (the bench's gateway settings, its own cache namespace). */
export async function countPerRequest(env: Record<string, string>, fixture: Fixture, ids: readonly string[]): Promise<Record<string, Counts>> {
  const config = loadConfig({ ...env, LOG_LEVEL: "silent", CACHE_NAMESPACE: `${env.CACHE_NAMESPACE ?? "bench"}count` });
  const { app } = await createApp(config, { log: createLogger(config), migrate: false });
  try {
    return await countWorkloads(app, createGateway(app), fixture, ids);
  } finally {
    await closeApp(app);
  }
}
