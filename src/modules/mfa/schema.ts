// Second factors in GraphQL: the sign-in challenge (MfaRequired, completeSignIn), step-up, TOTP
// enrolment and removal, recovery codes, what a user has (User.secondFactors), and the admin reset.
// Passkey ceremonies are in passkey-schema.ts.
import {
  AccountLockedError,
  ConflictError,
  InvalidCredentialsError,
  InvalidSecondFactorError,
  MfaChallengeInvalidError,
  MfaNotConfiguredError,
  RateLimitedError,
  ValidationError,
} from "../../errors.js";
import { actor, builder, stepUp as stepUpScope } from "../../graphql/builder.js";
import { COMMON_ERRORS } from "../../graphql/error-types.js";
import { SignInSuccess } from "../credentials/schema.js";
import { issueSession } from "../sessions/issue.js";
import { AuthMethodEnum, SessionRef } from "../sessions/schema.js";
import { UserRef } from "../users/schema.js";
import { mfaStatus } from "./factors.js";
import type { MfaStatus } from "./factors.js";
import { confirmTotp, disableTotp, regenerateRecoveryCodes, resetFactors } from "./manage.js";
import { PasskeyRef } from "./passkey-schema.js";
import { MfaRequired, completeSignIn } from "./second-step.js";
import { stepUp } from "./step-up.js";
import { enrollTotp } from "./totp.js";
import type { TotpEnrollment } from "./totp.js";

builder.objectType(MfaRequired, {
  name: "MfaRequired",
  description: "The password was right; finish with completeSignIn(challengeToken, one of `methods`) before `expiresAt`.",
  authScopes: { public: true },
  isTypeOf: (v) => v instanceof MfaRequired,
  fields: (t) => ({
    challengeToken: t.exposeString("challengeToken", { description: "Single-use; bound to this sign-in's user." }),
    methods: t.field({ type: [AuthMethodEnum], resolve: (r) => [...r.methods] }),
    passkeyOptions: t.field({
      type: "JSON",
      nullable: true,
      description: "PublicKeyCredentialRequestOptionsJSON for navigator.credentials.get() when a passkey can answer.",
      resolve: (r) => r.passkeyOptions,
    }),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
  }),
});

const SecondFactorInputFields = {
  totp: "A 6-digit code from the authenticator app.",
  recoveryCode: "One of the recovery codes (each works once).",
  passkeyAssertion: "The passkey's answer: `credential.toJSON()` of navigator.credentials.get().",
} as const;

const CompleteSignInInput = builder.inputType("CompleteSignInInput", {
  description: "The challenge token and exactly one factor.",
  fields: (t) => ({
    challengeToken: t.string(),
    totp: t.string({ required: false, description: SecondFactorInputFields.totp }),
    recoveryCode: t.string({ required: false, description: SecondFactorInputFields.recoveryCode }),
    passkeyAssertion: t.field({ type: "JSON", required: false, description: SecondFactorInputFields.passkeyAssertion }),
    cookie: t.boolean({ required: false, description: "Set the session as an HttpOnly cookie instead of returning the token (as signIn's `cookie`)." }),
  }),
});

builder.mutationField("completeSignIn", (t) =>
  t.field({
    type: SignInSuccess,
    authScopes: { public: true },
    description: "Finishes a sign-in that answered MfaRequired, or a passwordless one started with startPasskeySignIn.",
    args: { input: t.arg({ type: CompleteSignInInput }) },
    errors: {
      types: [ValidationError, MfaChallengeInvalidError, InvalidSecondFactorError, RateLimitedError, AccountLockedError],
      directResult: true,
      union: { name: "CompleteSignInResult" },
    },
    resolve: async (_r, { input: { cookie, ...input } }, ctx) => issueSession(ctx.transport, await completeSignIn(ctx.app, input, ctx.request), cookie ?? false),
  }),
);

const StepUpInput = builder.inputType("StepUpInput", {
  description: "Exactly one factor; a passkey assertion also needs the challengeToken from startPasskeyStepUp.",
  fields: (t) => ({
    totp: t.string({ required: false, description: SecondFactorInputFields.totp }),
    recoveryCode: t.string({ required: false, description: SecondFactorInputFields.recoveryCode }),
    passkeyAssertion: t.field({ type: "JSON", required: false, description: SecondFactorInputFields.passkeyAssertion }),
    challengeToken: t.string({ required: false }),
  }),
});

const FACTOR_ERRORS = [...COMMON_ERRORS, InvalidSecondFactorError, MfaChallengeInvalidError, RateLimitedError, AccountLockedError] as const;

builder.mutationField("stepUp", (t) =>
  t.field({
    type: SessionRef,
    authScopes: { authenticated: true },
    description: "Proves a second factor again: renews this session's mfaAt for STEP_UP_MAX_AGE_SECONDS of sensitive mutations.",
    args: { input: t.arg({ type: StepUpInput }) },
    errors: { types: [...FACTOR_ERRORS], directResult: true, union: { name: "StepUpResult" } },
    grantScopes: ["owner"],
    resolve: (_r, { input }, ctx) => stepUp(ctx.app, actor(ctx), input, ctx.request),
  }),
);

