// The audit trail's GraphQL face: AuditEvent nodes, the `auditEvents` connection, `User.auditEvents`,
// `auditIntegrity` and the `purgeAuditEvents` mutation.
import { InvalidIdError, ValidationError } from "../../errors.js";
import { AuditEventType } from "../../generated/prisma/enums.js";
import { builder } from "../../graphql/builder.js";
import { COMMON_ERRORS } from "../../graphql/error-types.js";
import { encodeId } from "../../graphql/global-id.js";
import { keysetConnection } from "../../graphql/pagination.js";
import type { KeysetWindow, PageArgs } from "../../graphql/pagination.js";
import type { Context } from "../../server/context.js";
import type { PermissionKey } from "../rbac/catalogue.js";
import { SessionRef } from "../sessions/schema.js";
import { UserRef } from "../users/schema.js";
import { decodeAuditCursor, encodeAuditCursor, findAuditEvents, findAuditEventsByIds, findUserAuditEvents } from "./query.js";
import type { AuditEventRecord, AuditFilter, AuditWindow } from "./query.js";
import { parseHeadToken, recordedHead } from "./head.js";
import { purgeAuditEvents } from "./retention.js";
import type { AuditRetentionResult } from "./retention.js";
import { verifyAuditChain } from "./verify.js";
import type { IntegrityReport } from "./verify.js";

const MAX_BIGINT = 9_223_372_036_854_775_807n;

export const AuditEventTypeEnum = builder.enumType("AuditEventType", { values: Object.values(AuditEventType) });

/**
 * Whether the viewer may see a user/session an event points at: their own, or with the type's read
 * permission, or as an auditor. Otherwise the field is null rather than an error on every row.
 */
async function mayFollow(ctx: Context, ownerId: string, permission: PermissionKey): Promise<boolean> {
  if (ctx.viewer?.user.id === ownerId) return true;
  return (await ctx.hasPermission(permission)) || (await ctx.hasPermission("audit:read"));
}

async function relatedUser(ctx: Context, userId: string | null) {
  if (!userId || !(await mayFollow(ctx, userId, "users:read"))) return null;
  return ctx.loaders.users.load(userId);
}

/** Where a request came from identifies its actor: shown only to whoever may see the actor. */
async function actorVisible(ctx: Context, e: AuditEventRecord): Promise<boolean> {
  return e.actorUserId === null || (await mayFollow(ctx, e.actorUserId, "users:read"));
}

export const AuditEventRef = builder.objectRef<AuditEventRecord>("AuditEvent");

