// Plain records shared by the domain functions, the cache and the schema. They never carry secrets:
// no password hash, no token hash leaves src/auth.
import type { UserStatus } from "../generated/prisma/enums.js";

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  status: UserStatus;
  failedLoginCount: number;
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  revokedAt: Date | null;
  ip: string | null;
  userAgent: string | null;
}

/** The authenticated caller: resolved once per request from the bearer token. */
export interface Viewer {
  session: SessionRecord;
  user: UserRecord;
}

/** Who is asking and from where: recorded on sessions and audit events, never taken from client input. */
export interface RequestMeta {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

/** Time source, injectable so tests can move the clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
