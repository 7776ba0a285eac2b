import { afterAll, it } from "vitest";
import { spyOnCache, startCacheApp } from "./helpers/cache-app.js";
import type { CacheAppRig } from "./helpers/cache-app.js";
let rig: CacheAppRig;
afterAll(async () => { await rig?.close(); });
it("probe", async () => {
  rig = await startCacheApp();
  const { t } = rig;
  const admin = await t.signInAs("admin");
  for (let i = 0; i < 3; i++) { const u = await t.db.user.create({ data: { email: `p${i}@test.local`, name: "p" } }); await t.gql(`mutation($id: ID!) { updateUser(id: $id, input: { name: "renamed" }) { __typename } }`, { id: Buffer.from(`User:${u.id}`).toString("base64url") }, { token: admin.token }); }
  const spy = spyOnCache(t.app.cache);
  const qs = [
    `{ auditEvents(first: 10) { edges { node { actor { id } subject { id } } } } }`,
    `{ auditEvents(first: 10) { edges { node { actor { id } subject { id } } } } }`,
  ];
  for (const q of qs) {
    t.statements.reset(); spy.reset();
    const r = await t.gql(q, {}, { token: admin.token });
    console.log(JSON.stringify(r).slice(0, 300), t.statements.log.map((s) => s.slice(-300)), spy.calls());
  }
});
