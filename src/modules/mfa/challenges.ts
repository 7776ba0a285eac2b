// Challenge tokens for a step that a second request finishes (the second factor after a password, a
// passkey registration or assertion): `<id>.<secret>` like session tokens, only sha-256 of the secret
// stored, bound to a user (and session), short-lived, and consumed once by a conditional UPDATE.
import type { App } from "../../app.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { MfaChallengePurpose } from "../../generated/prisma/enums.js";
import { formatToken, generateSecret, hashSecret, parseToken, secretMatches } from "../sessions/tokens.js";

type Tx = Prisma.TransactionClient;

export const CHALLENGE_SELECT = {
  id: true,
  purpose: true,
  userId: true,
  sessionId: true,
  webauthnChallenge: true,
  expiresAt: true,
} as const satisfies Prisma.MfaChallengeSelect;

export type Challenge = Prisma.MfaChallengeGetPayload<{ select: typeof CHALLENGE_SELECT }>;

export interface NewChallenge {
  purpose: MfaChallengePurpose;
  userId: string | null;
  sessionId?: string | null;
  webauthnChallenge?: string | null;
}

export async function createChallenge(app: App, tx: Tx, data: NewChallenge): Promise<{ token: string; challenge: Challenge }> {
  const secret = generateSecret();
  const now = app.clock.now();
  const challenge = await tx.mfaChallenge.create({
    data: {
      tokenHash: hashSecret(secret),
      purpose: data.purpose,
      userId: data.userId,
      sessionId: data.sessionId ?? null,
      webauthnChallenge: data.webauthnChallenge ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + app.config.MFA_CHALLENGE_TTL_SECONDS * 1000),
    },
    select: CHALLENGE_SELECT,
  });
  return { token: formatToken(challenge.id, secret), challenge };
}

/**
 * The live challenge a token names, if it is for one of `purposes`; null for anything else — a
 * malformed, unknown, expired or used token, or a wrong secret — and never an error.
 */
export async function findChallenge(app: App, token: string, purposes: readonly MfaChallengePurpose[]): Promise<Challenge | null> {
  const parsed = parseToken(token);
  if (!parsed) return null;
  const row = await app.db.prisma.mfaChallenge.findUnique({ where: { id: parsed.sessionId }, select: { ...CHALLENGE_SELECT, tokenHash: true, usedAt: true } });
  if (!row || !secretMatches(parsed.secret, row.tokenHash)) return null;
  const { tokenHash: _hash, usedAt, ...challenge } = row;
  if (usedAt !== null || challenge.expiresAt <= app.clock.now() || !purposes.includes(challenge.purpose)) return null;
  return challenge;
}

/** Marks the challenge used inside the transaction that acts on it; false when it was used (or expired) meanwhile. */
export async function consumeChallenge(app: App, tx: Tx, id: string): Promise<boolean> {
  const now = app.clock.now();
  const { count } = await tx.mfaChallenge.updateMany({ where: { id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  return count === 1;
}

/** Deletes challenges that expired more than a day ago, in bounded batches. Returns how many. */
export async function purgeExpiredChallenges(app: App, batch = 1000): Promise<number> {
  const cutoff = new Date(app.clock.now().getTime() - 86_400_000);
  let total = 0;
  for (;;) {
    const deleted = await app.db.prisma.$executeRaw`
      DELETE FROM mfa_challenges WHERE id IN (SELECT id FROM mfa_challenges WHERE expires_at < ${cutoff} LIMIT ${batch})`;
    total += deleted;
    if (deleted < batch) return total;
  }
}
