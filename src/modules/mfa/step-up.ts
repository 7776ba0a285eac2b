// Step-up: the signed-in caller proves a second factor again, which renews the session's mfaAt; the
// `recentMfa` auth scope (src/graphql/builder.ts) admits sensitive mutations for
// STEP_UP_MAX_AGE_SECONDS after it. Attempts are reserved and counted like password attempts.
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { App, RequestMeta } from "../../app.js";
import { MfaChallengeInvalidError, UnauthenticatedError, ValidationError } from "../../errors.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { actorFields } from "../audit/recorder.js";
import { publicSession } from "../sessions/session.js";
import type { AuthMethod, SessionRecord, StoredSession, Viewer } from "../sessions/session.js";
import { recordMfaInTx } from "../sessions/start.js";
import { replaceFragment } from "../sessions/store.js";
import { attemptSucceeded } from "./attempts.js";
import { consumeChallenge, createChallenge, findChallenge } from "./challenges.js";
import type { Challenge } from "./challenges.js";
import { assertionOptions } from "./passkeys.js";
import type { PasskeyCeremony } from "./passkeys.js";
import { checkFactor, parseFactor } from "./factor-check.js";
import type { FactorInput } from "./factor-check.js";

export async function startPasskeyStepUp(app: App, viewer: Viewer, request: RequestMeta): Promise<PasskeyCeremony<PublicKeyCredentialRequestOptionsJSON>> {
  const options = await assertionOptions(app, viewer.user.id);
  if (!options.allowCredentials?.length) throw new ValidationError([{ path: "passkey", message: "no passkey is registered" }]);
  const { token, challenge } = await app.db.prisma.$transaction(async (tx) => {
    const created = await createChallenge(app, tx, { purpose: "PASSKEY_STEP_UP", userId: viewer.user.id, sessionId: viewer.session.id, webauthnChallenge: options.challenge });
    await app.audit.record(tx, { type: "MFA_CHALLENGE_ISSUED", ...actorFields(viewer), subjectUserId: viewer.user.id, metadata: { purpose: "step_up" } }, request);
    return created;
  });
  return { challengeToken: token, options, expiresAt: challenge.expiresAt };
}

/** A passkey step-up's challenge: issued to this very session. */
async function stepUpChallenge(app: App, viewer: Viewer, token: string | null | undefined): Promise<Challenge> {
  const challenge = token ? await findChallenge(app, token, ["PASSKEY_STEP_UP"]) : null;
  if (!challenge || challenge.userId !== viewer.user.id || challenge.sessionId !== viewer.session.id) throw new MfaChallengeInvalidError();
  return challenge;
}

export async function stepUp(app: App, viewer: Viewer, input: FactorInput & { challengeToken?: string | null }, request: RequestMeta): Promise<SessionRecord> {
  const factor = parseFactor(input);
  const challenge = factor.method === "passkey" ? await stepUpChallenge(app, viewer, input.challengeToken) : null;
  const attempt = await checkFactor(app, viewer.user, factor, challenge, "step_up", request, { actor: viewer });
  const row = await app.db.prisma.$transaction(async (tx) => {
    if (challenge && !(await consumeChallenge(app, tx, challenge.id))) throw new MfaChallengeInvalidError();
    const updated = await markSession(app, tx, viewer, factor.method, request, "step_up");
    if (!updated) throw new UnauthenticatedError("This session has ended.");
    return updated;
  });
  await replaceFragment(app, { session: row, user: viewer.user });
  await attemptSucceeded(app, viewer.user, attempt, request);
  return publicSession(row);
}

/** The session proved `method` now (step-up, or confirming an enrolment): mfaAt renewed, MFA_VERIFIED recorded. */
export async function markSession(
  app: App,
  tx: Prisma.TransactionClient,
  viewer: Viewer,
  method: Exclude<AuthMethod, "password">,
  request: RequestMeta,
  purpose: string,
): Promise<StoredSession | null> {
  const row = await recordMfaInTx(app, tx, viewer.session.id, method);
  await app.audit.record(tx, { type: "MFA_VERIFIED", ...actorFields(viewer), subjectUserId: viewer.user.id, metadata: { purpose, method } }, request);
  return row;
}
