// User type and its queries. Admin mutations on users live in user-admin.ts.
import { parsePrismaCursor } from "@pothos/plugin-prisma";
import type { Context } from "../../server/context.js";
import { decodeIdOf, isUuid } from "../../graphql/global-id.js";
import { builder } from "../../graphql/builder.js";
import { InvalidCursorError, PageSizeError } from "../../errors.js";
import { RoleRef } from "../rbac/schema.js";

export const UserStatusEnum = builder.enumType("UserStatus", { values: ["ACTIVE", "DISABLED", "LOCKED"] as const });

export const UserRef = builder.prismaNode("User", {
  id: { field: "id" },
  // Select mode: the password hash is never even fetched.
  select: { id: true },
  // A member reads their own user; anyone else needs users:read. `$granted: "owner"` admits the user
  // returned by the caller's own sign-in/sign-up, before any session exists on the request.
  authScopes: (user) => ({ self: user.id, permission: "users:read", $granted: "owner" }),
  fields: (t) => ({
    email: t.exposeString("email"),
    name: t.exposeString("name"),
    status: t.expose("status", { type: UserStatusEnum }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    lastLoginAt: t.expose("lastLoginAt", { type: "DateTime", nullable: true }),
    roles: t.field({
      type: [RoleRef],
      description: "Roles granted to this user.",
      // Whoever may read the user may read their roles (a member their own) without roles:read.
      grantScopes: ["viaUser"],
      // Through the join table, letting the nested Role selection ride along in the same query.
      select: (_args, _ctx, nestedSelection) => ({
        // Grant order; roles granted together (same timestamp) by key, so the order is stable.
        roles: { select: { role: nestedSelection(true) }, orderBy: [{ grantedAt: "asc" }, { role: { key: "asc" } }] },
      }),
      resolve: (user) => user.roles.map((ur) => ur.role),
    }),
    permissions: t.stringList({
      description: "Effective permission keys: the union over the user's roles.",
      resolve: async (user, _args, ctx) => [...(await ctx.loaders.permissions.load(user.id))].sort(),
    }),
    sessions: t.relatedConnection("sessions", {
      cursor: "id",
      maxSize: uuidConnectionPolicy,
      authScopes: (user) => ({ self: user.id, permission: "sessions:read" }),
      args: { activeOnly: t.arg.boolean({ required: false, defaultValue: false }) },
      query: (args, ctx) => {
        const now = ctx.app.clock.now();
        return {
          where: args.activeOnly ? { revokedAt: null, expiresAt: { gt: now }, absoluteExpiresAt: { gt: now } } : {},
          orderBy: { createdAt: "desc" },
        };
      },
    }),
  }),
});

builder.queryField("user", (t) =>
  t.prismaField({
    type: "User",
    nullable: true,
    authScopes: { authenticated: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, ctx) =>
      ctx.app.db.prisma.user.findUnique({ ...query, where: { id: decodeIdOf("User", String(args.id)) } }),
  }),
);

export const UsersFilter = builder.inputType("UsersFilter", {
  fields: (t) => ({
    search: t.string({ required: false, description: "Case-insensitive match on email or name." }),
    status: t.field({ type: UserStatusEnum, required: false }),
    roleKey: t.string({ required: false }),
  }),
});

builder.queryField("users", (t) =>
  t.prismaConnection({
    type: "User",
    cursor: "id",
    maxSize: uuidConnectionPolicy,
    authScopes: { permission: "users:read" },
    args: { filter: t.arg({ type: UsersFilter, required: false }) },
    resolve: (query, _root, args, ctx) => {
      const f = args.filter;
      const search = f?.search?.trim();
      return ctx.app.db.prisma.user.findMany({
        ...query,
        where: {
          ...(search ? { OR: [{ email: { contains: search, mode: "insensitive" } }, { name: { contains: search, mode: "insensitive" } }] } : {}),
          ...(f?.status ? { status: f.status } : {}),
          ...(f?.roleKey ? { roles: { some: { role: { key: f.roleKey } } } } : {}),
        },
        // The id breaks createdAt ties, so the cursor (an id) pages through a total order.
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      });
    },
  }),
);

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/**
 * The `maxSize` of every plugin-prisma connection with a UUID cursor. plugin-prisma calls it with the
 * raw arguments BEFORE it parses the cursor, which makes it the one hook where both an oversized page
 * (otherwise silently clamped) and a malformed cursor (otherwise an internal error, or junk handed to
 * Postgres) become typed errors.
 */
export function uuidConnectionPolicy(args: PageArgs, ctx: Context): number {
  const max = ctx.app.config.GRAPHQL_MAX_PAGE_SIZE;
  assertPageSize(args.first, args.last, max);
  for (const cursor of [args.after, args.before]) {
    if (cursor == null) continue;
    let value: unknown;
    try {
      value = parsePrismaCursor(cursor);
    } catch {
      throw new InvalidCursorError();
    }
    if (!isUuid(value)) throw new InvalidCursorError();
  }
  return max;
}

/** Connection arguments above the configured maximum are a typed error, not a silent clamp. */
export function assertPageSize(first: number | null | undefined, last: number | null | undefined, max: number): void {
  for (const n of [first, last]) {
    if (n !== null && n !== undefined && (n < 0 || n > max)) throw new PageSizeError(max);
  }
}
