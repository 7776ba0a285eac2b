// Session type, the viewer, and the session lifecycle mutations (sign in/up, refresh, sign out,
// revoke, change password, cleanup). Resolvers only translate; the work is in src/auth.
import * as sessions from "./lifecycle.js";
import * as credentials from "../credentials/sign-in.js";
import type { SignInResult } from "../credentials/sign-in.js";
import { observeSignIn } from "../../observability/metrics.js";
import type { SessionRecord, UserRecord, Viewer } from "../types.js";
import {
  AccountLockedError,
  ConflictError,
  InvalidCredentialsError,
  NotFoundError,
  RateLimitedError,
  SignUpDisabledError,
  ValidationError,
} from "../../errors.js";
import { actor, builder } from "../../graphql/builder.js";
import { COMMON_ERRORS } from "../../graphql/error-types.js";
import { decodeIdOf } from "../../graphql/global-id.js";
import { UserRef } from "../users/schema.js";

export const SessionRef = builder.prismaNode("Session", {
  id: { field: "id" },
  select: { id: true, userId: true },
  // A member reads their own sessions; anyone else needs sessions:read.
  authScopes: (s) => ({ self: s.userId, permission: "sessions:read", $granted: "owner" }),
  fields: (t) => ({
    user: t.relation("user"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    lastSeenAt: t.expose("lastSeenAt", { type: "DateTime" }),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true }),
    ip: t.exposeString("ip", { nullable: true }),
    userAgent: t.exposeString("userAgent", { nullable: true }),
    current: t.boolean({ description: "True for the session making this request.", resolve: (s, _a, ctx) => ctx.viewer?.session.id === s.id }),
    active: t.boolean({
      select: { revokedAt: true, expiresAt: true, absoluteExpiresAt: true },
      resolve: (s, _a, ctx) => sessions.isActive(s as unknown as SessionRecord, ctx.app.clock.now()),
    }),
  }),
});

/** The planned Prisma query of a `prismaField`, as far as deciding whether a record covers it. */
interface PlannedQuery {
  select?: Record<string, unknown>;
  include?: Record<string, unknown>;
}

/**
 * Whether a plain record already holds everything the planned query selects: only scalar fields
 * (`true`) it has. A relation or connection below it needs the database after all.
 */
function covers(query: PlannedQuery, record: object): boolean {
  if (query.include || !query.select) return false;
  return Object.entries(query.select).every(([key, value]) => value === true && key in record);
}

const ViewerRef = builder.objectRef<Viewer>("Viewer").implement({
  description: "The caller: the session the bearer token belongs to, and its user.",
  authScopes: { authenticated: true },
  fields: (t) => ({
    // prismaField, not field: Pothos then knows which selections the returned row satisfies. A plain
    // field made it re-load the cached session and user by id (2 statements for a "cached" viewer).
    // The records come from the session cache; when they cover the query, a viewer costs no SQL.
    session: t.prismaField({
      type: "Session",
      resolve: (query, v, _a, ctx) =>
        covers(query, v.session)
          ? (v.session as never)
          : ctx.app.db.prisma.session.findUniqueOrThrow({ ...query, where: { id: v.session.id } }),
    }),
    user: t.prismaField({
      type: "User",
      resolve: (query, v, _a, ctx) =>
        covers(query, v.user) ? (v.user as never) : ctx.app.db.prisma.user.findUniqueOrThrow({ ...query, where: { id: v.user.id } }),
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
    authScopes: { authenticated: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _r, args, ctx) => ctx.app.db.prisma.session.findUnique({ ...query, where: { id: decodeIdOf("Session", String(args.id)) } }),
  }),
);

const SignInSuccess = builder.objectRef<SignInResult>("SignInSuccess").implement({
  authScopes: { public: true },
  fields: (t) => ({
    token: t.exposeString("token", { description: "Send as `Authorization: Bearer <token>`. Shown once; store it securely." }),
    session: t.field({ type: SessionRef, grantScopes: ["owner"], resolve: (r) => r.session as never }),
    user: t.field({ type: UserRef, grantScopes: ["owner"], resolve: (r) => r.user as never }),
  }),
});

const SignInInput = builder.inputType("SignInInput", {
  fields: (t) => ({ email: t.string(), password: t.string() }),
});
const SignUpInput = builder.inputType("SignUpInput", {
  fields: (t) => ({ email: t.string(), password: t.string(), name: t.string({ required: false }) }),
});
const ChangePasswordInput = builder.inputType("ChangePasswordInput", {
  fields: (t) => ({ currentPassword: t.string(), newPassword: t.string() }),
});

builder.mutationField("signIn", (t) =>
  t.field({
    type: SignInSuccess,
    authScopes: { public: true },
    args: { input: t.arg({ type: SignInInput }) },
    errors: {
      types: [InvalidCredentialsError, RateLimitedError, AccountLockedError, ValidationError],
      directResult: true,
      union: { name: "SignInResult" },
    },
    resolve: (_r, { input }, ctx) => observeSignIn(ctx.app, credentials.signIn(ctx.app, input, ctx.request)),
  }),
);

builder.mutationField("signUp", (t) =>
  t.field({
    type: SignInSuccess,
    authScopes: { public: true },
    args: { input: t.arg({ type: SignUpInput }) },
    errors: {
      types: [ValidationError, ConflictError, SignUpDisabledError, RateLimitedError],
      directResult: true,
      union: { name: "SignUpResult" },
    },
    resolve: (_r, { input }, ctx) => credentials.signUp(ctx.app, input, ctx.request),
  }),
);

builder.mutationField("refreshSession", (t) =>
  t.field({
    type: SessionRef,
    authScopes: { authenticated: true },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: "RefreshSessionResult" } },
    resolve: (_r, _a, ctx) => sessions.refreshSession(ctx.app, actor(ctx), ctx.request) as never,
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
      await sessions.signOut(ctx.app, actor(ctx), ctx.request);
      return { ok: true as const };
    },
  }),
);