const TotpEnrollmentRef = builder.objectRef<TotpEnrollment>("TotpEnrollment").implement({
  description: "Add the secret to an authenticator app (scan the QR code or open the URI), then confirmTotp with a code.",
  authScopes: { public: true },
  fields: (t) => ({
    secret: t.exposeString("secret", { description: "Base32; shown once." }),
    uri: t.exposeString("uri", { description: "otpauth://totp/… URI." }),
    qrCodeSvg: t.exposeString("qrCodeSvg", { description: "The URI as an SVG QR code." }),
  }),
});

const RecoveryCodesRef = builder.objectRef<{ recoveryCodes: string[] }>("RecoveryCodes").implement({
  description: "Single-use recovery codes, shown once: only their hashes are kept.",
  authScopes: { public: true },
  fields: (t) => ({ recoveryCodes: t.exposeStringList("recoveryCodes") }),
});

builder.mutationField("enrollTotp", (t) =>
  t.field({
    type: TotpEnrollmentRef,
    authScopes: stepUpScope({ authenticated: true }),
    errors: { types: [...COMMON_ERRORS, ConflictError, MfaNotConfiguredError], directResult: true, union: { name: "EnrollTotpResult" } },
    resolve: (_r, _a, ctx) => enrollTotp(ctx.app, actor(ctx), ctx.request),
  }),
);

builder.mutationField("confirmTotp", (t) =>
  t.field({
    type: RecoveryCodesRef,
    authScopes: stepUpScope({ authenticated: true }),
    description: "Activates TOTP with a first code; answers the recovery codes. This session then counts as having proved MFA.",
    args: { code: t.arg.string() },
    errors: { types: [...COMMON_ERRORS, InvalidSecondFactorError, MfaNotConfiguredError], directResult: true, union: { name: "ConfirmTotpResult" } },
    resolve: async (_r, args, ctx) => ({ recoveryCodes: await confirmTotp(ctx.app, actor(ctx), args.code, ctx.request) }),
  }),
);

const DisableTotpInput = builder.inputType("DisableTotpInput", {
  fields: (t) => ({ currentPassword: t.string(), code: t.string({ description: "A TOTP code or a recovery code." }) }),
});

const OkRef = builder.objectRef<{ ok: true }>("DisableTotpSuccess").implement({
  authScopes: { public: true },
  fields: (t) => ({ ok: t.exposeBoolean("ok") }),
});

builder.mutationField("disableTotp", (t) =>
  t.field({
    type: OkRef,
    authScopes: stepUpScope({ authenticated: true }),
    args: { input: t.arg({ type: DisableTotpInput }) },
    errors: { types: [...FACTOR_ERRORS, InvalidCredentialsError, MfaNotConfiguredError], directResult: true, union: { name: "DisableTotpResult" } },
    resolve: async (_r, { input }, ctx) => {
      await disableTotp(ctx.app, actor(ctx), input, ctx.request);
      return { ok: true as const };
    },
  }),
);

builder.mutationField("regenerateRecoveryCodes", (t) =>
  t.field({
    type: RecoveryCodesRef,
    authScopes: stepUpScope({ authenticated: true }),
    description: "Replaces every recovery code (the old ones stop working).",
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: "RegenerateRecoveryCodesResult" } },
    resolve: async (_r, _a, ctx) => ({ recoveryCodes: await regenerateRecoveryCodes(ctx.app, actor(ctx), ctx.request) }),
  }),
);

const SecondFactorsRef = builder.objectRef<MfaStatus>("SecondFactors").implement({
  description: "The second factors of a user (never their secrets).",
  // Reached only through User.secondFactors, whose scopes decide.
  authScopes: { public: true },
  fields: (t) => ({
    totpEnabled: t.exposeBoolean("totpEnabled"),
    recoveryCodesLeft: t.exposeInt("recoveryCodesLeft"),
    passkeys: t.prismaField({
      type: [PasskeyRef],
      resolve: (query, s, _a, ctx) => ctx.app.db.prisma.passkey.findMany({ ...query, where: { userId: s.userId }, orderBy: { createdAt: "asc" } }),
    }),
  }),
});

builder.prismaObjectField(UserRef, "secondFactors", (t) =>
  t.field({
    type: SecondFactorsRef,
    authScopes: (user) => ({ self: user.id, permission: "users:read" }),
    resolve: (user, _a, ctx) => mfaStatus(ctx.app.db.prisma, user.id),
  }),
);

builder.mutationField("resetUserMfa", (t) =>
  t.field({
    type: UserRef,
    authScopes: stepUpScope({ permission: "users:write" }),
    description: "Removes every second factor of a user (TOTP, recovery codes, passkeys), e.g. after a lost device.",
    args: { userId: t.arg.globalID({ for: UserRef }) },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: "ResetUserMfaResult" } },
    resolve: (_r, args, ctx) => resetFactors(ctx.app, actor(ctx), args.userId.id, ctx.request),
  }),
);
