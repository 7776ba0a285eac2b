// The response cache's store: whole query results in the cache under `response:<hash>`, each stamped
// with the permission and response epochs read when it was a miss. A lookup reads the entry and both
// epochs in one MGET; a stamp that differs from the current epochs is a miss, so one INCR (a mutation,
// a role or permission change, a Redis recovery) orphans every cached result on every instance.
import type { ExecutionResult } from "graphql";
import { keys } from "./keys.js";
import type { Cache } from "./types.js";

export interface ResponseStore {
  get(key: string): Promise<ExecutionResult | null>;
  set(key: string, result: ExecutionResult, ttlMs: number): Promise<void>;
}

interface Stamped {
  e: [string | null, string | null];
  r: ExecutionResult;
}

function parse(raw: string | null): Stamped | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<Stamped> | null;
    return v && Array.isArray(v.e) && v.e.length === 2 && typeof v.r === "object" && v.r !== null ? (v as Stamped) : null;
  } catch {
    return null;
  }
}

/**
 * A store for one request. It remembers the epochs its lookup saw, so a result computed after a miss is
 * stamped with the epochs from BEFORE it was computed: a mutation that lands meanwhile makes it a miss.
 */
export function requestResponseStore(cache: Cache): ResponseStore {
  const seen = new Map<string, Stamped["e"]>();
  return {
    async get(id) {
      const [raw, perms = null, responses = null] = await cache.mget([keys.response(id), keys.permsEpoch(), keys.responsesEpoch()]);
      const epochs: Stamped["e"] = [perms ?? null, responses ?? null];
      seen.set(id, epochs);
      const hit = parse(raw ?? null);
      return hit && hit.e[0] === epochs[0] && hit.e[1] === epochs[1] ? hit.r : null;
    },
    async set(id, result, ttlMs) {
      const epochs = seen.get(id);
      if (!epochs || ttlMs <= 0) return;
      await cache.set(keys.response(id), JSON.stringify({ e: epochs, r: result } satisfies Stamped), ttlMs);
    },
  };
}

/** Orphans every cached response (one INCR, retried once); false when Redis did not confirm it. */
export async function bumpResponsesEpoch(cache: Cache): Promise<boolean> {
  return (await cache.incr(keys.responsesEpoch())) !== null || (await cache.incr(keys.responsesEpoch())) !== null;
}
