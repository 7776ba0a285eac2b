// Effective permissions cached per user as { epoch, keys }. The epoch (`auth:perms:epoch`) is bumped
// by any change to a role's permission set, invalidating every user's entry with one INCR instead of
// deleting thousands of keys; per-user changes (grant/revoke role, status) delete that user's key.
// The epoch is read in the SAME MGET as the entries, so a batch still costs one round trip.
import type { App } from "../app.js";
import { keys } from "../cache/keys.js";
import { canTrustCache } from "../cache/invalidation.js";
import { loadEffectivePermissions } from "./permissions.js";

interface Entry {
  epoch: string;
  keys: string[];
}

function parseEntry(raw: string | null): Entry | null {
  if (raw === null) return null;
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v !== "object" || v === null) return null;
    const e = v as Record<string, unknown>;
    if (typeof e.epoch !== "string" || !Array.isArray(e.keys) || !e.keys.every((k) => typeof k === "string")) return null;
    return { epoch: e.epoch, keys: e.keys as string[] };
  } catch {
    return null;
  }
}

export async function loadEffectivePermissionsCached(app: App, userIds: readonly string[]): Promise<Map<string, string[]>> {
  if (!canTrustCache(app)) return loadEffectivePermissions(app.db.prisma, userIds);
  const [epochRaw, ...values] = await app.cache.mget([keys.permsEpoch(), ...userIds.map((id) => keys.perms(id))]);
  const epoch = epochRaw ?? "0";
  const result = new Map<string, string[]>();
  const misses: string[] = [];
  userIds.forEach((id, i) => {
    const entry = parseEntry(values[i] ?? null);
    if (entry && entry.epoch === epoch) result.set(id, entry.keys);
    else misses.push(id);
  });
  if (misses.length === 0) return result;
  const loaded = await loadEffectivePermissions(app.db.prisma, misses);
  const ttlMs = app.config.CACHE_PERMS_TTL_SECONDS * 1000;
  await app.cache.setMany(
    misses.map((id) => ({ key: keys.perms(id), value: JSON.stringify({ epoch, keys: loaded.get(id) ?? [] }), ttlMs })),
  );
  for (const [id, perms] of loaded) result.set(id, perms);
  return result;
}
