// Signing in with a second factor. When the password was right and the user has a factor, signIn
// answers MfaRequired with a challenge token instead of a session; completeSignIn(token, factor)
// finishes it. The token is short-lived, bound to the user and consumed once; every attempt at it is
// reserved like a password attempt (attempts.ts). A passwordless passkey sign-in starts with
// startPasskeySignIn and is finished by the same completeSignIn.
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { App, RequestMeta } from "../../app.js";
import { InvalidSecondFactorError, MfaChallengeInvalidError, RateLimitedError, ValidationError } from "../../errors.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { observeSecondFactor } from "../../observability/metrics.js";
import type { AuditEventInput } from "../audit/append.js";
import { finishSignIn } from "../credentials/signed-in.js";
import type { SignInResult } from "../credentials/signed-in.js";
import { consumeChallenge, createChallenge, findChallenge } from "./challenges.js";
import type { Challenge } from "./challenges.js";
import { availableMethods } from "./factors.js";
import type { SecondFactorMethod } from "./factors.js";
import { assertionOptions, verifyAssertion } from "./passkeys.js";
import type { PasskeyCeremony } from "./passkeys.js";
import { checkFactor, parseFactor } from "./factor-check.js";
import type { Factor, FactorInput } from "./factor-check.js";

/**
 * signIn's answer when a second factor is needed. An Error subclass only because plugin-errors picks
 * the members of a result union by `instanceof`; it is returned, never thrown.
 */
export class MfaRequired extends Error {
  constructor(
    readonly challengeToken: string,
    readonly methods: readonly SecondFactorMethod[],
    /** Request options for navigator.credentials.get() when a passkey can answer. */
    readonly passkeyOptions: PublicKeyCredentialRequestOptionsJSON | null,
    readonly expiresAt: Date,
  ) {
    super("A second factor is required.");
    this.name = "MfaRequired";
  }
}

const record = (app: App, event: AuditEventInput, request: RequestMeta) => app.db.prisma.$transaction((tx) => app.audit.record(tx, event, request));

/** A challenge for the user's second factor, or null when they have none. */
export async function secondFactorChallenge(app: App, userId: string, request: RequestMeta): Promise<MfaRequired | null> {
  const methods = await availableMethods(app.db.prisma, userId);
  if (methods.length === 0) return null;
  const passkeyOptions = methods.includes("passkey") ? await assertionOptions(app, userId) : null;
  const { token, challenge } = await app.db.prisma.$transaction(async (tx) => {
    const created = await createChallenge(app, tx, { purpose: "SIGN_IN", userId, webauthnChallenge: passkeyOptions?.challenge ?? null });
    await app.audit.record(tx, { type: "MFA_CHALLENGE_ISSUED", subjectUserId: userId, metadata: { purpose: "sign_in", methods: [...methods] } }, request);
    return created;
  });
  return new MfaRequired(token, methods, passkeyOptions, challenge.expiresAt);
}

/**
 * A challenge for a passwordless passkey sign-in (any discoverable passkey of this relying party).
 * Reserved in the address window like a sign-in attempt; the sign-in it leads to gives it back.
 */
export async function startPasskeySignIn(app: App, request: RequestMeta): Promise<PasskeyCeremony<PublicKeyCredentialRequestOptionsJSON>> {
  const wait = await app.loginLimiter.reserveAddress(request.ip);
  if (wait > 0) throw new RateLimitedError(wait);
  const options = await assertionOptions(app, null);
  const { token, challenge } = await app.db.prisma.$transaction((tx) => createChallenge(app, tx, { purpose: "PASSKEY_SIGN_IN", userId: null, webauthnChallenge: options.challenge }));
  return { challengeToken: token, options, expiresAt: challenge.expiresAt };
}

export async function completeSignIn(app: App, input: FactorInput & { challengeToken: string }, request: RequestMeta): Promise<SignInResult> {
  const factor = parseFactor(input);
  const challenge = await findChallenge(app, input.challengeToken, ["SIGN_IN", "PASSKEY_SIGN_IN"]);
  if (!challenge) {
    observeSecondFactor(app, { method: factor.method, purpose: "sign_in", outcome: "mfa_challenge_invalid" });
    await record(app, { type: "MFA_FAILED", metadata: { purpose: "sign_in", method: factor.method, reason: "invalid_challenge" } }, request);
    throw new MfaChallengeInvalidError();
  }
  if (challenge.purpose === "PASSKEY_SIGN_IN") return passwordless(app, challenge, factor, request);
  const user = challenge.userId ? await app.db.prisma.user.findUnique({ where: { id: challenge.userId }, select: { id: true, email: true, status: true } }) : null;
  if (!user || user.status !== "ACTIVE") throw new MfaChallengeInvalidError();

  const attempt = await checkFactor(app, user, factor, challenge, "sign_in", request);
  return finishSignIn(
    app,
    { id: user.id, email: user.email, knownSource: attempt.knownSource },
    { methods: ["password", factor.method], mfaAt: app.clock.now() },
    request,
    (tx) => useChallenge(app, tx, challenge, user.id, factor, request),
  );
}

/** Consumes the challenge and records the factor's use, in the sign-in's transaction. */
async function useChallenge(app: App, tx: Prisma.TransactionClient, challenge: Challenge, userId: string, factor: Factor, request: RequestMeta): Promise<void> {
  if (!(await consumeChallenge(app, tx, challenge.id))) throw new MfaChallengeInvalidError();
  const remaining = factor.method === "recovery_code" ? await tx.recoveryCode.count({ where: { userId, usedAt: null } }) : undefined;
  await app.audit.record(
    tx,
    { type: "MFA_VERIFIED", actorUserId: userId, subjectUserId: userId, metadata: { purpose: "sign_in", method: factor.method, ...(remaining === undefined ? {} : { recoveryCodesLeft: remaining }) } },
    request,
  );
}

/**
 * A passkey alone: the assertion names the user. A signature cannot be guessed, so this does not go
 * through the password lockout (a stranger's failed passwords do not keep the owner's passkey out).
 */
async function passwordless(app: App, challenge: Challenge, factor: Factor, request: RequestMeta): Promise<SignInResult> {
  if (factor.method !== "passkey") throw new ValidationError([{ path: "input.passkeyAssertion", message: "this challenge is answered with a passkey" }]);
  const verified = await verifyAssertion(app, challenge, factor.assertion, null);
  const user = verified ? await app.db.prisma.user.findUnique({ where: { id: verified.userId }, select: { id: true, email: true, status: true } }) : null;
  if (!verified || !user || user.status !== "ACTIVE") {
    observeSecondFactor(app, { method: "passkey", purpose: "sign_in", outcome: "invalid_second_factor" });
    await record(app, { type: "MFA_FAILED", subjectUserId: user?.id ?? null, metadata: { purpose: "passkey_sign_in", method: "passkey", reason: "invalid" } }, request);
    throw new InvalidSecondFactorError();
  }
  const result = await finishSignIn(
    app,
    { id: user.id, email: user.email, knownSource: false },
    // User verification (PIN, biometrics) on top of possession is two factors.
    { methods: ["passkey"], mfaAt: verified.userVerified ? app.clock.now() : null },
    request,
    (tx) => useChallenge(app, tx, challenge, user.id, factor, request),
  );
  observeSecondFactor(app, { method: "passkey", purpose: "sign_in", outcome: "ok" });
  return result;
}
