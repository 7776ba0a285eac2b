// TOTP secrets at rest: AES-256-GCM with a key from MFA_ENCRYPTION_KEY, the user id as associated data
// (a ciphertext copied to another user's row does not decrypt). The key list allows rotation: the
// first key encrypts, every listed key decrypts, and each ciphertext names its key by a short id.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { Config } from "../../config.js";

const VERSION = "v1";

interface Key {
  id: string;
  bytes: Buffer;
}

export interface SecretBox {
  encrypt(plaintext: string, userId: string): string;
  /** Null when no configured key opens it (unknown key id, tampered data, another user's row). */
  decrypt(sealed: string, userId: string): string | null;
  /** Whether `sealed` was encrypted with a key other than the first (re-encrypt it). */
  isStale(sealed: string): boolean;
}

function parseKey(text: string): Key {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  return { id: createHash("sha256").update(bytes).digest("hex").slice(0, 8), bytes };
}

/** Null when no key is configured (TOTP is then unavailable; passkeys need no key). */
export function createSecretBox(config: Pick<Config, "MFA_ENCRYPTION_KEY">): SecretBox | null {
  const keys = (config.MFA_ENCRYPTION_KEY ?? "").split(",").filter((k) => k.trim() !== "").map(parseKey);
  const [current] = keys;
  if (!current) return null;
  return {
    encrypt(plaintext, userId) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", current.bytes, iv).setAAD(Buffer.from(userId, "utf8"));
      const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [VERSION, current.id, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
    },
    decrypt(sealed, userId) {
      const [version, keyId, iv, tag, data] = sealed.split(".");
      const key = keys.find((k) => k.id === keyId);
      if (version !== VERSION || !key || iv === undefined || tag === undefined || data === undefined) return null;
      try {
        const decipher = createDecipheriv("aes-256-gcm", key.bytes, Buffer.from(iv, "base64url")).setAAD(Buffer.from(userId, "utf8"));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
      } catch {
        return null; // authentication failed: tampered, or sealed for another row
      }
    },
    isStale: (sealed) => sealed.split(".")[1] !== current.id,
  };
}
