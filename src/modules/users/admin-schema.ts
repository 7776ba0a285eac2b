// Admin mutations on users: createUser, updateUser, setUserStatus. Each returns a typed result
// union; the work (transaction, audit event, cache invalidation) is in src/auth/user-admin.ts.
import * as userAdmin from "./admin.js";
import type { SetUserStatusResult } from "./admin.js";
import { ConflictError, LastAdminError } from "../../errors.js";
import { actor, builder } from "../../graphql/builder.js";
import { COMMON_ERRORS } from "../../graphql/error-types.js";
import { decodeIdOf } from "../../graphql/global-id.js";
import { UserRef, UserStatusEnum } from "./schema.js";

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
    resolve: (_r, { input }, ctx) => userAdmin.createUser(ctx.app, actor(ctx), input, ctx.request),
  }),
);

builder.mutationField("updateUser", (t) =>
  t.field({
    type: UserRef,
    authScopes: { permission: "users:write" },
    args: { id: t.arg.id(), input: t.arg({ type: UpdateUserInput }) },
    errors: { types: [...COMMON_ERRORS, ConflictError], directResult: true, union: { name: "UpdateUserResult" } },
    resolve: (_r, args, ctx) => userAdmin.updateUser(ctx.app, actor(ctx), decodeIdOf("User", String(args.id)), args.input, ctx.request),
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
    args: { id: t.arg.id(), status: t.arg({ type: UserStatusEnum }) },
    errors: { types: [...COMMON_ERRORS, LastAdminError], directResult: true, union: { name: "SetUserStatusResult" } },
    resolve: (_r, args, ctx) => userAdmin.setUserStatus(ctx.app, actor(ctx), decodeIdOf("User", String(args.id)), args.status, ctx.request),
  }),
);
