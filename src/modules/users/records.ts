// User records as the cache and the domain see them (never with the password hash).
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { UserRecord } from "../types.js";

export const USER_SELECT = {
  id: true,
  email: true,
  name: true,
  status: true,
  failedLoginCount: true,
  lockedUntil: true,
  lastLoginAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

const STATUSES = new Set(["ACTIVE", "DISABLED", "LOCKED"]);

/** A Date from cached JSON: null stays null, undefined means "not a valid date" (reject the value). */
export function reviveDate(v: unknown): Date | null | undefined {
  if (v === null) return null;
  if (typeof v !== "string") return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Rebuild a UserRecord from parsed JSON; null when the value does not have the expected shape. */
export function reviveUser(raw: unknown): UserRecord | null {
  if (typeof raw !== "object" || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const createdAt = reviveDate(r.createdAt);
  const updatedAt = reviveDate(r.updatedAt);
  const lockedUntil = reviveDate(r.lockedUntil);
  const lastLoginAt = reviveDate(r.lastLoginAt);
  if (
    typeof r.id !== "string" ||
    typeof r.email !== "string" ||
    typeof r.name !== "string" ||
    typeof r.status !== "string" ||
    !STATUSES.has(r.status) ||
    typeof r.failedLoginCount !== "number" ||
    !createdAt ||
    !updatedAt ||
    lockedUntil === undefined ||
    lastLoginAt === undefined
  ) {
    return null;
  }
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    status: r.status as UserRecord["status"],
    failedLoginCount: r.failedLoginCount,
    lockedUntil,
    lastLoginAt,
    createdAt,
    updatedAt,
  };
}

export async function findUsersByIds(db: PrismaClient, ids: readonly string[]): Promise<Map<string, UserRecord>> {
  const rows = await db.user.findMany({ where: { id: { in: [...ids] } }, select: USER_SELECT });
  return new Map(rows.map((u) => [u.id, u]));
}

/** Email as stored: trimmed and lower-cased (a CHECK constraint in the database enforces it). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