builder.node(AuditEventRef, {
  description: "One entry of the append-only, hash-chained security audit trail.",
  id: {
    resolve: (e) => e.id.toString(),
    parse: (id) => {
      const n = BigInt(id);
      if (n > MAX_BIGINT) throw new InvalidIdError();
      return n;
    },
  },
  loadMany: (ids, ctx) => findAuditEventsByIds(ctx.app.db.prisma, ids),
  // Auditors read everything; a member reads the events they acted in or that concern them.
  authScopes: (e) => ({ permission: "audit:read", self: e.actorUserId ?? "", $any: { self: e.subjectUserId ?? "" } }),
  fields: (t) => ({
    type: t.field({ type: AuditEventTypeEnum, resolve: (e) => e.type }),
    actor: t.field({
      type: UserRef,
      nullable: true,
      description: "Who did it; null for system jobs, deleted users, or users you may not see.",
      // Visibility is decided in the resolver (mayFollow), so the User type's own check is granted.
      grantScopes: ["owner"],
      resolve: (e, _a, ctx) => relatedUser(ctx, e.actorUserId),
    }),
    subject: t.field({
      type: UserRef,
      nullable: true,
      description: "Whom it concerns; null when none, deleted, or not visible to you.",
      grantScopes: ["owner"],
      resolve: (e, _a, ctx) => relatedUser(ctx, e.subjectUserId),
    }),
    session: t.field({
      type: SessionRef,
      nullable: true,
      description: "The session involved; null when none, deleted by cleanup, or not visible to you.",
      grantScopes: ["owner"],
      resolve: async (e, _a, ctx) => {
        if (!e.sessionId) return null;
        const s = await ctx.loaders.sessions.load(e.sessionId);
        return s && (await mayFollow(ctx, s.userId, "sessions:read")) ? s : null;
      },
    }),
    ip: t.string({
      nullable: true,
      description: "Client IP, or `pseudo:<hex>` (its keyed digest) once pseudonymised; null when the actor is not visible to you.",
      resolve: async (e, _a, ctx) => ((await actorVisible(ctx, e)) ? e.ip : null),
    }),
    userAgent: t.string({
      nullable: true,
      description: "Null when the actor is not visible to you.",
      resolve: async (e, _a, ctx) => ((await actorVisible(ctx, e)) ? e.userAgent : null),
    }),
    metadata: t.field({ type: "JSON", nullable: true, resolve: (e) => e.metadata ?? null }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

export const AuditEventsFilter = builder.inputType("AuditEventsFilter", {
  fields: (t) => ({
    types: t.field({ type: [AuditEventTypeEnum], required: false }),
    actorId: t.globalID({ for: UserRef, required: false, description: "User ID of the actor." }),
    subjectId: t.globalID({ for: UserRef, required: false, description: "User ID of the subject." }),
    sessionId: t.globalID({ for: SessionRef, required: false, description: "Session ID." }),
    since: t.field({ type: "DateTime", required: false, description: "Created at or after (inclusive)." }),
    until: t.field({ type: "DateTime", required: false, description: "Created before (exclusive)." }),
  }),
});

/** The `AuditEventsFilter` argument as the query layer takes it (`auditEvents` and `auditEventAdded`). */
export function auditFilterOf(f: typeof AuditEventsFilter.$inferInput | null | undefined): AuditFilter {
  return {
    types: f?.types ?? null,
    actorUserId: f?.actorId?.id ?? null,
    subjectUserId: f?.subjectId?.id ?? null,
    sessionId: f?.sessionId?.id ?? null,
    since: f?.since ?? null,
    until: f?.until ?? null,
  };
}

/** The trail reads newest first: `after` a cursor means older than it, `before` means newer. */
function auditPage(args: PageArgs, ctx: Context, load: (w: AuditWindow) => Promise<AuditEventRecord[]>) {
  const cursors = { parse: decodeAuditCursor, of: (e: AuditEventRecord) => encodeAuditCursor(e.id) };
  return keysetConnection(args, ctx, cursors, (w: KeysetWindow<bigint>) =>
    load({ olderThan: w.after, newerThan: w.before, limit: w.limit, oldestFirst: w.inverted }),
  );
}

builder.queryField("auditEvents", (t) =>
  t.connection({
    type: AuditEventRef,
    description: "The audit trail, newest first. Requires audit:read.",
    authScopes: { permission: "audit:read" },
    args: { filter: t.arg({ type: AuditEventsFilter, required: false }) },
    resolve: (_r, args, ctx) => {
      const filter = auditFilterOf(args.filter);
      return auditPage(args, ctx, (w) => ctx.readStale((db) => findAuditEvents(db, filter, w)));
    },
  }),
);

builder.prismaObjectField(UserRef, "auditEvents", (t) =>
  t.connection({
    type: AuditEventRef,
    description: "Events this user acted in or that concern them, newest first.",
    authScopes: (user) => ({ self: user.id, permission: "audit:read" }),
    resolve: (user, args, ctx) => auditPage(args, ctx, (w) => ctx.readStale((db) => findUserAuditEvents(db, user.id, w))),
  }),
);

const AuditIntegrityReportRef = builder.objectRef<IntegrityReport>("AuditIntegrityReport").implement({
  description: "Result of verifying the audit hash chain.",
  authScopes: { public: true },
  fields: (t) => ({
    ok: t.exposeBoolean("ok"),
    checkedCount: t.int({ resolve: (r) => r.checkedCount }),
    firstBrokenEventId: t.id({
      nullable: true,
      description: "AuditEvent ID of the first event whose hash or link is wrong (after a deleted event: the next one).",
      resolve: (r) => (r.firstBrokenEventId === null ? null : encodeId("AuditEvent", r.firstBrokenEventId)),
    }),
    unlinkedCount: t.int({
      description: "Newest events written but not linked into the chain yet; any older than AUDIT_LINK_MAX_DELAY_MS make `ok` false.",
      resolve: (r) => r.unlinkedCount,
    }),
    message: t.exposeString("message"),
  }),
});

builder.queryField("auditIntegrity", (t) =>
  t.field({
    type: AuditIntegrityReportRef,
    description: "Verify the hash chain of events created in [since, until). Requires audit:read.",
    authScopes: { permission: "audit:read" },
    args: {
      since: t.arg({ type: "DateTime", required: false }),
      until: t.arg({ type: "DateTime", required: false }),
      head: t.arg.string({
        required: false,
        description: "A signed chain head token kept from the log (`audit chain head`); default: the newest head this deployment recorded.",
      }),
    },
    resolve: async (_r, args, ctx) => {
      const head = args.head ? parseHeadToken(ctx.app.audit.headKey, args.head) : await recordedHead(ctx.app);
      if (args.head && !head) throw new ValidationError([{ path: "head", message: "is not a chain head signed by this deployment" }]);
      // Everything committed before the check is linked first, so a caller's own events are covered.
      await ctx.app.audit.linker.linkNow().catch((err: unknown) => ctx.app.log.warn({ err }, "could not link audit events before verifying"));
      const options = { ipKey: ctx.app.audit.options.ipKey, maxLinkDelayMs: ctx.app.audit.maxLinkDelayMs, now: ctx.app.clock.now() };
      return verifyAuditChain(ctx.app.db.prisma, options, { since: args.since ?? null, until: args.until ?? null }, head);
    },
  }),
);

const PurgeAuditEventsSuccess = builder.objectRef<AuditRetentionResult>("PurgeAuditEventsSuccess").implement({
  authScopes: { public: true },
  fields: (t) => ({
    purgedCount: t.exposeInt("purgedCount", { description: "Events deleted for being older than AUDIT_RETENTION_DAYS." }),
    pseudonymisedCount: t.exposeInt("pseudonymisedCount", { description: "IPs replaced by their keyed digest (AUDIT_IP_PSEUDONYMISE_DAYS)." }),
  }),
});

builder.mutationField("purgeAuditEvents", (t) =>
  t.field({
    type: PurgeAuditEventsSuccess,
    description: "Run the audit retention job now. Requires system:admin.",
    authScopes: { permission: "system:admin" },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: "PurgeAuditEventsResult" } },
    resolve: (_r, _a, ctx) => purgeAuditEvents(ctx.app, { userId: ctx.viewer?.user.id ?? null, request: ctx.request }),
  }),
);
