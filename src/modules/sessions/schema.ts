// Session type, User.sessions, the viewer, and the session mutations (refresh, sign out, revoke,
// revoke all, cleanup). Sign-in and sign-up are in the credentials module.
import type { Session, User } from "../../generated/prisma/client.js";
import { actor, builder } from "../../graphql/builder.js";
import { COMMON_ERRORS } from "../../graphql/error-types.js";
import { uuidConnectionPolicy } from "../../graphql/pagination.js";
import { ConflictError, NotFoundError } from "../../errors.js";
import { encodeId } from "../../graphql/global-id.js";
import { isGranted } from "../../graphql/object-grants.js";
import { UserRef } from "../users/schema.js";
import { cleanupExpiredSessions } from "./cleanup.js";
import type { CleanupProgress } from "./cleanup.js";
import { sessionEnded } from "./issue.js";
import { AUTH_METHODS, PUBLIC_SESSION_SELECT, activeSessionWhere, isSessionActive } from "./session.js";
import type { AuthMethod, Viewer } from "./session.js";
import { revokeAllSessions, signOut } from "./revoke.js";
import { revokeSession } from "./revoke-one.js";
import { refreshSession } from "./start.js";
import { updateSessionMetadata } from "./metadata.js";

export const AuthMethodEnum = builder.enumType("AuthMethod", {
  description: "How a session was authenticated, or a way to answer a second-factor challenge.",
  values: Object.fromEntries(AUTH_METHODS.map((m) => [m.toUpperCase(), { value: m }])) as { [M in AuthMethod as Uppercase<M>]: { value: M } },
});

const isAuthMethod = (m: string): m is AuthMethod => (AUTH_METHODS as readonly string[]).includes(m);

export const SessionRef = builder.prismaNode("Session", {
  id: { field: "id" },
  // `node(id:)` of one that does not exist is null, as for any other unknown id.
  nullable: true,
  // Every public column (never the token hash) is loaded with the type and read as a plain field, so
  // no row walks the selection mapper, and `active` has its lifetime columns.
  select: PUBLIC_SESSION_SELECT,
  // A member reads their own sessions; anyone else needs sessions:read.
  authScopes: (s, ctx) => isGranted(ctx, s, "owner") || { self: s.userId, permission: "sessions:read" },
  fields: (t) => ({
    user: t.relation("user"),
    createdAt: t.field({ type: "DateTime", resolve: (s) => s.createdAt }),
    lastSeenAt: t.field({ type: "DateTime", resolve: (s) => s.lastSeenAt }),
    expiresAt: t.field({ type: "DateTime", resolve: (s) => s.expiresAt }),
    revokedAt: t.field({ type: "DateTime", nullable: true, resolve: (s) => s.revokedAt }),
    ip: t.string({ nullable: true, resolve: (s) => s.ip }),
    userAgent: t.string({ nullable: true, resolve: (s) => s.userAgent }),
    authMethods: t.field({ type: [AuthMethodEnum], resolve: (s) => s.authMethods.filter(isAuthMethod) }),
    mfaAt: t.field({ type: "DateTime", nullable: true, description: "When this session last proved a second factor (sign-in or stepUp).", resolve: (s) => s.mfaAt }),
    metadata: t.field({ type: "JSON", nullable: true, description: "What the product keeps with this session (a JSON object its owner writes).", resolve: (s) => s.metadata }),
    current: t.boolean({ description: "True for the session making this request.", resolve: (s, _a, ctx) => ctx.viewer?.session.id === s.id }),
    active: t.boolean({ resolve: (s, _a, ctx) => isSessionActive(s, ctx.app.clock.now()) }),
  }),
});

builder.prismaObjectField(UserRef, "sessions", (t) =>
  t.relatedConnection("sessions", {
    cursor: "id",
    maxSize: uuidConnectionPolicy,
    authScopes: (user) => ({ self: user.id, permission: "sessions:read" }),
    args: { activeOnly: t.arg.boolean({ required: false, defaultValue: false }) },
    query: (args, ctx) => ({ where: args.activeOnly ? activeSessionWhere(ctx.app.clock.now()) : {}, orderBy: { createdAt: "desc" } }),
  }),
);

/** The planned Prisma query of a `prismaField`, as far as deciding whether a record covers it. */
interface PlannedQuery {
  select?: Record<string, unknown>;
  include?: Record<string, unknown>;
}

