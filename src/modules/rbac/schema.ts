// Roles and permissions: their types, User.roles and User.permissions, the catalogue queries and the
// role mutations (create/update/delete, set permissions, grant/revoke).
import { ConflictError, InvalidCursorError, LastAdminError, RoleInUseError } from "../../errors.js";
import { actor, builder, stepUp } from "../../graphql/builder.js";
import { COMMON_ERRORS } from "../../graphql/error-types.js";
import { encodeId, isUuid } from "../../graphql/global-id.js";
import { isGranted } from "../../graphql/object-grants.js";
import { keysetConnection, keysetWindow } from "../../graphql/pagination.js";
import { UserRef } from "../users/schema.js";
import { grantRole, revokeRole } from "./grants.js";
import type { PermissionRecord } from "./permissions.js";
import * as roles from "./roles.js";
import type { DeleteRoleResult } from "./roles.js";

const PERMISSION_SELECT = { id: true, key: true, description: true } as const;
// One map object, so scope-auth evaluates it once per request.
const ROLES_READ = { permission: "roles:read" } as const;

export const PermissionRef = builder.node(builder.objectRef<PermissionRecord>("Permission"), {
  id: { resolve: (p) => p.id },
  // The catalogue needs roles:read; a permission reached through a readable role (including the
  // viewer's own roles) is granted by Role.permissions.
  authScopes: (p, ctx) => isGranted(ctx, p, "viaRole") || ROLES_READ,
  loadMany: async (ids, ctx) => {
    const rows = await ctx.app.db.prisma.permission.findMany({ where: { id: { in: [...ids] } }, select: PERMISSION_SELECT });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  },
  fields: (t) => ({
    key: t.exposeString("key"),
    description: t.exposeString("description"),
  }),
});

export const RoleRef = builder.prismaNode("Role", {
  id: { field: "id" },
  // `node(id:)` of one that does not exist is null, as for any other unknown id.
  nullable: true,
  // Every column is small and loaded with the type, read as plain fields (no selection-mapper walk per row).
  select: roles.ROLE_SELECT,
  // Any role with roles:read; a role reached through a readable user (the viewer's own roles
  // included) is granted by User.roles.
  authScopes: (r, ctx) => isGranted(ctx, r, "viaUser") || ROLES_READ,
  fields: (t) => ({
    key: t.string({ resolve: (r) => r.key }),
    name: t.string({ resolve: (r) => r.name }),
    description: t.string({ resolve: (r) => r.description }),
    requireMfa: t.boolean({ description: "Its permissions apply only in sessions that proved a second factor.", resolve: (r) => r.requireMfa }),
    permissions: t.field({
      type: [PermissionRef],
      // Whoever may see the role may see what it grants.
      grantScopes: ["viaRole"],
      resolve: (role, _args, ctx) => ctx.loaders.rolePermissions.load(role.id),
    }),
  }),
});

builder.prismaObjectFields(UserRef, (t) => ({
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
    resolve: async (user, _args, ctx) => [...(await ctx.loaders.permissions.load(user.id)).all].sort(),
  }),
}));

const USER_CURSOR = "U:";
const userCursor = {
  of: (row: { userId: string }) => Buffer.from(`${USER_CURSOR}${row.userId}`).toString("base64url"),
  parse: (cursor: string) => {
    const raw = Buffer.from(cursor, "base64url").toString("utf8");
    const id = raw.slice(USER_CURSOR.length);
    if (!raw.startsWith(USER_CURSOR) || !isUuid(id)) throw new InvalidCursorError();
    return id;
  },
};

builder.prismaObjectField(RoleRef, "users", (t) =>
  t.connection({
    type: UserRef,
    authScopes: { permission: "users:read" },
    // Part of the parent's query: the holders of every role on a page come in one statement, keyset
    // on the join table's user id.
    select: (args, ctx, nestedSelection) => {
      const w = keysetWindow(args, ctx, userCursor.parse);
      const towards = w.inverted ? w.before : w.after;
      return {
        users: {
          ...(towards ? { where: { userId: w.inverted ? { lt: towards } : { gt: towards } } } : {}),
          orderBy: { userId: w.inverted ? "desc" : "asc" },
          take: w.limit,
          select: { userId: true, user: nestedSelection(true) },
        },
      };
    },
    resolve: async (role, args, ctx) => {
      const connection = await keysetConnection(args, ctx, userCursor, () => role.users);
      return { ...connection, edges: connection.edges.map((e) => e && { ...e, node: e.node.user }) };
    },
  }),
);

builder.queryField("roles", (t) =>
  t.prismaField({
    type: ["Role"],
    authScopes: { permission: "roles:read" },
    resolve: (query, _r, _a, ctx) => ctx.readStale((db) => db.role.findMany({ ...query, orderBy: { key: "asc" } })),
  }),
);

