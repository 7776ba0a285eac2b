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
import { actor, builder, stepUp } from "../../graphql/builder.js";
import { COMMON_ERRORS } from "../../graphql/error-types.js";
import { observeSignIn } from "../../observability/metrics.js";
import { MfaRequired } from "../mfa/second-step.js";
import { issueSession } from "../sessions/issue.js";
import type { IssuedSession } from "../sessions/issue.js";
import { SessionRef } from "../sessions/schema.js";
import { CheckInboxRef, UserRef } from "../users/schema.js";
import { changePassword } from "./change-password.js";
import { requestPasswordReset, resetPassword } from "./password-reset.js";
import { signIn } from "./sign-in.js";
import type { SignInResult } from "./sign-in.js";
import { signUp } from "./sign-up.js";

export const SignInSuccess = builder.objectRef<IssuedSession<SignInResult>>("SignInSuccess").implement({
  authScopes: { public: true },
  fields: (t) => ({
    token: t.exposeString("token", {
      nullable: true,
      description: "Send as `Authorization: Bearer <token>`. Shown once; store it securely. Null when the session went into the HttpOnly cookie (`cookie: true`).",
    }),
    session: t.field({ type: SessionRef, grantScopes: ["owner"], resolve: (r) => r.session }),
    user: t.field({ type: UserRef, grantScopes: ["owner"], resolve: (r) => r.user }),
  }),
});

const COOKIE_DESCRIPTION =
  "Browsers: hand out the session as an HttpOnly, SameSite=Lax cookie instead of returning the token. Requests then authenticate with the cookie (no Authorization header).";
const SignInInput = builder.inputType("SignInInput", {
  fields: (t) => ({ email: t.string(), password: t.string(), cookie: t.boolean({ required: false, defaultValue: false, description: COOKIE_DESCRIPTION }) }),
});
const SignUpInput = builder.inputType("SignUpInput", {
  fields: (t) => ({
    email: t.string(),
    password: t.string(),
    name: t.string({ required: false }),
    cookie: t.boolean({ required: false, defaultValue: false, description: COOKIE_DESCRIPTION }),
  }),
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
      // MfaRequired: the password was right and a second factor finishes the sign-in (completeSignIn).
      types: [InvalidCredentialsError, RateLimitedError, AccountLockedError, ValidationError, MfaRequired, EmailNotVerifiedError],
      directResult: true,
      union: { name: "SignInResult" },
    },
    resolve: async (_r, { input: { cookie, ...credentials } }, ctx) => {
      const result = await observeSignIn(ctx.app, signIn(ctx.app, credentials, ctx.request));
      // plugin-errors takes the union's other members from what the resolver throws.
      if (result instanceof MfaRequired) throw result;
      return issueSession(ctx.transport, result, cookie ?? false);
    },
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
    resolve: async (_r, { input: { cookie, ...fields } }, ctx) => issueSession(ctx.transport, await signUp(ctx.app, fields, ctx.request), cookie ?? false),
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
    authScopes: stepUp({ authenticated: true }),
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
