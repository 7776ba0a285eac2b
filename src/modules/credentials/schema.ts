// Sign-in, sign-up and password change. Resolvers only translate; the work is in this module's files.
import {
  AccountLockedError,
  ConflictError,
  InvalidCredentialsError,
  RateLimitedError,
  SignUpDisabledError,
  ValidationError,
} from "../../errors.js";
import { actor, builder, stepUp } from "../../graphql/builder.js";
import { COMMON_ERRORS } from "../../graphql/error-types.js";
import { observeSignIn } from "../../observability/metrics.js";
import { MfaRequired } from "../mfa/second-step.js";
import { SessionRef } from "../sessions/schema.js";
import { UserRef } from "../users/schema.js";
import { changePassword } from "./change-password.js";
import { signIn } from "./sign-in.js";
import type { SignInResult } from "./sign-in.js";
import { signUp } from "./sign-up.js";

export const SignInSuccess = builder.objectRef<SignInResult>("SignInSuccess").implement({
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
      // MfaRequired: the password was right and a second factor finishes the sign-in (completeSignIn).
      types: [InvalidCredentialsError, RateLimitedError, AccountLockedError, ValidationError, MfaRequired],
      directResult: true,
      union: { name: "SignInResult" },
    },
    resolve: async (_r, { input }, ctx) => {
      const result = await observeSignIn(ctx.app, signIn(ctx.app, input, ctx.request));
      // plugin-errors takes the union's other members from what the resolver throws.
      if (result instanceof MfaRequired) throw result;
      return result;
    },
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
    authScopes: stepUp({ authenticated: true }),
    errors: { types: [...COMMON_ERRORS, InvalidCredentialsError, RateLimitedError], directResult: true, union: { name: "ChangePasswordResult" } },
    resolve: async (_r, { input }, ctx) => ({
      revokedSessionCount: await changePassword(ctx.app, actor(ctx), input, ctx.request),
    }),
  }),
);
