// argon2id password hashing (OWASP parameters by default; tests may lower the cost through config).
import { hash, verify } from "@node-rs/argon2";
import type { Config } from "../../config.js";

// @node-rs/argon2's Algorithm is a const enum, which isolatedModules cannot inline: 2 = Argon2id.
const ARGON2ID = 2;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Burn the same time as a real verification (for unknown emails), always false. */
  verifyDummy(password: string): Promise<false>;
}

export function createPasswordHasher(config: Pick<Config, "ARGON2_MEMORY_KIB" | "ARGON2_TIME_COST" | "ARGON2_PARALLELISM">): PasswordHasher {
  const options = {
    algorithm: ARGON2ID,
    memoryCost: config.ARGON2_MEMORY_KIB,
    timeCost: config.ARGON2_TIME_COST,
    parallelism: config.ARGON2_PARALLELISM,
  };
  // Hashed lazily once, with the same parameters as real hashes, so a dummy verify costs the same.
  let dummy: Promise<string> | null = null;
  return {
    hash: (password) => hash(password, options),
    verify: async (stored, password) => {
      try {
        return await verify(stored, password);
      } catch {
        return false; // a malformed stored hash never authenticates
      }
    },
    verifyDummy: async (password) => {
      dummy ??= hash("authgraph-dummy-password", options);
      await verify(await dummy, password).catch(() => false);
      return false;
    },
  };
}
