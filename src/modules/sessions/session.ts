// Session records and the one definition of "active". The token hash is selected only where the
// secret must be checked (the session cache); everything else sees SessionRecord without it.
import DataLoader from "dataloader";
import type { App } from "../../app.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { UserRecord } from "../users/user.js";

export const PUBLIC_SESSION_SELECT = {
  id: true,
  userId: true,
  createdAt: true,
  lastSeenAt: true,
  expiresAt: true,
  absoluteExpiresAt: true,
  revokedAt: true,
  ip: true,
  userAgent: true,
  authMethods: true,
  mfaAt: true,
  metadata: true,
} as const satisfies Prisma.SessionSelect;

/** How a session was authenticated, as recorded in `sessions.auth_methods`. */
export const AUTH_METHODS = ["password", "totp", "recovery_code", "passkey"] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** What a new session records about its authentication. */
export interface SessionAuth {
  methods: readonly AuthMethod[];
  /** Set when one of the methods was a second factor (or a user-verified passkey). */
  mfaAt: Date | null;
}

export const SESSION_SELECT = { ...PUBLIC_SESSION_SELECT, tokenHash: true } as const satisfies Prisma.SessionSelect;

export type SessionRecord = Prisma.SessionGetPayload<{ select: typeof PUBLIC_SESSION_SELECT }>;
export type StoredSession = Prisma.SessionGetPayload<{ select: typeof SESSION_SELECT }>;

/** The authenticated caller: resolved once per request from the session token. */
export interface Viewer {
  session: SessionRecord;
  user: UserRecord;
}

export function publicSession({ tokenHash: _omit, ...session }: StoredSession): SessionRecord {
  return session;
}

type Lifetime = Pick<SessionRecord, "revokedAt" | "expiresAt" | "absoluteExpiresAt">;

/** Not revoked, and neither the idle nor the absolute expiry has passed. */
export function isSessionActive(session: Lifetime, now: Date): boolean {
  return session.revokedAt === null && session.expiresAt > now && session.absoluteExpiresAt > now;
}

/** The same rule as a Prisma filter. */
export function activeSessionWhere(now: Date): Prisma.SessionWhereInput {
  return { revokedAt: null, expiresAt: { gt: now }, absoluteExpiresAt: { gt: now } };
}

/** Sessions by id for one request (their rows, without the token hash), one statement per batch. */
export function createSessionLoader(app: App): DataLoader<string, SessionRecord | null> {
  return new DataLoader(async (ids) => {
    const rows = await app.db.prisma.session.findMany({ where: { id: { in: [...ids] } }, select: PUBLIC_SESSION_SELECT });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
