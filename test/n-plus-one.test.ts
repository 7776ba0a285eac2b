import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestInstance } from "./helpers/instance.js";
import type { TestInstance } from "./helpers/instance.js";

let t: TestInstance;
let token: string;
beforeAll(async () => {
  t = await createTestInstance();
  token = (await t.signInAs("admin")).token;
  const member = await t.db.role.findUniqueOrThrow({ where: { key: "member" } });
  const admin = await t.db.role.findUniqueOrThrow({ where: { key: "admin" } });
  const now = Date.now();
  for (let i = 0; i < 50; i++) {
    const u = await t.db.user.create({ data: { email: `np${i}@test.local`, name: `np ${i}` } });
    await t.db.userRole.createMany({ data: [{ userId: u.id, roleId: member.id }, ...(i % 3 === 0 ? [{ userId: u.id, roleId: admin.id }] : [])] });
    await t.db.session.createMany({ data: [0, 1].map((k) => ({ userId: u.id, tokenHash: `${u.id}-${k}`, expiresAt: new Date(now + 3600e3), absoluteExpiresAt: new Date(now + 7200e3) })) });
  }
});
afterAll(async () => { await t?.close(); });

const Q = `query($n: Int!) { users(first: $n) { edges { node { id sessions { edges { node { id } } } roles { key permissions { key } } permissions } } } }`;

describe("n+1", () => {
  it("measures", async () => {
    for (const n of [5, 50, 5, 50]) {
      t.statements.reset();
      const res = await t.gql(Q, { n }, { token });
      expect(res.errors).toBeUndefined();
      console.log(n, t.statements.count, t.statements.log.map((s) => s.slice(0, 160)));
    }
  });
});
