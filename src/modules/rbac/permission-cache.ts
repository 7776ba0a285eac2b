// Effective permissions cached per user as { epoch, keys }. The epoch (`auth:epoch:perms`) is bumped
// after any committed change that can alter someone's permissions (grant, revoke, a role's permission
// set, role deletion, status change), invalidating every entry with one INCR instead of deleting
// thousands of keys.
// The epoch is read in the SAME MGET as the entries, so a batch still costs one round trip.
import DataLoader from "dataloader";
import { z } from "zod";
import type { App } from "../../app.js";
import { keys } from "../../cache/keys.js";
import { canTrustCache, invalidate } from "../../cache/invalidation.js";
import { statsFor } from "../../cache/stats.js";
import { loadEffectivePermissions, loadRolePermissions } from "./permissions.js";
import type { EffectivePermissions, PermissionRecord } from "./permissions.js";

// An entry without `mfaOnly` does not parse: it is a miss, never a set whose MFA-only keys are unknown.
const entrySchema = z.object({ epoch: z.string(), keys: z.array(z.string()), mfaOnly: z.array(z.string()) });
type Entry = z.infer<typeof entrySchema>;

function parseEntry(raw: string | null): Entry | null {
  if (raw === null) return null;
  try {
    const parsed = entrySchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function loadEffectivePermissionsCached(app: App, userIds: readonly string[]): Promise<Map<string, EffectivePermissions>> {
  if (!canTrustCache(app)) return loadEffectivePermissions(app.db.pool, userIds);
  const [epochRaw, ...values] = await app.cache.mget([keys.permsEpoch(), ...userIds.map((id) => keys.perms(id))]);
  const epoch = epochRaw ?? "0";
  const result = new Map<string, EffectivePermissions>();
  const misses: string[] = [];
  userIds.forEach((id, i) => {
    const entry = parseEntry(values[i] ?? null);
    if (entry && entry.epoch === epoch) result.set(id, { keys: entry.keys, mfaOnly: entry.mfaOnly });
    else misses.push(id);
  });
  statsFor(app).add("perms", { hits: userIds.length - misses.length, misses: misses.length });
  if (misses.length === 0) return result;
  const loaded = await loadEffectivePermissions(app.db.pool, misses);
  const ttlMs = app.config.CACHE_PERMS_TTL_SECONDS * 1000;
  await app.cache.setMany(
    misses.map((id) => ({ key: keys.perms(id), value: JSON.stringify({ epoch, keys: [], mfaOnly: [], ...loaded.get(id) }), ttlMs })),
  );
  for (const [id, perms] of loaded) result.set(id, perms);
  return result;
}

/** Where a user's permission set would come from right now: a current cached entry, Postgres (then cached), or Postgres only. */
export type PermissionCacheState = "HIT" | "MISS" | "BYPASSED";

export async function permissionCacheState(app: App, userId: string): Promise<PermissionCacheState> {
  if (!canTrustCache(app)) return "BYPASSED";
  const [epochRaw, raw] = await app.cache.mget([keys.permsEpoch(), keys.perms(userId)]);
  return parseEntry(raw ?? null)?.epoch === (epochRaw ?? "0") ? "HIT" : "MISS";
}

/**
 * Call after a COMMITTED change that can alter effective permissions, before answering the client.
 * One INCR orphans every cached set on every instance: a set cached under the old epoch (even one a
 * concurrent reader writes back after this point) no longer matches. If Redis does not confirm the
 * INCR, the affected users' entries are deleted instead; an unconfirmed delete makes this instance
 * bypass the cache and replay the delete until Redis confirms it.
 */
export async function permissionsChanged(app: App, affectedUserIds: () => Promise<readonly string[]>): Promise<void> {
  const epochKey = keys.permsEpoch();
  // A timed-out INCR may still have landed; a second bump is harmless, so retry once.
  if ((await app.cache.incr(epochKey)) !== null || (await app.cache.incr(epochKey)) !== null) return;
  const ids = await affectedUserIds();
  app.log.warn({ users: ids.length }, "permission epoch bump not confirmed; deleting the affected permission sets");
  await invalidate(app, { keys: ids.map((id) => keys.perms(id)) });
}

/** A user's effective permission keys, and those of them that apply only in a session with MFA. */
export interface PermissionSet {
  all: ReadonlySet<string>;
  mfaOnly: ReadonlySet<string>;
}

/** Whether a session holds `key`: granted by a role, and proved with MFA when only MFA roles grant it. */
export function holdsPermission(set: PermissionSet, session: { mfaAt: Date | null }, key: string): boolean {
  return set.all.has(key) && (session.mfaAt != null || !set.mfaOnly.has(key));
}

export interface PermissionLoaders {
  /** Effective permissions per user id. */
  permissions: DataLoader<string, PermissionSet>;
  /** Permissions of each role id (Role.permissions), one statement per batch. */
  rolePermissions: DataLoader<string, PermissionRecord[]>;
}

export function createPermissionLoaders(app: App): PermissionLoaders {
  return {
    permissions: new DataLoader(async (ids) => {
      const map = await loadEffectivePermissionsCached(app, ids);
      return ids.map((id) => ({ all: new Set(map.get(id)?.keys), mfaOnly: new Set(map.get(id)?.mfaOnly) }));
    }),
    rolePermissions: new DataLoader(async (ids) => {
      const map = await loadRolePermissions(app.db.pool, ids);
      return ids.map((id) => map.get(id) ?? []);
    }),
  };
}
