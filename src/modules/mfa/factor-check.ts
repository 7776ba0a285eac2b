// One second factor from a client: exactly one of a TOTP code, a recovery code or a passkey assertion,
// checked for shape, then verified for a user (each verification uses the factor up: a TOTP step, a
// recovery code, a passkey challenge are accepted once).
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { App, RequestMeta } from "../../app.js";
import { AppError, InvalidCredentialsError, InvalidSecondFactorError, ValidationError } from "../../errors.js";
import { observeSecondFactor } from "../../observability/metrics.js";
import { parseInput } from "../../validation.js";
import { actorFields } from "../audit/recorder.js";
import { passwordMatches } from "../credentials/confirm-password.js";
import type { Viewer } from "../sessions/session.js";
import { lockedUntilOf, reserveAttempt } from "./attempts.js";
import type { Attempt, AttemptUser } from "./attempts.js";
import type { Challenge } from "./challenges.js";
import type { SecondFactorMethod } from "./factors.js";
import { verifyAssertion } from "./passkeys.js";
import { useRecoveryCode } from "./recovery-codes.js";
import { totpCodeSchema, useTotpCode } from "./totp.js";
import { authenticationResponseSchema } from "./webauthn-input.js";

export interface FactorInput {
  totp?: string | null;
  recoveryCode?: string | null;
  passkeyAssertion?: unknown;
}

export type Factor =
  | { method: Extract<SecondFactorMethod, "totp" | "recovery_code">; code: string }
  | { method: Extract<SecondFactorMethod, "passkey">; assertion: AuthenticationResponseJSON };

/** Exactly one factor, well-formed; a ValidationError otherwise. */
export function parseFactor(input: FactorInput, prefix = "input"): Factor {
  const given = [input.totp != null, input.recoveryCode != null, input.passkeyAssertion != null].filter(Boolean).length;
  if (given !== 1) throw new ValidationError([{ path: prefix, message: "give exactly one of totp, recoveryCode, passkeyAssertion" }]);
  if (input.totp != null) return { method: "totp", code: parseInput(totpCodeSchema, input.totp, `${prefix}.totp`) };
  if (input.recoveryCode != null) {
    if (input.recoveryCode.length > 64) throw new ValidationError([{ path: `${prefix}.recoveryCode`, message: "must be at most 64 characters" }]);
    return { method: "recovery_code", code: input.recoveryCode };
  }
  return { method: "passkey", assertion: parseInput(authenticationResponseSchema, input.passkeyAssertion, `${prefix}.passkeyAssertion`) };
}

/** Whether `factor` proves the user; a passkey needs the challenge that asked for it. */
export async function verifyFactor(app: App, userId: string, factor: Factor, challenge: Challenge | null): Promise<boolean> {
  switch (factor.method) {
    case "totp":
      return useTotpCode(app, app.db.prisma, userId, factor.code);
    case "recovery_code":
      return useRecoveryCode(app, userId, factor.code);
    case "passkey":
      return challenge !== null && (await verifyAssertion(app, challenge, factor.assertion, userId)) !== null;
  }
}

export type FactorPurpose = "sign_in" | "step_up" | "disable";

/**
 * Reserves the attempt (attempts.ts), then verifies the factor; every refusal and failure is audited
 * (MFA_FAILED, and ACCOUNT_LOCKED when this failure locked the account) and counted, and answers a
 * typed error. Returns the reservation for `attemptSucceeded` or the sign-in to settle.
 */
export async function checkFactor(
  app: App,
  user: AttemptUser,
  factor: Factor,
  challenge: Challenge | null,
  purpose: FactorPurpose,
  request: RequestMeta,
  options: { actor?: Viewer; currentPassword?: string } = {},
): Promise<Attempt> {
  const { actor } = options;
  const who = { ...(actor ? actorFields(actor) : {}), subjectUserId: user.id };
  const failed = async (reason: string, locked: boolean) => {
    observeSecondFactor(app, { method: factor.method, purpose, outcome: reason });
    await app.db.prisma.$transaction(async (tx) => {
      await app.audit.record(tx, { type: "MFA_FAILED", ...who, metadata: { purpose, method: factor.method, reason } }, request);
      if (locked) await app.audit.record(tx, { type: "ACCOUNT_LOCKED", ...who, metadata: { lockedUntil: await lockedUntilOf(app, user.id) } }, request);
    });
  };
  let attempt: Attempt;
  try {
    attempt = await reserveAttempt(app, user, request);
  } catch (error) {
    await failed(error instanceof AppError ? error.code.toLowerCase() : "error", false);
    throw error;
  }
  // One reservation covers both when the password is asked for too (disabling a factor).
  if (options.currentPassword !== undefined && !(await passwordMatches(app, user.id, options.currentPassword))) {
    await failed("invalid_credentials", attempt.locksOnFailure && !attempt.knownSource);
    throw new InvalidCredentialsError();
  }
  if (!(await verifyFactor(app, user.id, factor, challenge))) {
    await failed("invalid_second_factor", attempt.locksOnFailure && !attempt.knownSource);
    throw new InvalidSecondFactorError();
  }
  observeSecondFactor(app, { method: factor.method, purpose, outcome: "ok" });
  return attempt;
}
