// The response cache's store: whole query results in the cache under `response:<hash>`, each stamped
// with the permission and response epochs read when it was a miss. A lookup reads the entry and both
// epochs in one MGET; a stamp that differs from the current epochs is a miss, so one INCR (a mutation,
// a role or permission change, a Redis recovery) orphans every cached result on every instance.
// An entry is the stamp's JSON, a newline, then the result's JSON text exactly as it was answered:
// a hit reads the stamp alone and answers the text as it is, with no parse and no second serialisation.
import { keys } from "./keys.js";
import type { Cache } from "./types.js";

export interface ResponseStore {
  /** The cached result's JSON text, or null. */
  get(key: string): Promise<string | null>;
  set(key: string, json: string, ttlMs: number): Promise<void>;
}

type Epochs = [string | null, string | null];

// JSON text never holds a raw newline, so the first one ends the stamp.
function stampOf(raw: string): { epochs: Epochs; json: string } | null {
  const end = raw.indexOf("\n");
  if (end < 0) return null;
  try {
    const epochs = JSON.parse(raw.slice(0, end)) as unknown;
    const json = raw.slice(end + 1);
    if (!Array.isArray(epochs) || epochs.length !== 2 || !json.startsWith("{") || !json.endsWith("}")) return null;
    return { epochs: epochs as Epochs, json };
  } catch {
    return null;
  }
}

/**
 * A store for one request. It remembers the epochs its lookup saw, so a result computed after a miss is
 * stamped with the epochs from BEFORE it was computed: a mutation that lands meanwhile makes it a miss.
 */
export function requestResponseStore(cache: Cache): ResponseStore {
  const seen = new Map<string, Epochs>();
  return {
    async get(id) {
      const [raw, perms = null, responses = null] = await cache.mget([keys.response(id), keys.permsEpoch(), keys.responsesEpoch()]);
      const epochs: Epochs = [perms ?? null, responses ?? null];
      seen.set(id, epochs);
      const hit = raw ? stampOf(raw) : null;
      return hit && hit.epochs[0] === epochs[0] && hit.epochs[1] === epochs[1] ? hit.json : null;
    },
    async set(id, json, ttlMs) {
      const epochs = seen.get(id);
      if (!epochs || ttlMs <= 0) return;
      await cache.set(keys.response(id), `${JSON.stringify(epochs)}\n${json}`, ttlMs);
    },
  };
}

/** Orphans every cached response (one INCR, retried once); false when Redis did not confirm it. */
export async function bumpResponsesEpoch(cache: Cache): Promise<boolean> {
  return (await cache.incr(keys.responsesEpoch())) !== null || (await cache.incr(keys.responsesEpoch())) !== null;
}
