// The batched fragment loader: one MGET, one load for the misses, one pipeline writing them back,
// on both cache implementations.
import DataLoader from "dataloader";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { z } from "zod";
import { cachedDate, createFragmentLoader, reviver } from "../../src/cache/fragments.js";
import { TOMBSTONE } from "../../src/cache/invalidation.js";
import { createMemoryCache } from "../../src/cache/memory.js";
import { createRedisCache } from "../../src/cache/redis.js";
import { CacheStats } from "../../src/cache/stats.js";
import type { Cache, CacheEntry } from "../../src/cache/types.js";
import { startRedisServer } from "../helpers/redis-server.js";
import type { RedisServer } from "../helpers/redis-server.js";

interface Item {
  id: string;
  name: string;
  createdAt: Date;
  deletedAt: Date | null;
}

const reviveItem = reviver(z.object({ id: z.string(), name: z.string(), createdAt: cachedDate, deletedAt: cachedDate.nullable() }));

const item = (n: number): Item => ({
  id: `id-${n}`,
  name: `item ${n}`,
  createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, n)),
  deletedAt: n % 2 === 0 ? null : new Date(Date.UTC(2024, 5, 1)),
});

/** Counts calls per method; the loader must not know it is being watched. */
function counting(inner: Cache) {
  const calls = { get: 0, mget: 0, set: 0, setMany: 0, written: [] as CacheEntry[][] };
  const cache: Cache = {
    ...inner,
    get: (k) => (calls.get++, inner.get(k)),
    mget: (k) => (calls.mget++, inner.mget(k)),
    set: (k, v, t) => (calls.set++, inner.set(k, v, t)),
    setMany: (entries) => (calls.setMany++, calls.written.push([...entries]), inner.setMany(entries)),
  };
  return { cache, calls };
}

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.dispose();
});

const OPTIONS = { timeoutMs: 200, breakerFailures: 5, breakerCooldownMs: 1000 };
// In the redis-cluster project: the run's Cluster, where a batch's keys span slots and nodes.
const clusterNodes = inject("redisClusterNodes");
const onCluster = async (): Promise<Cache> => {
  const nodes = clusterNodes.split(",").map((seed) => ({ host: seed.split(":")[0] ?? "", port: Number(seed.split(":")[1]) }));
  return createRedisCache({ kind: "cluster", nodes }, { ...OPTIONS, prefix: `auth:frag${process.pid}:` });
};

