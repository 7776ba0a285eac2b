// Recovery codes: ten per generation, 16 characters from a 32-letter alphabet (80 bits), shown once as
// XXXX-XXXX-XXXX-XXXX. Only sha-256 of each is stored (80 bits make a stolen hash useless to brute
// force), and a conditional UPDATE accepts each code once.
import { createHash, randomBytes } from "node:crypto";
import type { App } from "../../app.js";
import type { Prisma } from "../../generated/prisma/client.js";

const COUNT = 10;
const LENGTH = 16;
// No 0/O, 1/I: read aloud and typed by hand. 32 letters, so `byte & 31` picks each one uniformly.
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** Upper-cased, without the dashes and spaces people type. */
export function normaliseRecoveryCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, "");
}

export const isRecoveryCodeShaped = (code: string): boolean => new RegExp(`^[${ALPHABET}]{${LENGTH}}$`).test(normaliseRecoveryCode(code));

const hashCode = (code: string): string => createHash("sha256").update(normaliseRecoveryCode(code), "utf8").digest("hex");

function generateCode(): string {
  const chars = [...randomBytes(LENGTH)].map((b) => ALPHABET[b & 31]).join("");
  return chars.match(/.{4}/g)?.join("-") ?? chars;
}

/** Replaces the user's codes with a fresh set; returns them in clear (the only time they exist so). */
export async function replaceRecoveryCodes(tx: Prisma.TransactionClient, userId: string): Promise<string[]> {
  const codes = Array.from({ length: COUNT }, generateCode);
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({ data: codes.map((code) => ({ userId, codeHash: hashCode(code) })) });
  return codes;
}

/** Accepts an unused code of the user, once. */
export async function useRecoveryCode(app: App, userId: string, code: string): Promise<boolean> {
  if (!isRecoveryCodeShaped(code)) return false;
  const { count } = await app.db.prisma.recoveryCode.updateMany({
    where: { userId, codeHash: hashCode(code), usedAt: null },
    data: { usedAt: app.clock.now() },
  });
  return count === 1;
}
