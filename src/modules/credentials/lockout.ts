// Account lockout, reserved before the password is checked. A real account's attempt is one UPDATE
// that counts it as a failure up front (so concurrent attempts each see their own count, across
// instances) and, on the LOCKOUT_AFTER_FAILURES-th, sets lockedUntil; a success clears both. Unknown
// emails lock exactly the same way (same threshold, period and answer) from the cache, so the lockout
// tells nobody which emails exist. A source (address bucket) that signed in to the account recently
// has a lockout counter of its own, so a stranger cannot keep the owner out.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { App } from "../../app.js";
import { Prisma } from "../../generated/prisma/client.js";
import { cachedDate } from "../../cache/fragments.js";
import { keys } from "../../cache/keys.js";
import { addressBucket } from "./login-limiter.js";

/** `count`: the account's failure count this attempt brought it to (the account's own count only). */
export type Reservation = { locked: false; locksOnFailure: boolean; count?: number } | { locked: true; lockedUntil: Date };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const digest = (value: string): string => createHash("sha256").update(value).digest("hex").slice(0, 32);

const counterSchema = z.object({ count: z.number().int().nonnegative(), lockedUntil: cachedDate.nullable() });
type Counter = z.infer<typeof counterSchema>;

function parseCounter(raw: string): Counter | null {
  try {
    const parsed = counterSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // junk is overwritten by the next compare-and-set
  }
}

/** The same rule as the UPDATE in reserveAccount, for a counter kept in the cache. */
function next(current: Counter | null, now: Date, threshold: number, lockMs: number): Reservation & { state?: Counter } {
  if (current?.lockedUntil && current.lockedUntil > now) return { locked: true, lockedUntil: current.lockedUntil };
  const count = current?.lockedUntil ? 1 : (current?.count ?? 0) + 1;
  const lockedUntil = count >= threshold ? new Date(now.getTime() + lockMs) : null;
  return { locked: false, locksOnFailure: lockedUntil !== null, state: { count, lockedUntil } };
}

/** An account found by email, with this attempt's reservation against it (null: counted on a known source's own count). */
export type FoundAccount<Row> = Row & { id: string; reservation: Reservation | null };

export interface Lockout {
  /** One attempt against a real account. */
  reserveAccount(userId: string, now: Date): Promise<Reservation>;
  /**
   * The account `email` names (the `columns` of it, a select list over alias `u`) with one attempt
   * reserved against it in the same statement, unless it is `knownOwner` (a known source, which the
   * caller reserves with reserveSource). Null when no account has the email.
   */
  findAndReserve<Row extends object>(email: string, knownOwner: string | null, now: Date, columns: Prisma.Sql): Promise<FoundAccount<Row> | null>;
  /** One attempt against an email no account has. */
  reservePhantom(email: string, now: Date): Promise<Reservation>;
  /** The account a source (the caller's address bucket) signed in to recently under `email`; null when none. */
  knownSourceOf(email: string, ip: string | null): Promise<string | null>;
  /** One attempt from a known source, on its own count. */
  reserveSource(userId: string, ip: string | null, now: Date): Promise<Reservation>;
  /** One attempt from a source that signed in to this account recently; null when it has not. */
  reserveKnownSource(user: Account, ip: string | null, now: Date): Promise<Reservation | null>;
  /**
   * After a success: this source is known to the account for LOGIN_KNOWN_SOURCE_DAYS, and its count
   * starts again from the attempts reserved after `upTo` (the count this success's own attempt reached
   * on the source's counter; unset: from zero).
   */
  remember(user: Account, ip: string | null, upTo?: number): Promise<void>;
}

/** An account as the lockout keys it: its id, and the normalised email a known source is looked up by. */
export interface Account {
  id: string;
  email: string;
}