describe.each<[string, () => Promise<Cache>]>([
  ["memory", async (): Promise<Cache> => createMemoryCache()],
  ["redis", async (): Promise<Cache> => createRedisCache(server.url, OPTIONS)],
  ...(clusterNodes ? [["redis cluster", onCluster] as [string, () => Promise<Cache>]] : []),
])("fragment loader on the %s cache", (_name, makeCache) => {
  const db = new Map(Array.from({ length: 60 }, (_, i) => [`id-${i}`, item(i)]));
  let inner: Cache;
  let watched: ReturnType<typeof counting>;
  let loads: string[][];
  let stats: CacheStats;
  let prefix: string;
  let run = 0;

  const makeLoader = () =>
    createFragmentLoader<Item>({
      cache: watched.cache,
      kind: "item",
      key: (id) => `${prefix}${id}`,
      ttlMs: () => 60_000,
      load: async (ids) => {
        loads.push([...ids]);
        return new Map(ids.flatMap((id) => (db.has(id) ? [[id, db.get(id) as Item]] : [])));
      },
      revive: reviveItem,
      metrics: stats,
    });

  beforeAll(async () => {
    inner = await makeCache();
  });
  afterAll(async () => {
    await inner?.close();
  });
  beforeEach(() => {
    watched = counting(inner);
    loads = [];
    stats = new CacheStats();
    prefix = `frag:${++run}:`; // fresh keys per test
  });

  const ids = Array.from({ length: 50 }, (_, i) => `id-${i}`);

  it("cold batch of 50: one MGET, one load of 50 ids, one setMany; warm: one MGET, no load", async () => {
    const load = makeLoader();
    const cold = await load(ids);
    expect(cold).toEqual(ids.map((id) => db.get(id)));
    expect(watched.calls.mget).toBe(1);
    expect(loads).toEqual([ids]);
    expect(watched.calls.setMany).toBe(1);
    expect(watched.calls.written[0]).toHaveLength(50);
    expect(watched.calls.get + watched.calls.set).toBe(0);
    expect(stats.get("item")).toEqual({ hits: 0, misses: 50, corrupt: 0, loaded: 50, notFound: 0 });

    const warm = await load(ids);
    expect(watched.calls.mget).toBe(2);
    expect(loads).toHaveLength(1);
    expect(watched.calls.setMany).toBe(1);
    expect(warm).toEqual(cold);
    // Revived from JSON: real Dates again, nullable dates stay null.
    const first = warm[0] as Item;
    const second = warm[1] as Item;
    expect(first.createdAt).toBeInstanceOf(Date);
    expect(first.createdAt.toISOString()).toBe("2024-01-01T00:00:00.000Z");
    expect(first.deletedAt).toBeNull();
    expect(second.deletedAt).toBeInstanceOf(Date);
    expect(stats.get("item").hits).toBe(50);
  });

  it("corrupt JSON and wrong-shape values count as misses and are overwritten", async () => {
    const load = makeLoader();
    await inner.set(`${prefix}id-1`, "{not json", 60_000);
    await inner.set(`${prefix}id-2`, JSON.stringify({ id: "id-2", name: 42, createdAt: "2024-01-01T00:00:00.000Z" }), 60_000);
    await inner.set(`${prefix}id-3`, JSON.stringify({ ...item(3), createdAt: "not a date" }), 60_000);
    await inner.set(`${prefix}id-4`, JSON.stringify(item(4)), 60_000);
    const got = await load(["id-1", "id-2", "id-3", "id-4"]);
    expect(got).toEqual([db.get("id-1"), db.get("id-2"), db.get("id-3"), db.get("id-4")]);
    expect(loads).toEqual([["id-1", "id-2", "id-3"]]);
    expect(stats.get("item")).toMatchObject({ hits: 1, misses: 3, corrupt: 3 });
    for (const id of ["id-1", "id-2", "id-3"]) {
      expect(reviveItem(JSON.parse((await inner.get(`${prefix}${id}`)) ?? "null"))).toEqual(db.get(id));
    }
  });

  it("missing ids resolve to null and are not cached", async () => {
    const load = makeLoader();
    expect(await load(["id-5", "nope"])).toEqual([db.get("id-5"), null]);
    expect(await inner.get(`${prefix}nope`)).toBeNull();
    expect(stats.get("item")).toMatchObject({ loaded: 1, notFound: 1 });
    await load(["nope"]);
    expect(loads).toEqual([["id-5", "nope"], ["nope"]]);
  });

  it("a tombstone is a miss that is served from the loader but never overwritten", async () => {
    const load = makeLoader();
    await inner.set(`${prefix}id-6`, TOMBSTONE, 60_000);
    expect(await load(["id-6"])).toEqual([db.get("id-6")]);
    expect(await inner.get(`${prefix}id-6`)).toBe(TOMBSTONE);
    expect(stats.get("item")).toMatchObject({ misses: 1, corrupt: 0 });
  });

  it("a value written by someone else during the load is not clobbered (SET NX)", async () => {
    const load = createFragmentLoader<Item>({
      cache: watched.cache,
      kind: "item",
      key: (id) => `${prefix}${id}`,
      ttlMs: () => 60_000,
      load: async (batch) => {
        // A concurrent writer (e.g. an update path) caches a newer version meanwhile.
        await inner.set(`${prefix}id-7`, JSON.stringify({ ...item(7), name: "newer" }), 60_000);
        return new Map(batch.map((id) => [id, db.get(id) as Item]));
      },
      revive: reviveItem,
      metrics: new CacheStats(),
    });
    await load(["id-7"]);
    expect(reviveItem(JSON.parse((await inner.get(`${prefix}id-7`)) ?? "null"))?.name).toBe("newer");
  });

  it("duplicate ids are loaded once; values with a non-positive TTL are served but not cached", async () => {
    const load = createFragmentLoader<Item>({
      cache: watched.cache,
      kind: "item",
      key: (id) => `${prefix}${id}`,
      ttlMs: (v) => (v.deletedAt ? 0 : 60_000),
      load: async (batch) => {
        loads.push([...batch]);
        return new Map(batch.map((id) => [id, db.get(id) as Item]));
      },
      revive: reviveItem,
      metrics: new CacheStats(),
    });
    expect(await load(["id-8", "id-8", "id-9"])).toEqual([db.get("id-8"), db.get("id-8"), db.get("id-9")]);
    expect(loads).toEqual([["id-8", "id-9"]]);
    expect(await inner.get(`${prefix}id-9`)).toBeNull(); // deletedAt set -> ttl 0 -> not cached
  });

  it("inside a DataLoader, one request's lookups become one batch", async () => {
    const loader = new DataLoader(makeLoader());
    const got = await Promise.all(["id-10", "id-11", "id-12"].map((id) => loader.load(id)));
    expect(got.map((g) => g?.id)).toEqual(["id-10", "id-11", "id-12"]);
    expect(watched.calls.mget).toBe(1);
    expect(loads).toEqual([["id-10", "id-11", "id-12"]]);
  });
});

describe("loader when the cache is unavailable", () => {
  it("falls through to the loader and still answers, without a round trip to the dead server", async () => {
    const cache = await createRedisCache("redis://127.0.0.1:1", { timeoutMs: 50, breakerFailures: 5, breakerCooldownMs: 1000, startupWaitMs: 200 });
    const client = cache.redis;
    if (!client) throw new Error("not a Redis cache");
    const mget = vi.spyOn(client, "mget");
    try {
      const loaded: string[][] = [];
      const load = createFragmentLoader<Item>({
        cache,
        kind: "item",
        key: (id) => `x:${id}`,
        ttlMs: () => 60_000,
        load: async (batch) => {
          loaded.push([...batch]);
          return new Map(batch.map((id) => [id, item(Number(id))]));
        },
        revive: reviveItem,
        metrics: new CacheStats(),
      });
      expect(cache.status().status).toBe("DEGRADED");
      expect(await load(["1", "2"])).toEqual([item(1), item(2)]);
      expect(loaded).toEqual([["1", "2"]]);
      expect(mget).not.toHaveBeenCalled();
    } finally {
      mget.mockRestore();
      await cache.close();
    }
  });
});

describe("reviver", () => {
  it("turns ISO strings back into Dates and rejects wrong shapes", () => {
    const revived = reviveItem(JSON.parse(JSON.stringify(item(1))));
    expect(revived).toEqual(item(1));
    expect(revived?.createdAt).toBeInstanceOf(Date);
    expect(reviveItem({ ...item(2), createdAt: null })).toBeNull(); // required
    expect(reviveItem({ id: "x", name: "y" })).toBeNull(); // missing
    expect(reviveItem({ ...item(2), createdAt: "garbage" })).toBeNull();
    expect(reviveItem({ ...item(2), createdAt: 0 })).toBeNull();
    expect(reviveItem(null)).toBeNull();
    expect(reviveItem([])).toBeNull();
  });
});
