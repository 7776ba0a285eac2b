// The live feed's GraphQL face: the Subscription fields, served over Server-Sent Events by Yoga.
// Each field's authScopes are checked when the stream opens; the stream itself re-checks them per
// event and heartbeat. An error that ends a stream is its last result, with a code from the registry.
import { builder, actor } from "../../graphql/builder.js";
import { encodeId } from "../../graphql/global-id.js";
import { decodeAuditCursor } from "../audit/query.js";
import { AuditEventRef, AuditEventsFilter, auditFilterOf } from "../audit/schema.js";
import { auditEventAdded } from "./audit-events.js";
import type { AddedAuditEvent } from "./audit-events.js";
import type { SessionMessage } from "./publish.js";
import { viewerSessionEvents } from "./session-events.js";
import type { Emitted } from "./stream.js";

/** The item of an emitted result, or the error that ends the stream (thrown, so it is masked and coded). */
function itemOf<T>(emitted: Emitted<T>): T {
  if ("error" in emitted) throw emitted.error;
  return emitted.item;
}

const SessionEventKind = builder.enumType("SessionEventKind", {
  values: {
    REVOKED: { description: "This session was revoked (signed out anywhere, by an admin, a password change...). The stream ends." },
    EXPIRED: { description: "This session expired or may no longer be used. The stream ends." },
    REFRESHED: { description: "This session's expiry was extended." },
    NEW_SIGN_IN: { description: "A new session was started on this account." },
  } as const,
});

const SessionEventRef = builder.objectRef<SessionMessage>("SessionEvent").implement({
  description: "Something that happened to the viewer's session or account.",
  authScopes: { authenticated: true },
  fields: (t) => ({
    kind: t.field({ type: SessionEventKind, resolve: (e) => e.kind }),
    sessionId: t.id({ description: "Session ID concerned: the viewer's own, or the new one for NEW_SIGN_IN.", resolve: (e) => encodeId("Session", e.sessionId) }),
    reason: t.string({ nullable: true, description: "REVOKED: why (signed_out, revoked, revoked_all, password_changed, ...).", resolve: (e) => e.reason }),
    expiresAt: t.field({ type: "DateTime", nullable: true, description: "REFRESHED: the new idle expiry.", resolve: (e) => (e.expiresAt ? new Date(e.expiresAt) : null) }),
    occurredAt: t.field({ type: "DateTime", resolve: (e) => new Date(e.at) }),
  }),
});

const AuditEventAddedRef = builder.objectRef<AddedAuditEvent>("AuditEventAdded").implement({
  description: "An audit event as it was committed, with the cursor to resume after it.",
  authScopes: { permission: "audit:read" },
  fields: (t) => ({
    cursor: t.exposeString("cursor", { description: "Pass as `after` when reconnecting: the events after this one are sent first, then live ones." }),
    event: t.field({ type: AuditEventRef, resolve: (e) => e.event }),
  }),
});

builder.subscriptionField("viewerSessionEvents", (t) =>
  t.field({
    type: SessionEventRef,
    description: "The viewer's own session revoked, expired or refreshed, and new sign-ins on the account, from every instance. Ends after REVOKED or EXPIRED.",
    authScopes: { authenticated: true },
    subscribe: (_r, _a, ctx) => viewerSessionEvents(ctx.app, actor(ctx), ctx.transport.token),
    resolve: (emitted: Emitted<SessionMessage>) => itemOf(emitted),
  }),
);

builder.subscriptionField("auditEventAdded", (t) =>
  t.field({
    type: AuditEventAddedRef,
    description: "Audit events matching `filter` as they commit, in chain order. With `after` (a cursor from this stream or from auditEvents), the missed events come first. Requires audit:read.",
    authScopes: { permission: "audit:read" },
    args: {
      filter: t.arg({ type: AuditEventsFilter, required: false }),
      after: t.arg.string({ required: false, description: "The cursor of the last event received." }),
    },
    subscribe: (_r, args, ctx) =>
      auditEventAdded(ctx.app, actor(ctx), ctx.transport.token, auditFilterOf(args.filter), args.after ? decodeAuditCursor(args.after) : null),
    resolve: (emitted: Emitted<AddedAuditEvent>, _a, ctx) => {
      // The request's loaders would otherwise cache every user and session the stream ever mentions,
      // for as long as it stays open (stale, and without bound): each event starts them afresh.
      ctx.loaders.clearAll();
      return itemOf(emitted);
    },
  }),
);
