import { afterAll, it } from "vitest";
import { spyOnCache, startCacheApp } from "./helpers/cache-app.js";
import type { CacheAppRig } from "./helpers/cache-app.js";
let rig: CacheAppRig;
afterAll(async () => { await rig?.close(); });
it("probe", async () => {
  rig = await startCacheApp();
  const { t } = rig;
  const admin = await t.signInAs("admin");
  const spy = spyOnCache(t.app.cache);
  const qs = [
    `{ viewer { session { id } user { id email } } }`,
    `{ viewer { session { id } user { id email } } }`,
    `{ viewer { session { id createdAt lastSeenAt expiresAt revokedAt ip userAgent current active } user { id email name status createdAt lastLoginAt } } }`,
    `{ viewer { session { id user { id email } } user { id email roles { key } permissions sessions { edges { node { id } } } } } }`,
  ];
  for (const q of qs) {
    t.statements.reset(); spy.reset();
    const r = await t.gql(q, {}, { token: admin.token });
    console.log(JSON.stringify(r).slice(0, 600), t.statements.log.map((s) => s.slice(0, 150)));
  }
});
