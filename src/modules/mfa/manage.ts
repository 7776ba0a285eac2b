// Managing one's factors — confirming TOTP (which also issues recovery codes), disabling it, new
// recovery codes, removing a passkey — and an admin's reset of a user's factors. Each change is one
// transaction ending with its audit event. Recovery codes go with the last factor.
import { z } from "zod";
import type { App, RequestMeta } from "../../app.js";
import { InvalidSecondFactorError, NotFoundError, ValidationError } from "../../errors.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { observeSecondFactor } from "../../observability/metrics.js";
import { enteredPasswordSchema, parseInput, perConfig } from "../../validation.js";
import { actorFields } from "../audit/recorder.js";
import type { Viewer } from "../sessions/session.js";
import { replaceFragment } from "../sessions/store.js";
import { lockUser } from "../users/user.js";
import type { UserRecord } from "../users/user.js";
import { attemptSucceeded } from "./attempts.js";
import { hasSecondFactor } from "./factors.js";
import { replaceRecoveryCodes } from "./recovery-codes.js";
import { markSession } from "./step-up.js";
import { totpCodeSchema, useTotpCode } from "./totp.js";
import { checkFactor, parseFactor } from "./factor-check.js";

type Tx = Prisma.TransactionClient;

/** Activates the pending TOTP factor with its first code; returns the recovery codes (shown once). */
const disableInput = perConfig((config) =>
  z.object({ currentPassword: enteredPasswordSchema(config), code: z.string().min(1, "is required").max(64, "must be at most 64 characters") }),
);

export async function confirmTotp(app: App, viewer: Viewer, code: string, request: RequestMeta): Promise<string[]> {
  const parsed = parseInput(totpCodeSchema, code, "code");
  const userId = viewer.user.id;
  const result = await app.db.prisma.$transaction(async (tx) => {
    if (!(await useTotpCode(app, tx, userId, parsed, { confirming: true }))) return null;
    const codes = await replaceRecoveryCodes(tx, userId);
    await app.audit.record(tx, { type: "MFA_TOTP_ENABLED", ...actorFields(viewer), subjectUserId: userId }, request);
    await app.audit.record(tx, { type: "MFA_RECOVERY_CODES_GENERATED", ...actorFields(viewer), subjectUserId: userId, metadata: { count: codes.length } }, request);
    // The code just proved the factor: this session counts as having done MFA.
    const session = await markSession(app, tx, viewer, "totp", request, "enrolment");
    return { codes, session };
  });
  if (!result) {
    observeSecondFactor(app, { method: "totp", purpose: "enrolment", outcome: "invalid_second_factor" });
    await app.db.prisma.$transaction((tx) =>
      app.audit.record(tx, { type: "MFA_FAILED", ...actorFields(viewer), subjectUserId: userId, metadata: { purpose: "enrolment", method: "totp", reason: "invalid_second_factor" } }, request),
    );
    throw new InvalidSecondFactorError();
  }
  observeSecondFactor(app, { method: "totp", purpose: "enrolment", outcome: "ok" });
  if (result.session) await replaceFragment(app, { session: result.session, user: viewer.user });
  return result.codes;
}

/** Recovery codes outlive no factor: removed with the last one. */
async function dropCodesIfNoFactorLeft(tx: Tx, userId: string): Promise<void> {
  if (!(await hasSecondFactor(tx, userId))) await tx.recoveryCode.deleteMany({ where: { userId } });
}

/** Needs the current password and a code (TOTP or recovery code), checked under one attempt reservation. */
export async function disableTotp(app: App, viewer: Viewer, input: { currentPassword: string; code: string }, request: RequestMeta): Promise<void> {
  const data = parseInput(disableInput(app.config), input);
  const userId = viewer.user.id;
  const enabled = await app.db.prisma.totpFactor.count({ where: { userId, confirmedAt: { not: null } } });
  if (enabled === 0) throw new NotFoundError("TOTP factor");
  const factor = parseFactor(/^[\d\s]{6,}$/.test(data.code) ? { totp: data.code } : { recoveryCode: data.code }, "input.code");
  const attempt = await checkFactor(app, viewer.user, factor, null, "disable", request, { actor: viewer, currentPassword: data.currentPassword });
  await app.db.prisma.$transaction(async (tx) => {
    await tx.totpFactor.delete({ where: { userId } });
    await dropCodesIfNoFactorLeft(tx, userId);
    await app.audit.record(tx, { type: "MFA_TOTP_DISABLED", ...actorFields(viewer), subjectUserId: userId, metadata: { method: factor.method } }, request);
  });
  await attemptSucceeded(app, viewer.user, attempt, request);
}

export async function regenerateRecoveryCodes(app: App, viewer: Viewer, request: RequestMeta): Promise<string[]> {
  const userId = viewer.user.id;
  return app.db.prisma.$transaction(async (tx) => {
    if (!(await hasSecondFactor(tx, userId))) throw new ValidationError([{ path: "recoveryCodes", message: "enable TOTP or add a passkey first" }]);
    const codes = await replaceRecoveryCodes(tx, userId);
    await app.audit.record(tx, { type: "MFA_RECOVERY_CODES_GENERATED", ...actorFields(viewer), subjectUserId: userId, metadata: { count: codes.length } }, request);
    return codes;
  });
}

/** Someone else's passkey is "not found", exactly like a missing one. */
export async function deletePasskey(app: App, viewer: Viewer, passkeyId: string, request: RequestMeta): Promise<string> {
  const userId = viewer.user.id;
  await app.db.prisma.$transaction(async (tx) => {
    const { count } = await tx.passkey.deleteMany({ where: { id: passkeyId, userId } });
    if (count === 0) throw new NotFoundError("Passkey");
    await dropCodesIfNoFactorLeft(tx, userId);
    await app.audit.record(tx, { type: "MFA_PASSKEY_REMOVED", ...actorFields(viewer), subjectUserId: userId, metadata: { passkeyId } }, request);
  });
  return passkeyId;
}

/** An admin removes every factor of a user (lost device): TOTP, recovery codes, passkeys, open challenges. */
export async function resetFactors(app: App, admin: Viewer, userId: string, request: RequestMeta): Promise<UserRecord> {
  return app.db.prisma.$transaction(async (tx) => {
    const user = await lockUser(tx, userId);
    const [totp, passkeys, codes] = await Promise.all([
      tx.totpFactor.deleteMany({ where: { userId } }),
      tx.passkey.deleteMany({ where: { userId } }),
      tx.recoveryCode.deleteMany({ where: { userId } }),
      tx.mfaChallenge.deleteMany({ where: { userId } }),
    ]);
    await app.audit.record(
      tx,
      { type: "MFA_FACTORS_RESET", ...actorFields(admin), subjectUserId: userId, metadata: { totp: totp.count > 0, passkeys: passkeys.count, recoveryCodes: codes.count } },
      request,
    );
    return user;
  });
}