/**
 * Whether a plain record already holds everything the planned query selects: only scalar fields
 * (`true`) it has. A relation or connection below it needs the database after all.
 */
function covers<Row extends object>(query: PlannedQuery, record: object): record is Row {
  if (query.include || !query.select) return false;
  return Object.entries(query.select).every(([key, value]) => value === true && key in record);
}

export const ViewerRef = builder.objectRef<Viewer>("Viewer").implement({
  description: "The caller: the session the bearer token or session cookie belongs to, and its user.",
  authScopes: { authenticated: true },
  fields: (t) => ({
    // One id per session, so a normalised client cache merges every query's viewer into one object.
    id: t.id({ description: "Stable for the session making the request.", resolve: (v) => encodeId("Viewer", v.session.id) }),
    // prismaField, not field: Pothos then knows which selections the returned row satisfies. A plain
    // field made it re-load the cached session and user by id (2 statements for a "cached" viewer).
    // The records come from the session cache; when they cover the query, a viewer costs no SQL.
    session: t.prismaField({
      type: "Session",
      resolve: (query, v, _a, ctx) =>
        covers<Session>(query, v.session) ? v.session : ctx.app.db.prisma.session.findUniqueOrThrow({ ...query, where: { id: v.session.id } }),
    }),
    user: t.prismaField({
      type: "User",
      resolve: (query, v, _a, ctx) => (covers<User>(query, v.user) ? v.user : ctx.app.db.prisma.user.findUniqueOrThrow({ ...query, where: { id: v.user.id } })),
    }),
  }),
});

builder.queryField("viewer", (t) =>
  t.field({
    type: ViewerRef,
    nullable: true,
    authScopes: { public: true },
    description: "The current session and user; null when the request is anonymous.",
    resolve: (_r, _a, ctx) => ctx.viewer,
  }),
);

builder.queryField("session", (t) =>
  t.prismaField({
    type: "Session",
    nullable: true,
    args: { id: t.arg.globalID({ for: SessionRef }) },
    // Your own, or any with sessions:read. Someone else's answers null, as a missing one does.
    authScopes: async (_r, args, ctx) => {
      if (!ctx.viewer) return { authenticated: true };
      const target = await ctx.loaders.sessions.load(args.id.id);
      return { self: target?.userId ?? "", permission: "sessions:read" };
    },
    unauthorizedResolver: (_r, _a, ctx, _i, error) => {
      if (!ctx.viewer) throw error;
      return null;
    },
    resolve: (query, _r, args, ctx) => ctx.app.db.prisma.session.findUnique({ ...query, where: { id: args.id.id } }),
  }),
);

builder.mutationField("refreshSession", (t) =>
  t.field({
    type: SessionRef,
    authScopes: { authenticated: true },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: "RefreshSessionResult" } },
    resolve: (_r, _a, ctx) => refreshSession(ctx.app, actor(ctx), ctx.request),
  }),
);

const SignOutSuccess = builder.objectRef<{ ok: true }>("SignOutSuccess").implement({
  authScopes: { public: true },
  fields: (t) => ({ ok: t.exposeBoolean("ok") }),
});

builder.mutationField("signOut", (t) =>
  t.field({
    type: SignOutSuccess,
    authScopes: { authenticated: true },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: "SignOutResult" } },
    resolve: async (_r, _a, ctx) => {
      await signOut(ctx.app, actor(ctx), ctx.request);
      await sessionEnded(ctx.transport);
      return { ok: true as const };
    },
  }),
);

