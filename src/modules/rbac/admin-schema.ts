// Role mutations: createRole, updateRole, deleteRole, setRolePermissions, grantRole, revokeRole.
// Typed result unions; the work is in src/auth/roles.ts.
import * as roles from "./roles.js";
import type { DeleteRoleResult } from "./roles.js";
import { ConflictError, LastAdminError, RoleInUseError } from "../../errors.js";
import { actor, builder } from "../../graphql/builder.js";
import { COMMON_ERRORS } from "../../graphql/error-types.js";
import { decodeIdOf, encodeId } from "../../graphql/global-id.js";
import { RoleRef } from "./schema.js";
import { UserRef } from "../users/schema.js";

const CreateRoleInput = builder.inputType("CreateRoleInput", {
  fields: (t) => ({
    key: t.string({ description: "Stable identifier: 1-64 of a-z 0-9 _ -, starting with a letter. Cannot be changed later." }),
    name: t.string(),
    description: t.string({ required: false }),
  }),
});

const UpdateRoleInput = builder.inputType("UpdateRoleInput", {
  fields: (t) => ({
    name: t.string({ required: false }),
    description: t.string({ required: false }),
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
    args: { id: t.arg.id(), input: t.arg({ type: UpdateRoleInput }) },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: "UpdateRoleResult" } },
    resolve: (_r, args, ctx) => roles.updateRole(ctx.app, actor(ctx), decodeIdOf("Role", String(args.id)), args.input, ctx.request),
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
    args: { id: t.arg.id(), force: t.arg.boolean({ required: false, defaultValue: false }) },
    errors: { types: [...COMMON_ERRORS, RoleInUseError, LastAdminError], directResult: true, union: { name: "DeleteRoleResult" } },
    resolve: (_r, args, ctx) => roles.deleteRole(ctx.app, actor(ctx), decodeIdOf("Role", String(args.id)), args.force ?? false, ctx.request),
  }),
);

builder.mutationField("setRolePermissions", (t) =>
  t.field({
    type: RoleRef,
    authScopes: { permission: "roles:write" },
    description: "Replaces the role's permission set. Unknown keys fail the whole mutation (ValidationError naming them).",
    args: { roleId: t.arg.id(), permissionKeys: t.arg.stringList() },
    errors: { types: [...COMMON_ERRORS, LastAdminError], directResult: true, union: { name: "SetRolePermissionsResult" } },
    resolve: (_r, args, ctx) => roles.setRolePermissions(ctx.app, actor(ctx), decodeIdOf("Role", String(args.roleId)), args.permissionKeys, ctx.request),
  }),
);

builder.mutationField("grantRole", (t) =>
  t.field({
    type: UserRef,
    authScopes: { permission: "roles:write" },
    args: { userId: t.arg.id(), roleKey: t.arg.string() },
    errors: { types: [...COMMON_ERRORS, ConflictError], directResult: true, union: { name: "GrantRoleResult" } },
    resolve: (_r, args, ctx) => roles.grantRole(ctx.app, actor(ctx), decodeIdOf("User", String(args.userId)), args.roleKey, ctx.request),
  }),
);

builder.mutationField("revokeRole", (t) =>
  t.field({
    type: UserRef,
    authScopes: { permission: "roles:write" },
    description: "The last active admin cannot lose the admin role (LastAdminError).",
    args: { userId: t.arg.id(), roleKey: t.arg.string() },
    errors: { types: [...COMMON_ERRORS, LastAdminError], directResult: true, union: { name: "RevokeRoleResult" } },
    resolve: (_r, args, ctx) => roles.revokeRole(ctx.app, actor(ctx), decodeIdOf("User", String(args.userId)), args.roleKey, ctx.request),
  }),
);
