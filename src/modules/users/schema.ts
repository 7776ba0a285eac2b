// User type, its queries and the admin mutations on users. Roles, permissions, sessions and audit
// events are added to User by their own modules.
import { ConflictError, LastAdminError } from "../../errors.js";
import { actor, builder } from "../../graphql/builder.js";
import { COMMON_ERRORS } from "../../graphql/error-types.js";
import { uuidConnectionPolicy } from "../../graphql/pagination.js";
import { parseInput, searchSchema } from "../../validation.js";
import * as admin from "./admin.js";
import type { SetUserStatusResult } from "./admin.js";

export const UserStatusEnum = builder.enumType("UserStatus", { values: ["ACTIVE", "DISABLED", "LOCKED"] as const });

export const UserRef = builder.prismaNode("User", {
  id: { field: "id" },
  // `node(id:)` of one that does not exist is null, as for any other unknown id.
  nullable: true,
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
  }),
});

builder.queryField("user", (t) =>
  t.prismaField({
    type: "User",
    nullable: true,
    // Yourself, or anyone with users:read. Someone else's id answers null, as a missing one does.
    authScopes: (_r, args) => ({ self: args.id.id, permission: "users:read" }),
    unauthorizedResolver: (_r, _a, ctx, _i, error) => {
      if (!ctx.viewer) throw error;
      return null;
    },
    args: { id: t.arg.globalID({ for: UserRef }) },
    resolve: (query, _root, args, ctx) => ctx.app.db.prisma.user.findUnique({ ...query, where: { id: args.id.id } }),
  }),
);

const UsersFilter = builder.inputType("UsersFilter", {
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
      const search = f?.search == null ? undefined : parseInput(searchSchema, f.search, "filter.search");
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

const CreateUserInput = builder.inputType("CreateUserInput", {
  fields: (t) => ({
    email: t.string(),
    name: t.string(),
    password: t.string({ required: false, description: "Omit to create an account that cannot sign in with a password yet." }),
    roleKeys: t.stringList({ required: false, description: "Roles to grant. Omitted: `member`. Unknown keys fail the whole mutation." }),
  }),
});

const UpdateUserInput = builder.inputType("UpdateUserInput", {
  fields: (t) => ({
    email: t.string({ required: false }),
    name: t.string({ required: false }),
  }),
});

builder.mutationField("createUser", (t) =>
  t.field({
    type: UserRef,
    authScopes: { permission: "users:write" },
    args: { input: t.arg({ type: CreateUserInput }) },
    errors: { types: [...COMMON_ERRORS, ConflictError], directResult: true, union: { name: "CreateUserResult" } },
    resolve: (_r, { input }, ctx) => admin.createUser(ctx.app, actor(ctx), input, ctx.request),
  }),
);

builder.mutationField("updateUser", (t) =>
  t.field({
    type: UserRef,
    authScopes: { permission: "users:write" },
    args: { id: t.arg.globalID({ for: UserRef }), input: t.arg({ type: UpdateUserInput }) },
    errors: { types: [...COMMON_ERRORS, ConflictError], directResult: true, union: { name: "UpdateUserResult" } },
    resolve: (_r, args, ctx) => admin.updateUser(ctx.app, actor(ctx), args.id.id, args.input, ctx.request),
  }),
);

const SetUserStatusSuccess = builder.objectRef<SetUserStatusResult>("SetUserStatusSuccess").implement({
  // A payload: what it holds is protected by its own types (User).
  authScopes: { public: true },
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (r) => r.user }),
    revokedSessionCount: t.exposeInt("revokedSessionCount", { description: "Sessions revoked by a DISABLED or LOCKED status." }),
  }),
});

builder.mutationField("setUserStatus", (t) =>
  t.field({
    type: SetUserStatusSuccess,
    authScopes: { permission: "users:write" },
    description: "DISABLED and LOCKED also revoke every session of the user. The last active admin cannot be disabled or locked.",
    args: { id: t.arg.globalID({ for: UserRef }), status: t.arg({ type: UserStatusEnum }) },
    errors: { types: [...COMMON_ERRORS, LastAdminError], directResult: true, union: { name: "SetUserStatusResult" } },
    resolve: (_r, args, ctx) => admin.setUserStatus(ctx.app, actor(ctx), args.id.id, args.status, ctx.request),
  }),
);
