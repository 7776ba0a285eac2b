// `viewerSessionEvents`: the subscriber's own session revoked, expired or refreshed, and new sign-ins
// on the account, from any instance. The session is re-validated with its token on every event and
// heartbeat (the same check as a request), so a stream never outlives its session.
import type { App } from "../../app.js";
import type { Viewer } from "../sessions/session.js";
import { resolveViewer } from "../sessions/validate.js";
import type { LivePayload } from "./hub.js";
import { isSessionMessage, topics } from "./publish.js";
import type { SessionMessage } from "./publish.js";
import { openStream } from "./stream.js";
import type { Emitted, Step } from "./stream.js";

/**
 * Null while `token` still names the live session `sessionId`; else the event that ended it: REVOKED
 * (with the reason) when it was revoked or is gone, EXPIRED when its time ran out.
 */
async function endedEvent(app: App, token: string | null, viewer: Viewer): Promise<SessionMessage | null> {
  const current = await resolveViewer(app, token, { extend: false });
  if (current?.session.id === viewer.session.id) return null;
  const row = await app.db.prisma.session.findUnique({ where: { id: viewer.session.id }, select: { revokedAt: true, revokedReason: true } });
  const base = { sessionId: viewer.session.id, userId: viewer.user.id, at: app.clock.now().toISOString(), expiresAt: null };
  if (!row) return { ...base, kind: "REVOKED", reason: "deleted" };
  if (row.revokedAt) return { ...base, kind: "REVOKED", reason: row.revokedReason, at: row.revokedAt.toISOString() };
  // Not revoked but refused: expired, or the user may no longer sign in (their sessions are revoked next).
  return { ...base, kind: "EXPIRED", reason: null };
}

export function viewerSessionEvents(app: App, viewer: Viewer, token: string | null): Promise<AsyncIterable<Emitted<SessionMessage>>> {
  const own = viewer.session.id;
  const checked = async (message: SessionMessage): Promise<Step<SessionMessage>> => {
    const ended = await endedEvent(app, token, viewer);
    return ended ? { emit: [ended], end: null } : { emit: [message] };
  };
  return openStream<SessionMessage, SessionMessage>(app, {
    userId: viewer.user.id,
    field: "viewerSessionEvents",
    listen: (push) =>
      app.live.hub.listen([topics.session(own), topics.user(viewer.user.id)], (payload: LivePayload) => {
        if (isSessionMessage(payload)) push(payload);
      }),
    async handle(message) {
      // The revoke itself is the news: the stream says so and ends, whatever the cache says yet.
      if (message.kind === "REVOKED" && message.sessionId === own) return { emit: [message], end: null };
      if (message.kind === "NEW_SIGN_IN" && message.sessionId !== own) return checked(message);
      if (message.kind === "REFRESHED" && message.sessionId === own) return checked(message);
      return { emit: [] };
    },
    async heartbeat() {
      const ended = await endedEvent(app, token, viewer);
      return ended ? { emit: [ended], end: null } : { emit: [] };
    },
  });
}