builder.queryField("permissions", (t) =>
  t.field({
    type: [PermissionRef],
    authScopes: { permission: "roles:read" },
    description: "The permission catalogue.",
    resolve: (_r, _a, ctx) => ctx.readStale((db) => db.permission.findMany({ select: PERMISSION_SELECT, orderBy: { key: "asc" } })),
  }),
);

const CreateRoleInput = builder.inputType("CreateRoleInput", {
  fields: (t) => ({
    key: t.string({ description: "Stable identifier: 1-64 of a-z 0-9 _ -, starting with a letter. Cannot be changed later." }),
    name: t.string(),
    description: t.string({ required: false }),
    requireMfa: t.boolean({ required: false, description: "Its permissions apply only in sessions that proved a second factor." }),
  }),
});

const UpdateRoleInput = builder.inputType("UpdateRoleInput", {
  fields: (t) => ({
    name: t.string({ required: false }),
    description: t.string({ required: false }),
    requireMfa: t.boolean({ required: false }),
  }),
});

builder.mutationField("createRole", (t) =>
  t.field({
    type: RoleRef,
    authScopes: { permission: "roles:write" },
    args: { input: t.arg({ type: CreateRoleInput }) },
    errors: { types: [...COMMON_ERRORS, ConflictError], directResult: true, union: { name: "CreateRoleResult" } },
    resolve: (_r, { input }, ctx) => roles.createRole(ctx.app, actor(ctx), input, ctx.request),
  }),
);

builder.mutationField("updateRole", (t) =>
  t.field({
    type: RoleRef,
    authScopes: { permission: "roles:write" },
    args: { id: t.arg.globalID({ for: RoleRef }), input: t.arg({ type: UpdateRoleInput }) },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: "UpdateRoleResult" } },
    resolve: (_r, args, ctx) => roles.updateRole(ctx.app, actor(ctx), args.id.id, args.input, ctx.request),
  }),
);

const DeleteRoleSuccess = builder.objectRef<DeleteRoleResult>("DeleteRoleSuccess").implement({
  authScopes: { public: true },
  fields: (t) => ({
    deletedRoleId: t.id({ resolve: (r) => encodeId("Role", r.roleId) }),
    revokedGrantCount: t.exposeInt("revokedGrantCount", { description: "Grants removed with the role (only non-zero when forced)." }),
  }),
});

builder.mutationField("deleteRole", (t) =>
  t.field({
    type: DeleteRoleSuccess,
    authScopes: { permission: "roles:write" },
    description: "Refused with RoleInUseError while the role is granted, unless `force`. The admin role cannot be deleted while it has active holders.",
    args: { id: t.arg.globalID({ for: RoleRef }), force: t.arg.boolean({ required: false, defaultValue: false }) },
    errors: { types: [...COMMON_ERRORS, RoleInUseError, LastAdminError], directResult: true, union: { name: "DeleteRoleResult" } },
    resolve: (_r, args, ctx) => roles.deleteRole(ctx.app, actor(ctx), args.id.id, args.force ?? false, ctx.request),
  }),
);

builder.mutationField("setRolePermissions", (t) =>
  t.field({
    type: RoleRef,
    authScopes: stepUp({ permission: "roles:write" }),
    description: "Replaces the role's permission set. Unknown keys fail the whole mutation (ValidationError naming them).",
    args: { roleId: t.arg.globalID({ for: RoleRef }), permissionKeys: t.arg.stringList() },
    errors: { types: [...COMMON_ERRORS, LastAdminError], directResult: true, union: { name: "SetRolePermissionsResult" } },
    resolve: (_r, args, ctx) => roles.setRolePermissions(ctx.app, actor(ctx), args.roleId.id, args.permissionKeys, ctx.request),
  }),
);

builder.mutationField("grantRole", (t) =>
  t.field({
    type: UserRef,
    authScopes: stepUp({ permission: "roles:write" }),
    args: { userId: t.arg.globalID({ for: UserRef }), roleKey: t.arg.string() },
    errors: { types: [...COMMON_ERRORS, ConflictError], directResult: true, union: { name: "GrantRoleResult" } },
    resolve: (_r, args, ctx) => grantRole(ctx.app, actor(ctx), args.userId.id, args.roleKey, ctx.request),
  }),
);

builder.mutationField("revokeRole", (t) =>
  t.field({
    type: UserRef,
    authScopes: { permission: "roles:write" },
    description: "The last active admin cannot lose the admin role (LastAdminError).",
    args: { userId: t.arg.globalID({ for: UserRef }), roleKey: t.arg.string() },
    errors: { types: [...COMMON_ERRORS, LastAdminError], directResult: true, union: { name: "RevokeRoleResult" } },
    resolve: (_r, args, ctx) => revokeRole(ctx.app, actor(ctx), args.userId.id, args.roleKey, ctx.request),
  }),
);
