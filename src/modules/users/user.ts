// User records as the cache and the domain see them: never with the password hash.
import DataLoader from "dataloader";
import { z } from "zod";
import type { App } from "../../app.js";
import { cachedDate, createFragmentLoader, reviver } from "../../cache/fragments.js";
import { canTrustCache } from "../../cache/invalidation.js";
import { keys } from "../../cache/keys.js";
import { statsFor } from "../../cache/stats.js";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import { UserStatus } from "../../generated/prisma/enums.js";
import { NotFoundError } from "../../errors.js";

/** The columns the User type answers. */
export const PUBLIC_USER_SELECT = {
  id: true,
  email: true,
  name: true,
  status: true,
  lastLoginAt: true,
  emailVerifiedAt: true,
  createdAt: true,
} as const satisfies Prisma.UserSelect;

export const USER_SELECT = { ...PUBLIC_USER_SELECT, failedLoginCount: true, lockedUntil: true, updatedAt: true } as const satisfies Prisma.UserSelect;

export type UserRecord = Prisma.UserGetPayload<{ select: typeof USER_SELECT }>;

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  status: z.enum(UserStatus),
  failedLoginCount: z.number().int(),
  lockedUntil: cachedDate.nullable(),
  lastLoginAt: cachedDate.nullable(),
  emailVerifiedAt: cachedDate.nullable(),
  createdAt: cachedDate,
  updatedAt: cachedDate,
}) satisfies z.ZodType<UserRecord, unknown>;

/** A UserRecord from parsed cache JSON, or null when the value does not have its shape. */
export const reviveUser = reviver(userSchema);

export async function findUsersByIds(db: PrismaClient, ids: readonly string[]): Promise<Map<string, UserRecord>> {
  const rows = await db.user.findMany({ where: { id: { in: [...ids] } }, select: USER_SELECT });
  return new Map(rows.map((u) => [u.id, u]));
}

/**
 * The user row, locked until the transaction ends: a concurrent status change, role change or
 * deletion of this user waits for us. NotFoundError when there is none.
 */
export async function lockUser(tx: Prisma.TransactionClient, userId: string): Promise<UserRecord> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
  if (locked.length === 0) throw new NotFoundError("User");
  return tx.user.findUniqueOrThrow({ where: { id: userId }, select: USER_SELECT });
}

/** Email as stored: trimmed and lower-cased (a CHECK constraint in the database enforces it). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Users by id for one request: one MGET, one query for the misses, one pipeline writing them back. */
export function createUserLoader(app: App): DataLoader<string, UserRecord | null> {
  const cached = createFragmentLoader<UserRecord>({
    cache: app.cache,
    kind: "user",
    key: keys.user,
    ttlMs: () => app.config.CACHE_USER_TTL_SECONDS * 1000,
    load: (ids) => findUsersByIds(app.db.prisma, ids),
    revive: reviveUser,
    idOf: (user) => user.id,
    metrics: statsFor(app),
  });
  return new DataLoader(async (ids) => {
    if (canTrustCache(app)) return cached(ids);
    const found = await findUsersByIds(app.db.prisma, ids);
    return ids.map((id) => found.get(id) ?? null);
  });
}