builder.mutationField("revokeSession", (t) =>
  t.prismaField({
    type: "Session",
    args: { id: t.arg.globalID({ for: SessionRef }) },
    // Own sessions, or any with sessions:revoke. Someone else's session is "not found" to a caller who
    // may not read it, exactly like a missing one. A holder of sessions:revoke needs no read first (the
    // revoking statement finds the row, or NOT_FOUND); anyone else's target is read once, through the
    // request's session loader, for its owner.
    authScopes: async (_r, args, ctx) => {
      if (!ctx.viewer) return { authenticated: true };
      if (await ctx.hasPermission("sessions:revoke")) return { permission: "sessions:revoke" };
      const target = await ctx.loaders.sessions.load(args.id.id);
      if (!target) throw new NotFoundError("Session");
      return { self: target.userId, permission: "sessions:revoke" };
    },
    unauthorizedResolver: async (_r, args, ctx, _i, error) => {
      const target = ctx.viewer ? await ctx.loaders.sessions.load(args.id.id) : null;
      throw target && !(await ctx.hasPermission("sessions:read")) ? new NotFoundError("Session") : error;
    },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: "RevokeSessionResult" } },
    // Whoever may revoke a session may see the result of doing so (an operator with sessions:revoke
    // but not sessions:read was refused every field of the session they had just revoked).
    grantScopes: ["owner"],
    // prismaField: the revoked row is returned as the statement left it, with no re-read when it covers the query.
    resolve: async (query, _r, args, ctx) => {
      const viewer = actor(ctx);
      const revoked = await revokeSession(ctx.app, viewer, args.id.id, ctx.request);
      if (!revoked) throw new NotFoundError("Session");
      if (revoked.id === viewer.session.id) await sessionEnded(ctx.transport);
      return covers<Session>(query, revoked) ? revoked : ctx.app.db.prisma.session.findUniqueOrThrow({ ...query, where: { id: revoked.id } });
    },
  }),
);

const RevokeAllSessionsSuccess = builder.objectRef<{ revokedCount: number }>("RevokeAllSessionsSuccess").implement({
  authScopes: { public: true },
  fields: (t) => ({ revokedCount: t.exposeInt("revokedCount") }),
});

builder.mutationField("revokeAllSessions", (t) =>
  t.field({
    type: RevokeAllSessionsSuccess,
    args: { userId: t.arg.globalID({ for: UserRef }), keepCurrent: t.arg.boolean({ required: false, defaultValue: true }) },
    authScopes: (_r, args) => ({ self: args.userId.id, permission: "sessions:revoke" }),
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: "RevokeAllSessionsResult" } },
    resolve: async (_r, args, ctx) => {
      const keepCurrent = args.keepCurrent ?? true;
      const revokedCount = await revokeAllSessions(ctx.app, actor(ctx), args.userId.id, keepCurrent, ctx.request);
      if (!keepCurrent && args.userId.id === ctx.viewer?.user.id) await sessionEnded(ctx.transport);
      return { revokedCount };
    },
  }),
);

const CleanupSuccess = builder.objectRef<CleanupProgress>("CleanupExpiredSessionsSuccess").implement({
  authScopes: { public: true },
  fields: (t) => ({
    deletedCount: t.exposeInt("deleted", { description: "Sessions deleted so far by this job." }),
    jobId: t.exposeString("jobId", { description: "The job's id, in its SESSIONS_CLEANED audit events and log lines." }),
    complete: t.exposeBoolean("complete", { description: "False while the job goes on in the background (short batches with pauses)." }),
  }),
});

builder.mutationField("cleanupExpiredSessions", (t) =>
  t.field({
    type: CleanupSuccess,
    authScopes: { permission: "sessions:revoke" },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: "CleanupExpiredSessionsResult" } },
    resolve: (_r, _a, ctx) =>
      cleanupExpiredSessions(ctx.app, { userId: ctx.viewer?.user.id ?? null, request: ctx.request }, { waitMs: ctx.app.config.SESSION_CLEANUP_WAIT_MS }),
  }),
);

builder.mutationField("updateSessionMetadata", (t) =>
  t.field({
    type: SessionRef,
    args: { id: t.arg.globalID({ for: SessionRef }), metadata: t.arg({ type: "JSON", description: "A JSON object; replaces the current metadata." }) },
    // The owner only. A session the caller may not read is "not found", exactly like a missing one.
    authScopes: async (_r, args, ctx) => {
      if (!ctx.viewer) return { authenticated: true };
      const target = await ctx.loaders.sessions.load(args.id.id);
      if (!target) throw new NotFoundError("Session");
      return { self: target.userId };
    },
    unauthorizedResolver: async (_r, args, ctx, _i, error) => {
      const target = ctx.viewer ? await ctx.loaders.sessions.load(args.id.id) : null;
      throw target && !(await ctx.hasPermission("sessions:read")) ? new NotFoundError("Session") : error;
    },
    errors: { types: [...COMMON_ERRORS, ConflictError], directResult: true, union: { name: "UpdateSessionMetadataResult" } },
    resolve: async (_r, args, ctx) => {
      const target = await ctx.loaders.sessions.load(args.id.id);
      if (!target) throw new NotFoundError("Session");
      return updateSessionMetadata(ctx.app, actor(ctx), target, args.metadata, ctx.request);
    },
  }),
);
