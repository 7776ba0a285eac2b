// Passkeys (WebAuthn) through @simplewebauthn/server: registration for the signed-in user, and
// assertions — a second factor, a step-up, or a passwordless sign-in. The relying party (id, origins)
// comes from config; each ceremony's challenge lives in a challenge token (challenges.ts).
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { App, RequestMeta } from "../../app.js";
import { InvalidSecondFactorError, MfaChallengeInvalidError } from "../../errors.js";
import { conflictOnDuplicate } from "../../db/conflicts.js";
import { parseInput } from "../../validation.js";
import { actorFields } from "../audit/recorder.js";
import type { Viewer } from "../sessions/session.js";
import { consumeChallenge, createChallenge, findChallenge } from "./challenges.js";
import type { Challenge } from "./challenges.js";
import { passkeyNameSchema, registrationResponseSchema } from "./webauthn-input.js";

export const PASSKEY_SELECT = { id: true, userId: true, name: true, createdAt: true, lastUsedAt: true, backedUp: true, deviceType: true } as const;

const origins = (app: App): string[] => app.config.WEBAUTHN_ORIGINS.split(",").map((o) => o.trim());

async function credentialsOf(app: App, userId: string): Promise<{ id: string; transports: string[] }[]> {
  const rows = await app.db.prisma.passkey.findMany({ where: { userId }, select: { credentialId: true, transports: true }, orderBy: { createdAt: "asc" } });
  return rows.map((r) => ({ id: r.credentialId, transports: r.transports }));
}

export interface PasskeyCeremony<T> {
  challengeToken: string;
  options: T;
  expiresAt: Date;
}

export async function startPasskeyRegistration(app: App, viewer: Viewer, request: RequestMeta): Promise<PasskeyCeremony<PublicKeyCredentialCreationOptionsJSON>> {
  const { user } = viewer;
  const options = await generateRegistrationOptions({
    rpName: app.config.WEBAUTHN_RP_NAME,
    rpID: app.config.WEBAUTHN_RP_ID,
    userName: user.email,
    userDisplayName: user.name || user.email,
    userID: new Uint8Array(Buffer.from(user.id.replace(/-/g, ""), "hex")),
    attestationType: "none",
    excludeCredentials: await credentialsOf(app, user.id),
    // Discoverable, so the same passkey also signs in without a password.
    authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
  });
  const { token, challenge } = await app.db.prisma.$transaction(async (tx) => {
    const created = await createChallenge(app, tx, { purpose: "PASSKEY_REGISTRATION", userId: user.id, sessionId: viewer.session.id, webauthnChallenge: options.challenge });
    await app.audit.record(tx, { type: "MFA_CHALLENGE_ISSUED", ...actorFields(viewer), subjectUserId: user.id, metadata: { purpose: "passkey_registration" } }, request);
    return created;
  });
  return { challengeToken: token, options, expiresAt: challenge.expiresAt };
}

export type PasskeyRecord = { id: string; userId: string; name: string; createdAt: Date; lastUsedAt: Date | null; backedUp: boolean; deviceType: string };

export async function registerPasskey(
  app: App,
  viewer: Viewer,
  input: { challengeToken: string; name: string; response?: unknown },
  request: RequestMeta,
): Promise<PasskeyRecord> {
  const name = parseInput(passkeyNameSchema, input.name, "input.name");
  const response = parseInput(registrationResponseSchema, input.response, "input.response");
  const challenge = await findChallenge(app, input.challengeToken, ["PASSKEY_REGISTRATION"]);
  if (!challenge?.webauthnChallenge || challenge.userId !== viewer.user.id || challenge.sessionId !== viewer.session.id) throw new MfaChallengeInvalidError();
  const verification = await verifyRegistrationResponse({
    response,
    expectedChallenge: challenge.webauthnChallenge,
    expectedOrigin: origins(app),
    expectedRPID: app.config.WEBAUTHN_RP_ID,
    requireUserVerification: false,
  }).catch((err: unknown) => {
    app.log.info({ err, userId: viewer.user.id }, "passkey registration did not verify");
    return null;
  });
  if (!verification?.verified) throw new InvalidSecondFactorError();
  const { credential, credentialDeviceType, credentialBackedUp } = verification.registrationInfo;
  return conflictOnDuplicate(
    () =>
      app.db.prisma.$transaction(async (tx) => {
        if (!(await consumeChallenge(app, tx, challenge.id))) throw new MfaChallengeInvalidError();
        const passkey = await tx.passkey.create({
          data: {
            userId: viewer.user.id,
            credentialId: credential.id,
            publicKey: new Uint8Array(credential.publicKey),
            counter: BigInt(credential.counter),
            transports: credential.transports ?? [],
            name,
            deviceType: credentialDeviceType,
            backedUp: credentialBackedUp,
            createdAt: app.clock.now(),
          },
          select: PASSKEY_SELECT,
        });
        await app.audit.record(tx, { type: "MFA_PASSKEY_ADDED", ...actorFields(viewer), subjectUserId: viewer.user.id, metadata: { passkeyId: passkey.id, name } }, request);
        return passkey;
      }),
    "This passkey is already registered.",
  );
}

/** Request options for an assertion: the user's passkeys, or (no user) any discoverable one. */
export async function assertionOptions(app: App, userId: string | null): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: app.config.WEBAUTHN_RP_ID,
    allowCredentials: userId ? await credentialsOf(app, userId) : [],
    userVerification: userId ? "preferred" : "required",
  });
}

/**
 * Verifies an assertion against `challenge`; for a given `userId` the passkey must be theirs. The
 * signature counter moves forward by a conditional UPDATE (a cloned authenticator's replay loses).
 */
export async function verifyAssertion(
  app: App,
  challenge: Challenge,
  response: AuthenticationResponseJSON,
  userId: string | null,
): Promise<{ userId: string; passkeyId: string; userVerified: boolean } | null> {
  if (!challenge.webauthnChallenge) return null;
  const passkey = await app.db.prisma.passkey.findUnique({ where: { credentialId: response.id } });
  if (!passkey || (userId !== null && passkey.userId !== userId)) return null;
  const result = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge.webauthnChallenge,
    expectedOrigin: origins(app),
    expectedRPID: app.config.WEBAUTHN_RP_ID,
    credential: { id: passkey.credentialId, publicKey: new Uint8Array(passkey.publicKey), counter: Number(passkey.counter), transports: passkey.transports },
    // A passwordless sign-in is both factors at once: the authenticator must have verified the user.
    requireUserVerification: userId === null,
  }).catch((err: unknown) => {
    app.log.info({ err, passkeyId: passkey.id }, "passkey assertion did not verify");
    return null;
  });
  if (!result?.verified) return null;
  const { count } = await app.db.prisma.passkey.updateMany({
    where: { id: passkey.id, counter: passkey.counter },
    data: { counter: BigInt(result.authenticationInfo.newCounter), lastUsedAt: app.clock.now() },
  });
  if (count !== 1) return null;
  return { userId: passkey.userId, passkeyId: passkey.id, userVerified: result.authenticationInfo.userVerified };
}
