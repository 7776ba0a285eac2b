// Session tokens are `<sessionId>.<secret>`: the id finds the row, the secret proves possession.
// Only sha-256(secret) is stored, so a database or cache leak yields no usable token.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// 32 random bytes in unpadded base64url are always 43 characters.
const SECRET = /^[A-Za-z0-9_-]{43}$/;
const MAX_TOKEN_LENGTH = 36 + 1 + 43;

export function generateSecret(): string {
  return randomBytes(32).toString("base64url");
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export function formatToken(sessionId: string, secret: string): string {
  return `${sessionId}.${secret}`;
}

/**
 * `<id>.<secret>`, the format of session tokens and of the single-use account tokens alike. Null for
 * anything that is not exactly a well-formed token; never throws.
 */
export function parseIdToken(token: string | null | undefined): { id: string; secret: string } | null {
  if (typeof token !== "string" || token.length !== MAX_TOKEN_LENGTH) return null;
  const id = token.slice(0, 36);
  const secret = token.slice(37);
  if (token[36] !== "." || !UUID.test(id) || !SECRET.test(secret)) return null;
  return { id, secret };
}

export function parseToken(token: string | null | undefined): { sessionId: string; secret: string } | null {
  const parsed = parseIdToken(token);
  return parsed && { sessionId: parsed.id, secret: parsed.secret };
}

/** Constant-time comparison of sha-256(secret) with the stored hex hash. */
export function secretMatches(secret: string, storedHashHex: string): boolean {
  const expected = Buffer.from(storedHashHex, "hex");
  const actual = createHash("sha256").update(secret, "utf8").digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The token from an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | null | undefined): string | null {
  if (!header || header.length > 512) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
