// Multi-key commands that work on one server and on a Cluster alike. A Cluster refuses a command
// whose keys span hash slots (CROSSSLOT) and an explicit pipeline whose keys span nodes, so there a
// batch is split into one command per slot, all issued in the same tick: the Cluster client's
// auto-pipelining sends them as one pipeline per node, so a batch costs one round trip per node.
import calculateSlot from "cluster-key-slot";
import type { ChainableCommander } from "ioredis";
import { isCluster } from "./redis-client.js";
import type { RedisClient } from "./redis-client.js";
import type { CacheEntry } from "./types.js";

const px = (ttlMs: number): number => Math.max(1, Math.round(ttlMs));

/** Runs a pipeline; exec() resolves even when single commands fail (OOM, ...): throw so the breaker sees those. */
export async function execAll(pipeline: ChainableCommander): Promise<void> {
  const replies = await pipeline.exec();
  const failed = replies?.find(([err]) => err);
  if (!replies || failed) throw failed?.[0] ?? new Error("pipeline aborted");
}

export interface RedisCommands {
  /** Values in key order: one MGET on a server, one MGET per slot on a Cluster. */
  mget(keys: readonly string[]): Promise<(string | null)[]>;
  /** Deletes every key: one DEL on a server, one DEL per slot on a Cluster. */
  del(keys: readonly string[]): Promise<void>;
  /** SET ... PX [NX] for every entry: one pipeline (per node on a Cluster). */
  setMany(entries: readonly CacheEntry[]): Promise<void>;
  /** INCR of every key: one pipeline (per node on a Cluster). */
  incrAll(keys: readonly string[]): Promise<void>;
}

/** Key indexes grouped by the slot of the full (prefixed) key, in first-seen order. */
export function groupBySlot(keys: readonly string[], prefix: string): number[][] {
  const groups = new Map<number, number[]>();
  keys.forEach((key, i) => {
    const slot = calculateSlot(`${prefix}${key}`);
    const group = groups.get(slot);
    if (group) group.push(i);
    else groups.set(slot, [i]);
  });
  return [...groups.values()];
}

function setArgs(e: CacheEntry): [string, string, "PX", number] {
  return [e.key, e.value, "PX", px(e.ttlMs)];
}

export function redisCommands(client: RedisClient): RedisCommands {
  if (!isCluster(client)) {
    return {
      mget: (keys) => client.mget(...keys),
      del: async (keys) => {
        await client.del(...keys);
      },
      async setMany(entries) {
        const pipeline = client.pipeline();
        for (const e of entries) {
          if (e.onlyIfAbsent) pipeline.set(...setArgs(e), "NX");
          else pipeline.set(...setArgs(e));
        }
        await execAll(pipeline);
      },
      async incrAll(keys) {
        const pipeline = client.pipeline();
        for (const key of keys) pipeline.incr(key);
        await execAll(pipeline);
      },
    };
  }
  const prefix = client.options.keyPrefix ?? "";
  return {
    async mget(keys) {
      const groups = groupBySlot(keys, prefix);
      const replies = await Promise.all(groups.map((group) => client.mget(...group.map((i) => keys[i] as string))));
      const out: (string | null)[] = new Array<string | null>(keys.length).fill(null);
      groups.forEach((group, g) => group.forEach((index, j) => (out[index] = replies[g]?.[j] ?? null)));
      return out;
    },
    async del(keys) {
      await Promise.all(groupBySlot(keys, prefix).map((group) => client.del(...group.map((i) => keys[i] as string))));
    },
    async setMany(entries) {
      await Promise.all(entries.map((e) => (e.onlyIfAbsent ? client.set(...setArgs(e), "NX") : client.set(...setArgs(e)))));
    },
    async incrAll(keys) {
      await Promise.all(keys.map((key) => client.incr(key)));
    },
  };
}
