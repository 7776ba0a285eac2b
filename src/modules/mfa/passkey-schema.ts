// Passkeys in GraphQL: the Passkey type, registration (start, then register the browser's answer),
// removal, and the challenges for a passwordless sign-in or a step-up.
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { ConflictError, InvalidSecondFactorError, MfaChallengeInvalidError, RateLimitedError } from "../../errors.js";
import { actor, builder, stepUp } from "../../graphql/builder.js";
import { COMMON_ERRORS } from "../../graphql/error-types.js";
import { encodeId } from "../../graphql/global-id.js";
import { isGranted } from "../../graphql/object-grants.js";
import { deletePasskey } from "./manage.js";
import { registerPasskey, startPasskeyRegistration } from "./passkeys.js";
import type { PasskeyCeremony } from "./passkeys.js";
import { startPasskeySignIn } from "./second-step.js";
import { startPasskeyStepUp } from "./step-up.js";

export const PasskeyRef = builder.prismaNode("Passkey", {
  id: { field: "id" },
  nullable: true,
  // The public columns come with the type and are read as plain fields; the credential never is.
  select: { id: true, userId: true, name: true, createdAt: true, lastUsedAt: true, backedUp: true },
  // The owner, or anyone who may read users.
  authScopes: (p, ctx) => isGranted(ctx, p, "owner") || { self: p.userId, permission: "users:read" },
  fields: (t) => ({
    name: t.string({ resolve: (p) => p.name }),
    createdAt: t.field({ type: "DateTime", resolve: (p) => p.createdAt }),
    lastUsedAt: t.field({ type: "DateTime", nullable: true, resolve: (p) => p.lastUsedAt }),
    backedUp: t.boolean({ description: "Synced to a cloud account (a multi-device passkey).", resolve: (p) => p.backedUp }),
  }),
});

type AnyCeremony = PasskeyCeremony<PublicKeyCredentialCreationOptionsJSON | PublicKeyCredentialRequestOptionsJSON>;

const PasskeyChallengeRef = builder.objectRef<AnyCeremony>("PasskeyChallenge").implement({
  description: "Pass `options` to navigator.credentials.create()/get() (parse…OptionsFromJSON), and the answer with `challengeToken` back.",
  authScopes: { public: true },
  fields: (t) => ({
    challengeToken: t.exposeString("challengeToken"),
    options: t.field({ type: "JSON", resolve: (c) => c.options }),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
  }),
});

builder.mutationField("startPasskeyRegistration", (t) =>
  t.field({
    type: PasskeyChallengeRef,
    authScopes: stepUp({ authenticated: true }),
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: "StartPasskeyRegistrationResult" } },
    resolve: (_r, _a, ctx) => startPasskeyRegistration(ctx.app, actor(ctx), ctx.request),
  }),
);

const RegisterPasskeyInput = builder.inputType("RegisterPasskeyInput", {
  fields: (t) => ({
    challengeToken: t.string(),
    name: t.string({ description: "A label for the user, e.g. the device." }),
    response: t.field({ type: "JSON", description: "`credential.toJSON()` of navigator.credentials.create()." }),
  }),
});

builder.mutationField("registerPasskey", (t) =>
  t.field({
    type: PasskeyRef,
    authScopes: { authenticated: true },
    args: { input: t.arg({ type: RegisterPasskeyInput }) },
    errors: { types: [...COMMON_ERRORS, MfaChallengeInvalidError, InvalidSecondFactorError, ConflictError], directResult: true, union: { name: "RegisterPasskeyResult" } },
    grantScopes: ["owner"],
    resolve: (_r, { input }, ctx) => registerPasskey(ctx.app, actor(ctx), input, ctx.request),
  }),
);

const DeletePasskeySuccess = builder.objectRef<{ passkeyId: string }>("DeletePasskeySuccess").implement({
  authScopes: { public: true },
  fields: (t) => ({ deletedPasskeyId: t.id({ resolve: (r) => encodeId("Passkey", r.passkeyId) }) }),
});

builder.mutationField("deletePasskey", (t) =>
  t.field({
    type: DeletePasskeySuccess,
    authScopes: stepUp({ authenticated: true }),
    description: "Removes one of your passkeys; someone else's is NotFoundError, as a missing one.",
    args: { id: t.arg.globalID({ for: PasskeyRef }) },
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: "DeletePasskeyResult" } },
    resolve: async (_r, args, ctx) => ({ passkeyId: await deletePasskey(ctx.app, actor(ctx), args.id.id, ctx.request) }),
  }),
);

builder.mutationField("startPasskeySignIn", (t) =>
  t.field({
    type: PasskeyChallengeRef,
    authScopes: { public: true },
    description: "A passwordless sign-in: answer with completeSignIn(challengeToken, passkeyAssertion).",
    errors: { types: [RateLimitedError], directResult: true, union: { name: "StartPasskeySignInResult" } },
    resolve: (_r, _a, ctx) => startPasskeySignIn(ctx.app, ctx.request),
  }),
);

builder.mutationField("startPasskeyStepUp", (t) =>
  t.field({
    type: PasskeyChallengeRef,
    authScopes: { authenticated: true },
    description: "A challenge for stepUp with one of your passkeys.",
    errors: { types: [...COMMON_ERRORS], directResult: true, union: { name: "StartPasskeyStepUpResult" } },
    resolve: (_r, _a, ctx) => startPasskeyStepUp(ctx.app, actor(ctx), ctx.request),
  }),
);
