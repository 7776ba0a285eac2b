// The one single-use token mechanism behind email verification, password reset and email change:
// `<id>.<secret>` like session tokens, only sha-256(secret) stored, compared in constant time. A token
// row is created when its message is composed (the outbox never holds a secret), and a token is
// consumed by one conditional UPDATE, so two concurrent redemptions cannot both succeed.
import type { Config } from "../../config.js";
import type { AccountTokenPurpose } from "../../generated/prisma/enums.js";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import { formatToken, generateSecret, hashSecret, parseIdToken, secretMatches } from "../sessions/tokens.js";

type Tx = Prisma.TransactionClient;

export interface AccountTokenRecord {
  id: string;
  userId: string;
  purpose: AccountTokenPurpose;
  email: string;
}

const TTL: Record<AccountTokenPurpose, (c: Config) => number> = {
  VERIFY_EMAIL: (c) => c.EMAIL_VERIFICATION_TTL_SECONDS,
  RESET_PASSWORD: (c) => c.PASSWORD_RESET_TTL_SECONDS,
  CHANGE_EMAIL: (c) => c.EMAIL_CHANGE_TTL_SECONDS,
};

const PATH: Record<AccountTokenPurpose, string> = {
  VERIFY_EMAIL: "verify-email",
  RESET_PASSWORD: "reset-password",
  CHANGE_EMAIL: "confirm-email",
};

export function tokenTtlSeconds(config: Config, purpose: AccountTokenPurpose): number {
  return TTL[purpose](config);
}

/** The link a message carries; the token is in the fragment, which browsers never send to a server. */
export function tokenLink(config: Config, purpose: AccountTokenPurpose, token: string): string {
  return `${config.MAIL_LINK_BASE_URL.replace(/\/+$/, "")}/${PATH[purpose]}#token=${token}`;
}

/** "30 minutes", "24 hours": how long a token works, as a message says it. */
export function describeTtl(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? "" : "s"}`;
  return `${Math.round(seconds / 60)} minutes`;
}

/** Creates a token for `email` and returns it: the only time the secret exists outside a message. */
export async function issueAccountToken(tx: Tx, config: Config, now: Date, token: Omit<AccountTokenRecord, "id">): Promise<string> {
  const secret = generateSecret();
  const expiresAt = new Date(now.getTime() + tokenTtlSeconds(config, token.purpose) * 1000);
  const row = await tx.accountToken.create({ data: { ...token, tokenHash: hashSecret(secret), createdAt: now, expiresAt }, select: { id: true } });
  return formatToken(row.id, secret);
}

/** The token's record when it is well-formed, known, of this purpose, unused, unexpired and its secret matches; else null. */
export async function findUsableToken(db: PrismaClient | Tx, purpose: AccountTokenPurpose, raw: string, now: Date): Promise<AccountTokenRecord | null> {
  const parsed = parseIdToken(raw);
  if (!parsed) return null;
  const row = await db.accountToken.findUnique({ where: { id: parsed.id } });
  if (!row || !secretMatches(parsed.secret, row.tokenHash)) return null;
  if (row.purpose !== purpose || row.consumedAt !== null || row.expiresAt <= now) return null;
  return { id: row.id, userId: row.userId, purpose: row.purpose, email: row.email };
}

/** Marks it used; false when a concurrent redemption (or a superseding change) got there first. */
export async function consumeToken(tx: Tx, id: string, now: Date): Promise<boolean> {
  const { count } = await tx.accountToken.updateMany({ where: { id, consumedAt: null, expiresAt: { gt: now } }, data: { consumedAt: now } });
  return count === 1;
}

/** Every outstanding token of the user (of these purposes) stops working. */
export async function consumeOutstandingTokens(tx: Tx, userId: string, now: Date, purposes?: readonly AccountTokenPurpose[]): Promise<number> {
  const { count } = await tx.accountToken.updateMany({
    where: { userId, consumedAt: null, ...(purposes ? { purpose: { in: [...purposes] } } : {}) },
    data: { consumedAt: now },
  });
  return count;
}
