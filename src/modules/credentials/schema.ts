// Sign-in, sign-up and password change. Resolvers only translate; the work is in this module's files.
import {
  AccountLockedError,
  ConflictError,
  EmailNotVerifiedError,
  InvalidCredentialsError,
  InvalidTokenError,
  MailDisabledError,
  RateLimitedError,
  SignUpDisabledError,
  ValidationError,
} from "../../errors.js";
import { actor, builder } from "../../graphql/builder.js";
import { COMMON_ERRORS } from "../../graphql/error-types.js";
import { observeSignIn } from "../../observability/metrics.js";
import { SessionRef } from "../sessions/schema.js";
import { CheckInboxRef, UserRef } from "../users/schema.js";
import { changePassword } from "./change-password.js";
import { requestPasswordReset, resetPassword } from "./password-reset.js";
import { signIn } from "./sign-in.js";
import type { SignInResult } from "./sign-in.js";
import { signUp } from "./sign-up.js";

const SignInSuccess = builder.objectRef<SignInResult>("SignInSuccess").implement({
  authScopes: { public: true },
  fields: (t) => ({
    token: t.exposeString("token", { description: "Send as `Authorization: Bearer <token>`. Shown once; store it securely." }),
    session: t.field({ type: SessionRef, grantScopes: ["owner"], resolve: (r) => r.session }),
    user: t.field({ type: UserRef, grantScopes: ["owner"], resolve: (r) => r.user }),
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
      types: [InvalidCredentialsError, RateLimitedError, AccountLockedError, ValidationError, EmailNotVerifiedError],
      directResult: true,
      union: { name: "SignInResult" },
    },
    resolve: (_r, { input }, ctx) => observeSignIn(ctx.app, signIn(ctx.app, input, ctx.request)),
  }),
);

builder.mutationField("signUp", (t) =>
  t.field({
    type: SignInSuccess,
    authScopes: { public: true },
    args: { input: t.arg({ type: SignUpInput }) },
    errors: {
      // EmailNotVerifiedError: with REQUIRE_VERIFIED_EMAIL, for a new and a taken address alike.
      types: [ValidationError, ConflictError, SignUpDisabledError, RateLimitedError, EmailNotVerifiedError],
      directResult: true,
      union: { name: "SignUpResult" },
    },
    resolve: (_r, { input }, ctx) => signUp(ctx.app, input, ctx.request),
  }),
);

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
      revokedSessionCount: await changePassword(ctx.app, actor(ctx), input, ctx.request),
    }),
  }),
);

builder.mutationField("requestPasswordReset", (t) =>
  t.field({
    type: CheckInboxRef,
    authScopes: { public: true },
    description: "Mails a reset link if an account has the address. The same answer, after the same work, for any address.",
    args: { email: t.arg.string() },
    errors: { types: [ValidationError, RateLimitedError, MailDisabledError], directResult: true, union: { name: "RequestPasswordResetResult" } },
    resolve: (_r, args, ctx) => requestPasswordReset(ctx.app, args, ctx.request),
  }),
);

const ResetPasswordInput = builder.inputType("ResetPasswordInput", {
  fields: (t) => ({ token: t.string(), newPassword: t.string() }),
});

const ResetPasswordSuccess = builder.objectRef<{ revokedSessionCount: number }>("ResetPasswordSuccess").implement({
  authScopes: { public: true },
  fields: (t) => ({ revokedSessionCount: t.exposeInt("revokedSessionCount", { description: "Every session of the account was revoked." }) }),
});

builder.mutationField("resetPassword", (t) =>
  t.field({
    type: ResetPasswordSuccess,
    authScopes: { public: true },
    args: { input: t.arg({ type: ResetPasswordInput }) },
    errors: { types: [InvalidTokenError, ValidationError], directResult: true, union: { name: "ResetPasswordResult" } },
    resolve: async (_r, { input }, ctx) => ({ revokedSessionCount: await resetPassword(ctx.app, input, ctx.request) }),
  }),
);
