// MFA_ENCRYPTION_KEY rotation (README "Second factors"): with `new,old` the first key seals and every
// listed key opens; a secret sealed with the old key is re-sealed with the new one by its next accepted
// code. Instances with other keys are siblings on the same database.
import { describe, expect } from "vitest";
import { createSecretBox } from "../../src/modules/mfa/secret-box.js";
import { test } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";
import { M, enableTotp, nextTotpCode, passwordStep, run } from "../helpers/mfa.js";
import { TEST_ENV } from "../helpers/pg.js";

describe("MFA_ENCRYPTION_KEY rotation", () => {
  const K1 = TEST_ENV.MFA_ENCRYPTION_KEY;
  const K2 = "8b1f0c3e5d7a9b2c4e6f8a0b1c3d5e7f9a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d";
  const keyId = (keys: string) => createSecretBox({ MFA_ENCRYPTION_KEY: keys })?.encrypt("x", "u").split(".")[1];

  test("a secret sealed with K1 verifies under `K2,K1`, is re-sealed with K2 on the accepted code, and then verifies under K2 alone", async ({ t, member }) => {
    const { secret } = await enableTotp(t, member);
    const sealedWithK1 = (await t.db.totpFactor.findUniqueOrThrow({ where: { userId: member.userId } })).secret;
    expect(sealedWithK1.split(".")[1]).toBe(keyId(K1));
    const rotated = await t.sibling({ MFA_ENCRYPTION_KEY: `${K2},${K1}` });
    const onlyK2 = await t.sibling({ MFA_ENCRYPTION_KEY: K2 });
    // Siblings have clocks of their own: start them where this one is, so steps keep moving forward.
    for (const s of [rotated, onlyK2]) s.clock.advance(t.clock.now().getTime() - s.clock.now().getTime());
    const signInOn = async (instance: TestInstance) => {
      const { challengeToken } = await passwordStep(instance, member);
      return run(instance, M.completeSignIn, { input: { challengeToken, totp: nextTotpCode(instance, secret) } });
    };

    // Before rotation, K2 alone cannot open it, and a refused code changes nothing.
    expect((await signInOn(onlyK2)).code).toBe("INVALID_SECOND_FACTOR");
    expect((await t.db.totpFactor.findUniqueOrThrow({ where: { userId: member.userId } })).secret).toBe(sealedWithK1);

    rotated.clock.advance(onlyK2.clock.now().getTime() - rotated.clock.now().getTime());
    expect((await signInOn(rotated)).__typename).toBe("SignInSuccess");
    const resealed = (await t.db.totpFactor.findUniqueOrThrow({ where: { userId: member.userId } })).secret;
    expect(resealed.split(".")[1]).toBe(keyId(K2));
    expect(createSecretBox({ MFA_ENCRYPTION_KEY: K2 })?.decrypt(resealed, member.userId)).toBe(secret);

    onlyK2.clock.advance(rotated.clock.now().getTime() - onlyK2.clock.now().getTime());
    expect((await signInOn(onlyK2)).__typename).toBe("SignInSuccess");
    // The instance still on K1 alone no longer opens it.
    t.clock.advance(onlyK2.clock.now().getTime() - t.clock.now().getTime());
    expect((await signInOn(t)).code).toBe("INVALID_SECOND_FACTOR");
  });
});