export function createLockout(app: Pick<App, "config" | "cache" | "db">): Lockout {
  const { config, cache } = app;
  const threshold = config.LOCKOUT_AFTER_FAILURES;
  const lockMs = config.LOCKOUT_SECONDS * 1000;
  // Like users.failedLoginCount, which no window resets; a day bounds what an email spray leaves behind.
  const counterTtlMs = Math.max(86_400_000, lockMs);

  /** Compare-and-set until this attempt's increment lands, so concurrent attempts never share a count. */
  const reserveInCache = async (key: string, now: Date): Promise<Reservation> => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const raw = await cache.get(key);
      const current = raw === null ? null : parseCounter(raw);
      const { state, ...reservation } = next(current, now, threshold, lockMs);
      if (!state) return reservation;
      if (await cache.compareAndSet(key, raw, JSON.stringify(state), counterTtlMs)) return reservation.locked ? reservation : { ...reservation, count: state.count };
    }
    // The cache would not take the increment (unavailable, or extreme contention): refuse this attempt.
    return { locked: true, lockedUntil: new Date(now.getTime() + lockMs) };
  };

  /** A success clears the attempts counted up to its own (`upTo`); attempts reserved after it still count. */
  const clearUpTo = async (key: string, upTo: number): Promise<void> => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const raw = await cache.get(key);
      const current = raw === null ? null : parseCounter(raw);
      if (!current) return;
      const count = Math.max(current.count - upTo, 0);
      const state: Counter = { count, lockedUntil: count > 0 ? current.lockedUntil : null };
      if (await cache.compareAndSet(key, raw, JSON.stringify(state), counterTtlMs)) return;
    }
  };

  // An expired lock starts the count again at this attempt; the LOCKOUT_AFTER_FAILURES-th sets the lock.
  const counted = (lockUntil: Date) => Prisma.sql`
    failed_login_count = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_login_count + 1 END,
    locked_until = CASE WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_login_count + 1 END) >= ${threshold}::int THEN ${lockUntil}::timestamptz END`;
  const unlocked = (now: Date) => Prisma.sql`(locked_until IS NULL OR locked_until <= ${now}::timestamptz)`;
  const sourceOf = (ip: string | null): string | null => {
    const bucket = addressBucket(ip);
    return bucket && config.LOGIN_KNOWN_SOURCE_DAYS > 0 ? digest(bucket) : null;
  };
  const knownSourceOf = async (email: string, ip: string | null): Promise<string | null> => {
    const source = sourceOf(ip);
    const owner = source ? await cache.get(keys.knownSource(digest(email), source)) : null;
    // Anything but an account id (a corrupt entry) is no known source; it is overwritten by the next success.
    return owner !== null && UUID.test(owner) ? owner : null;
  };
  const reserveSource = (userId: string, ip: string | null, now: Date): Promise<Reservation> =>
    reserveInCache(keys.sourceAttempts(userId, sourceOf(ip) ?? ""), now);

  const currentLock = async (userId: string): Promise<Date | null> =>
    (await app.db.prisma.user.findUnique({ where: { id: userId }, select: { lockedUntil: true } }))?.lockedUntil ?? null;

  return {
    async reserveAccount(userId, now) {
      const lockUntil = new Date(now.getTime() + lockMs);
      const rows = await app.db.prisma.$queryRaw<{ lockedUntil: Date | null }[]>`
        UPDATE users SET ${counted(lockUntil)}
        WHERE id = ${userId}::uuid AND ${unlocked(now)}
        RETURNING locked_until AS "lockedUntil"`;
      const row = rows[0];
      if (row) return { locked: false, locksOnFailure: row.lockedUntil !== null };
      return { locked: true, lockedUntil: (await currentLock(userId)) ?? lockUntil };
    },

    async findAndReserve<Row extends object>(email: string, knownOwner: string | null, now: Date, columns: Prisma.Sql) {
      const lockUntil = new Date(now.getTime() + lockMs);
      // Under READ COMMITTED the UPDATE re-checks a row a concurrent attempt changed, so each attempt
      // sees its own count, exactly as reserveAccount's. `u` is the statement's snapshot of the account.
      const [row] = await app.db.prisma.$queryRaw<(Row & { id: string; reserved: boolean; reservedLock: Date | null; reservedCount: number | null; lockedUntil: Date | null })[]>`
        WITH u AS (SELECT * FROM users WHERE email = ${email}),
        r AS (
          UPDATE users SET ${counted(lockUntil)}
          WHERE id = (SELECT id FROM u) AND id IS DISTINCT FROM ${knownOwner}::uuid AND ${unlocked(now)}
          RETURNING locked_until, failed_login_count
        )
        SELECT ${columns}, u.id::text AS id, EXISTS (SELECT 1 FROM r) AS reserved,
               (SELECT locked_until FROM r) AS "reservedLock", (SELECT failed_login_count FROM r) AS "reservedCount", u.locked_until AS "lockedUntil"
        FROM u`;
      if (!row) return null;
      const { reserved, reservedLock, reservedCount, lockedUntil, ...account } = row;
      const found = account as unknown as Row & { id: string };
      if (found.id === knownOwner) return { ...found, reservation: null };
      if (reserved) return { ...found, reservation: { locked: false, locksOnFailure: reservedLock !== null, count: reservedCount ?? undefined } };
      // Locked. When the snapshot still saw it unlocked, a concurrent attempt has just set the lock: read
      // it, so every attempt answers with the one lockedUntil.
      const until = lockedUntil && lockedUntil > now ? lockedUntil : await currentLock(found.id);
      return { ...found, reservation: { locked: true, lockedUntil: until ?? lockUntil } };
    },

    reservePhantom(email, now) {
      return reserveInCache(keys.phantomAttempts(digest(email)), now);
    },

    knownSourceOf,
    reserveSource,

    async reserveKnownSource(user, ip, now) {
      return (await knownSourceOf(user.email, ip)) === user.id ? reserveSource(user.id, ip, now) : null;
    },

    async remember(user, ip, upTo) {
      const source = sourceOf(ip);
      if (!source) return;
      // Every attempt is counted before the password is checked; a success clears the source's count,
      // as it clears the account's, or the owner would lock themselves out after that many sign-ins.
      // Keyed by the email (looked up before the account is read), holding the account's id: an
      // address that later names another account is not a known source of it.
      await Promise.all([
        cache.set(keys.knownSource(digest(user.email), source), user.id, config.LOGIN_KNOWN_SOURCE_DAYS * 86_400_000),
        upTo === undefined ? cache.del([keys.sourceAttempts(user.id, source)]) : clearUpTo(keys.sourceAttempts(user.id, source), upTo),
      ]);
    },
  };
}
