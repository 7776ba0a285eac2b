// What the rest of the gateway tells the live feed, after its transaction committed: one function for
// session events and one for audit appends. Topics are relative to the hub's namespace.
import type { Hub } from "./hub.js";

export type SessionEventKind = "REVOKED" | "EXPIRED" | "REFRESHED" | "NEW_SIGN_IN";

/** A session event as it travels between instances. */
export interface SessionMessage {
  kind: SessionEventKind;
  sessionId: string;
  userId: string;
  /** ISO time the change committed (EXPIRED: when the stream noticed). */
  at: string;
  /** REVOKED: the revoke reason (`signed_out`, `revoked`, ...). */
  reason: string | null;
  /** REFRESHED: the new idle expiry (ISO). */
  expiresAt: string | null;
}

export const topics = {
  /** Events about one session: revoked, refreshed. */
  session: (sessionId: string) => `session:${sessionId}`,
  /** Events about a user's account: a new sign-in. */
  user: (userId: string) => `user:${userId}`,
  /** "The audit chain grew up to id N": every instance's tail then reads the new rows from PostgreSQL. */
  audit: "audit",
} as const;

interface WithHub {
  live: { hub: Hub };
}

/** Publishes a committed session change to every instance: a new sign-in to the account's topic, the rest to the session's. */
export function publishSessionEvent(app: WithHub, event: Omit<SessionMessage, "reason" | "expiresAt"> & Partial<SessionMessage>): void {
  const message: SessionMessage = { reason: null, expiresAt: null, ...event };
  app.live.hub.publish(event.kind === "NEW_SIGN_IN" ? topics.user(event.userId) : topics.session(event.sessionId), { ...message });
}

/** Announces a committed audit append (the chain's new head id) to every instance's tail. */
export function publishAuditAppended(hub: Hub, id: bigint): void {
  hub.publish(topics.audit, { id: id.toString() });
}

export function isSessionMessage(payload: Record<string, unknown>): payload is Record<string, unknown> & SessionMessage {
  return (
    typeof payload.kind === "string" &&
    ["REVOKED", "EXPIRED", "REFRESHED", "NEW_SIGN_IN"].includes(payload.kind) &&
    typeof payload.sessionId === "string" &&
    typeof payload.userId === "string" &&
    typeof payload.at === "string"
  );
}
