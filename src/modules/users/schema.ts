// User type, its queries and the admin mutations on users. Roles, permissions, sessions and audit
// events are added to User by their own modules.
import {
  ConflictError,
  InvalidCredentialsError,
  InvalidTokenError,
  LastAdminError,
  MailDisabledError,
  RateLimitedError,
  ValidationError,
} from "../../errors.js";
import { actor, builder, stepUp } from "../../graphql/builder.js";
import { COMMON_ERRORS } from "../../graphql/error-types.js";
import { encodeId } from "../../graphql/global-id.js";
import { isGranted } from "../../graphql/object-grants.js";
import { uuidConnectionPolicy } from "../../graphql/pagination.js";
import { parseInput, searchSchema } from "../../validation.js";
import type { CheckInbox } from "./account-mail.js";
import * as admin from "./admin.js";
import type { SetUserStatusResult } from "./admin.js";
import { deleteAccount, deleteUser } from "./delete-account.js";
import { confirmEmailChange, requestEmailChange } from "./email-change.js";
import type { EmailChanged } from "./email-change.js";
import { PUBLIC_USER_SELECT } from "./user.js";
import { requestEmailVerification, verifyEmail } from "./verification.js";
import type { EmailVerified } from "./verification.js";

export const UserStatusEnum = builder.enumType("UserStatus", { values: ["ACTIVE", "DISABLED", "LOCKED"] as const });