builder.mutationField("revokeSession", (t) =>
  t.field({
    type: SessionRef,
    args: { id: t.arg.id() },
    // Own sessions, or any with sessions:revoke. The owner is only known after a lookup, so the
    // field-level scope admits members and the type-level check on the target does the rest.
    authScopes: async (_r, args, ctx) => {
      if (!ctx.viewer) return { authenticated: true };
      const id = decodeIdOf("Session", String(args.id));
      const row = await ctx.app.db.prisma.session.findUnique({ where: { id }, select: { userId: true } });
      if (!row) throw new NotFoundError("Session");
      return { self: row.userId, permission: "sessions:revoke" };
    },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: "RevokeSessionResult" } },
    // Whoever may revoke a session may see the result of doing so (an operator with sessions:revoke
    // but not sessions:read was refused every field of the session they had just revoked).
    grantScopes: ["owner"],
    resolve: (_r, args, ctx) =>
      sessions.revokeSessionById(ctx.app, actor(ctx), decodeIdOf("Session", String(args.id)), ctx.request) as never,
  }),
);

const RevokeAllSessionsSuccess = builder.objectRef<{ revokedCount: number }>("RevokeAllSessionsSuccess").implement({
  authScopes: { public: true },
  fields: (t) => ({ revokedCount: t.exposeInt("revokedCount") }),
});

builder.mutationField("revokeAllSessions", (t) =>
  t.field({
    type: RevokeAllSessionsSuccess,
    args: { userId: t.arg.id(), keepCurrent: t.arg.boolean({ required: false, defaultValue: true }) },
    authScopes: (_r, args) => ({ self: safeUserId(String(args.userId)), permission: "sessions:revoke" }),
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: "RevokeAllSessionsResult" } },
    resolve: async (_r, args, ctx) => ({
      revokedCount: await sessions.revokeAllSessions(ctx.app, actor(ctx), decodeIdOf("User", String(args.userId)), args.keepCurrent ?? true, ctx.request),
    }),
  }),
);

/** For scope checks only: a malformed id matches no user (the resolver then reports INVALID_ID). */
function safeUserId(globalId: string): string {
  try {
    return decodeIdOf("User", globalId);
  } catch {
    return "";
  }
}

const ChangePasswordSuccess = builder.objectRef<{ revokedSessionCount: number }>("ChangePasswordSuccess").implement({
  authScopes: { public: true },
  fields: (t) => ({ revokedSessionCount: t.exposeInt("revokedSessionCount") }),
});

builder.mutationField("changePassword", (t) =>
  t.field({
    type: ChangePasswordSuccess,
    args: { input: t.arg({ type: ChangePasswordInput }) },
    authScopes: { authenticated: true },
    errors: { types: [...COMMON_ERRORS, InvalidCredentialsError, RateLimitedError], directResult: true, union: { name: "ChangePasswordResult" } },
    resolve: async (_r, { input }, ctx) => ({
      revokedSessionCount: await credentials.changePassword(ctx.app, actor(ctx), input, ctx.request),
    }),
  }),
);

const CleanupSuccess = builder.objectRef<{ deletedCount: number }>("CleanupExpiredSessionsSuccess").implement({
  authScopes: { public: true },
  fields: (t) => ({ deletedCount: t.exposeInt("deletedCount") }),
});

builder.mutationField("cleanupExpiredSessions", (t) =>
  t.field({
    type: CleanupSuccess,
    authScopes: { permission: "sessions:revoke" },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: "CleanupExpiredSessionsResult" } },
    resolve: async (_r, _a, ctx) => ({
      deletedCount: await sessions.cleanupExpiredSessions(ctx.app, { userId: ctx.viewer?.user.id ?? null, request: ctx.request }),
    }),
  }),
);

export type { UserRecord };
