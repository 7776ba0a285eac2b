// Which second factors a user has: what a sign-in challenge may be answered with, and whether
// step-up applies to them at all. Reads only; enrolment and removal live with each factor.
import { Prisma } from "../../generated/prisma/client.js";
import type { AuthMethod } from "../sessions/session.js";

export type SecondFactorMethod = Exclude<AuthMethod, "password">;

/** The methods a challenge for this user can be answered with, strongest first; empty: no second factor. */
export async function availableMethods(db: Prisma.TransactionClient, userId: string): Promise<SecondFactorMethod[]> {
  const [totp, passkeys, codes] = await Promise.all([
    db.totpFactor.count({ where: { userId, confirmedAt: { not: null } } }),
    db.passkey.count({ where: { userId } }),
    db.recoveryCode.count({ where: { userId, usedAt: null } }),
  ]);
  if (totp === 0 && passkeys === 0) return [];
  const methods: SecondFactorMethod[] = [];
  if (passkeys > 0) methods.push("passkey");
  if (totp > 0) methods.push("totp");
  if (codes > 0) methods.push("recovery_code");
  return methods;
}

/** SQL: whether the user whose id is `userId` (a column or a parameter) has a second factor (a confirmed TOTP or a passkey). */
export function secondFactorExists(userId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(EXISTS (SELECT 1 FROM mfa_totp WHERE user_id = ${userId} AND confirmed_at IS NOT NULL)
        OR EXISTS (SELECT 1 FROM passkeys WHERE user_id = ${userId}))`;
}

/** Whether the user has a second factor (a confirmed TOTP or a passkey), in one statement. */
export async function hasSecondFactor(db: Prisma.TransactionClient, userId: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ has: boolean }[]>`SELECT ${secondFactorExists(Prisma.sql`${userId}::uuid`)} AS has`;
  return rows[0]?.has ?? false;
}

export interface MfaStatus {
  userId: string;
  totpEnabled: boolean;
  recoveryCodesLeft: number;
}

export async function mfaStatus(db: Prisma.TransactionClient, userId: string): Promise<MfaStatus> {
  const [totp, codes] = await Promise.all([
    db.totpFactor.count({ where: { userId, confirmedAt: { not: null } } }),
    db.recoveryCode.count({ where: { userId, usedAt: null } }),
  ]);
  return { userId, totpEnabled: totp > 0, recoveryCodesLeft: codes };
}