export const UserRef = builder.prismaNode("User", {
  id: { field: "id" },
  // `node(id:)` of one that does not exist is null, as for any other unknown id.
  nullable: true,
  // Select mode: the password hash is never even fetched. The public columns are always loaded and
  // read as plain fields, so no row walks the selection mapper for them.
  select: PUBLIC_USER_SELECT,
  // A member reads their own user; anyone else needs users:read. The "owner" grant admits the user
  // returned by the caller's own sign-in/sign-up, before any session exists on the request.
  authScopes: (user, ctx) => isGranted(ctx, user, "owner") || { self: user.id, permission: "users:read" },
  fields: (t) => ({
    email: t.string({ resolve: (u) => u.email }),
    name: t.string({ resolve: (u) => u.name }),
    status: t.field({ type: UserStatusEnum, resolve: (u) => u.status }),
    createdAt: t.field({ type: "DateTime", resolve: (u) => u.createdAt }),
    lastLoginAt: t.field({ type: "DateTime", nullable: true, resolve: (u) => u.lastLoginAt }),
    emailVerifiedAt: t.field({ type: "DateTime", nullable: true, description: "When the owner proved they receive mail at `email`.", resolve: (u) => u.emailVerifiedAt }),
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
      return ctx.readStale((db) => db.user.findMany({
        ...query,
        where: {
          ...(search ? { OR: [{ email: { contains: search, mode: "insensitive" } }, { name: { contains: search, mode: "insensitive" } }] } : {}),
          ...(f?.status ? { status: f.status } : {}),
          ...(f?.roleKey ? { roles: { some: { role: { key: f.roleKey } } } } : {}),
        },
        // The id breaks createdAt ties, so the cursor (an id) pages through a total order.
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }));
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

/** The answer to every mail request, whatever happened (see account-mail.ts). */
export const CheckInboxRef = builder.objectRef<CheckInbox>("CheckInbox").implement({
  authScopes: { public: true },
  fields: (t) => ({ message: t.exposeString("message") }),
});

const MAIL_REQUEST_ERRORS = [ValidationError, RateLimitedError, MailDisabledError] as const;

builder.mutationField("requestEmailVerification", (t) =>
  t.field({
    type: CheckInboxRef,
    authScopes: { public: true },
    description: "Mails a verification link to the address if an unverified account has it. The same answer either way.",
    args: { email: t.arg.string() },
    errors: { types: [...MAIL_REQUEST_ERRORS], directResult: true, union: { name: "RequestEmailVerificationResult" } },
    resolve: (_r, args, ctx) => requestEmailVerification(ctx.app, args, ctx.request),
  }),
);

const EmailVerifiedRef = builder.objectRef<EmailVerified>("EmailVerified").implement({
  authScopes: { public: true },
  fields: (t) => ({ email: t.exposeString("email"), emailVerifiedAt: t.expose("emailVerifiedAt", { type: "DateTime" }) }),
});

builder.mutationField("verifyEmail", (t) =>
  t.field({
    type: EmailVerifiedRef,
    authScopes: { public: true },
    args: { token: t.arg.string() },
    errors: { types: [InvalidTokenError], directResult: true, union: { name: "VerifyEmailResult" } },
    resolve: (_r, args, ctx) => verifyEmail(ctx.app, args.token, ctx.request),
  }),
);

const RequestEmailChangeInput = builder.inputType("RequestEmailChangeInput", {
  fields: (t) => ({ newEmail: t.string(), currentPassword: t.string() }),
});

builder.mutationField("requestEmailChange", (t) =>
  t.field({
    type: CheckInboxRef,
    authScopes: { authenticated: true },
    description: "Mails a confirmation to the new address and a notice to the current one. The address changes on confirmEmailChange.",
    args: { input: t.arg({ type: RequestEmailChangeInput }) },
    errors: { types: [...COMMON_ERRORS, ...MAIL_REQUEST_ERRORS, InvalidCredentialsError], directResult: true, union: { name: "RequestEmailChangeResult" } },
    resolve: (_r, { input }, ctx) => requestEmailChange(ctx.app, actor(ctx), input, ctx.request),
  }),
);

const EmailChangedRef = builder.objectRef<EmailChanged>("EmailChanged").implement({
  authScopes: { public: true },
  fields: (t) => ({ email: t.exposeString("email") }),
});

builder.mutationField("confirmEmailChange", (t) =>
  t.field({
    type: EmailChangedRef,
    authScopes: { public: true },
    args: { token: t.arg.string() },
    errors: { types: [InvalidTokenError, ConflictError], directResult: true, union: { name: "ConfirmEmailChangeResult" } },
    resolve: (_r, args, ctx) => confirmEmailChange(ctx.app, args.token, ctx.request),
  }),
);

const DeleteAccountInput = builder.inputType("DeleteAccountInput", { fields: (t) => ({ currentPassword: t.string() }) });

const AccountDeletedRef = builder.objectRef<{ deletedUserId: string }>("AccountDeleted").implement({
  authScopes: { public: true },
  fields: (t) => ({ deletedUserId: t.field({ type: "ID", resolve: (r) => encodeId("User", r.deletedUserId) }) }),
});

builder.mutationField("deleteAccount", (t) =>
  t.field({
    type: AccountDeletedRef,
    authScopes: stepUp({ authenticated: true }),
    description: "Deletes the caller's account: sessions, roles and credentials go; audit events stay with personal data pseudonymised.",
    args: { input: t.arg({ type: DeleteAccountInput }) },
    errors: {
      types: [...COMMON_ERRORS, InvalidCredentialsError, RateLimitedError, LastAdminError],
      directResult: true,
      union: { name: "DeleteAccountResult" },
    },
    resolve: async (_r, { input }, ctx) => ({ deletedUserId: await deleteAccount(ctx.app, actor(ctx), input, ctx.request) }),
  }),
);

builder.mutationField("deleteUser", (t) =>
  t.field({
    type: AccountDeletedRef,
    authScopes: stepUp({ permission: "users:write" }),
    description: "Deletes a user as deleteAccount does. The last active admin cannot be deleted.",
    args: { id: t.arg.globalID({ for: UserRef }) },
    errors: { types: [...COMMON_ERRORS, LastAdminError], directResult: true, union: { name: "DeleteUserResult" } },
    resolve: async (_r, args, ctx) => ({ deletedUserId: await deleteUser(ctx.app, actor(ctx), args.id.id, ctx.request) }),
  }),
);
