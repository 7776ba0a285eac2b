// Whole query results cached per session (RESPONSE_CACHE_TTL_MS): a repeated query is answered without
// SQL, and a revoked session, a lost permission or a changed user is never answered from the cache.
// The TTL is long here, so only validation and the epochs can make an entry go away.
import { describe, expect } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { permissionsChanged } from "../../src/modules/rbac/permission-cache.js";
import { instanceTest } from "../helpers/fixture.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";

const test = instanceTest({ env: { RESPONSE_CACHE_TTL_MS: "600000" } });

const OWN_ROLES = "{ viewer { user { id name roles { key } } } }";
const USERS = "{ users(first: 5) { edges { node { id email } } } }";

/** Asks twice and checks the second answer came from the cache (no SQL), so what follows tests an entry that exists. */
async function cached(t: TestInstance, who: SignedIn, query: string): Promise<unknown> {
  const first = await asked(t, who, query);
  expect(first.errors).toBeUndefined();
  const again = await asked(t, who, query);
  expect(again.sql).toBe(0);
  return again.data;
}

/** Every response entry's key and stored text. */
async function responseEntries(t: TestInstance): Promise<Map<string, string>> {
  const redis = t.app.cache.redis;
  if (!redis) throw new Error("the instance is not on Redis");
  const prefix = redis.options.keyPrefix ?? "";
  const entries = new Map<string, string>();
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}${keys.response("*")}`, "COUNT", 1000);
    cursor = next;
    for (const full of found) {
      const key = full.slice(prefix.length);
      entries.set(key, (await redis.get(key)) ?? "");
    }
  } while (cursor !== "0");
  return entries;
}

async function responseKeys(t: TestInstance): Promise<number> {
  return (await responseEntries(t)).size;
}

/** The response body as sent, and the statements it cost. */
async function askedRaw(t: TestInstance, who: SignedIn, query: string): Promise<{ status: number; type: string | null; body: string; sql: number }> {
  t.statements.reset();
  const res = await t.yoga.fetch("http://authgraph.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${who.token}` },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.text(), sql: t.statements.count };
}

async function asked(t: TestInstance, who: SignedIn, query: string): Promise<{ data: unknown; errors: unknown; sql: number }> {
  t.statements.reset();
  const res = await t.gql(query, {}, { token: who.token });
  return { data: res.data, errors: res.errors, sql: t.statements.count };
}

describe("response cache", () => {
  test("a repeated query is answered from the cache: same data, no SQL", async ({ t, member }) => {
    const first = await asked(t, member, OWN_ROLES);
    expect(first.errors).toBeUndefined();
    expect(first.sql).toBeGreaterThan(0);
    const again = await asked(t, member, OWN_ROLES);
    expect(again).toEqual({ data: first.data, errors: undefined, sql: 0 });
  });

  test("is scoped per session: another user asking the same document gets their own answer", async ({ t }) => {
    const a = await t.signInAs({});
    const b = await t.signInAs({});
    const fromA = await asked(t, a, OWN_ROLES);
    const fromB = await asked(t, b, OWN_ROLES);
    expect((fromA.data as { viewer: { user: { id: string } } }).viewer.user.id).toBe(a.userGid);
    expect((fromB.data as { viewer: { user: { id: string } } }).viewer.user.id).toBe(b.userGid);
    expect(fromB.sql).toBeGreaterThan(0);
  });

  test("a revoked session is never answered from it", async ({ t, admin, member }) => {
    expect(await cached(t, member, OWN_ROLES)).not.toEqual({ viewer: null });
    const revoked = await t.gql<{ revokeSession: { __typename: string } }>(
      "mutation($id: ID!) { revokeSession(id: $id) { __typename } }",
      { id: member.sessionGid },
      { token: admin.token },
    );
    expect(revoked.data?.revokeSession.__typename).toBe("Session");
    expect((await asked(t, member, OWN_ROLES)).data).toEqual({ viewer: null });
  });

  test("a signed-out session is never answered from it", async ({ t, member }) => {
    await cached(t, member, OWN_ROLES);
    expect((await t.gql("mutation { signOut { __typename } }", {}, { token: member.token })).errors).toBeUndefined();
    expect((await asked(t, member, OWN_ROLES)).data).toEqual({ viewer: null });
  });

  test("a lost permission is never answered from it: through revokeRole, and through any permission change", async ({ t, admin }) => {
    const reader = await t.signInAs({ permissions: ["users:read"] });
    const before = await cached(t, reader, USERS);
    expect((before as { users: { edges: unknown[] } }).users.edges.length).toBeGreaterThan(0);

    const roleKey = (await t.db.userRole.findFirstOrThrow({ where: { userId: reader.userId, role: { key: { startsWith: "test-" } } }, include: { role: true } })).role.key;
    const revoked = await t.gql<{ revokeRole: { __typename: string } }>(
      "mutation($u: ID!, $r: String!) { revokeRole(userId: $u, roleKey: $r) { __typename } }",
      { u: reader.userGid, r: roleKey },
      { token: admin.token },
    );
    expect(revoked.data?.revokeRole.__typename).not.toMatch(/Error$/);
    const after = await asked(t, reader, USERS);
    expect(after.data).toBeNull();
    expect(JSON.stringify(after.errors)).toContain("FORBIDDEN");

    // A change made without a mutation: the rows go, and the domain bumps the permission epoch.
    const other = await t.signInAs({ permissions: ["users:read"] });
    await cached(t, other, USERS);
    await t.db.userRole.deleteMany({ where: { userId: other.userId, role: { key: { startsWith: "test-" } } } });
    await permissionsChanged(t.app, async () => [other.userId]);
    expect((await asked(t, other, USERS)).data).toBeNull();
  });

  test("a changed user is never answered from it, whatever the mutation selected", async ({ t, admin, member }) => {
    const before = await cached(t, member, OWN_ROLES);
    expect((before as { viewer: { user: { name: string } } }).viewer.user.name).not.toBe("Renamed");
    // The mutation's selection names no User: invalidation must not depend on it.
    const updated = await t.gql<{ updateUser: { __typename: string } }>(
      'mutation($id: ID!) { updateUser(id: $id, input: { name: "Renamed" }) { __typename } }',
      { id: member.userGid },
      { token: admin.token },
    );
    expect(updated.data?.updateUser.__typename).toBe("User");
    const after = await asked(t, member, OWN_ROLES);
    expect((after.data as { viewer: { user: { name: string } } }).viewer.user.name).toBe("Renamed");
  });

  test("an entry stamped under an older responses epoch is a miss, on every instance", async ({ t, member }) => {
    const sibling = await t.sibling({ RESPONSE_CACHE_TTL_MS: "600000" });
    await asked(t, member, OWN_ROLES);
    expect((await asked(sibling, member, OWN_ROLES)).sql).toBe(0); // the entry is shared through Redis
    await t.app.cache.incr(keys.responsesEpoch());
    expect((await asked(sibling, member, OWN_ROLES)).sql).toBeGreaterThan(0);
  });

  test("health and the audit chain's verification are always live, also for a signed-in caller", async ({ t, admin }) => {
    const before = await responseKeys(t);
    for (const query of ["{ health { status } }", "{ health { status } viewer { user { id } } }", "{ auditIntegrity { checkedCount } }"]) {
      const res = await t.gql(query, {}, { token: admin.token });
      expect(res.errors, query).toBeUndefined();
    }
    expect(await responseKeys(t)).toBe(before);
  });

  test("anonymous requests are neither stored nor answered from it", async ({ t, member }) => {
    await cached(t, member, OWN_ROLES);
    const before = await responseKeys(t);
    expect(before).toBeGreaterThan(0);
    expect((await t.gql(OWN_ROLES)).data).toEqual({ viewer: null });
    expect((await t.gql("{ health { status } }")).errors).toBeUndefined();
    expect(await responseKeys(t)).toBe(before);
  });

  test("a hit answers, byte for byte, the text the miss answered and stored", async ({ t, member }) => {
    const miss = await askedRaw(t, member, OWN_ROLES);
    expect(miss.sql).toBeGreaterThan(0);
    expect(JSON.parse(miss.body)).toMatchObject({ data: { viewer: { user: { id: member.userGid } } } });
    const hit = await askedRaw(t, member, OWN_ROLES);
    expect(hit).toEqual({ ...miss, sql: 0 });
    const answered = [...(await responseEntries(t)).values()].filter((text) => text.slice(text.indexOf("\n") + 1) === miss.body);
    expect(answered).toHaveLength(1);
  });

  test("an entry that is not a stamped result is a miss, answered and stored afresh", async ({ t, member }) => {
    const expected = await cached(t, member, OWN_ROLES);
    const redis = t.app.cache.redis;
    if (!redis) throw new Error("the instance is not on Redis");
    const text = JSON.stringify({ data: expected });
    const ours = [...(await responseEntries(t))].filter(([, stored]) => stored.endsWith(`\n${text}`));
    expect(ours).toHaveLength(1);
    const [key] = ours[0] ?? [];
    if (!key) throw new Error("no entry was stored");
    for (const foreign of ["not json", '{"e":[null,null],"r":{"data":{}}}', '[null,null]\nnot a result', '{"e":1}\n{"data":{}}', '[null]\n{"data":{}}']) {
      await redis.set(key, foreign);
      const again = await asked(t, member, OWN_ROLES);
      expect(again.sql, foreign).toBeGreaterThan(0);
      expect(again.data, foreign).toEqual(expected);
    }
    expect((await asked(t, member, OWN_ROLES)).sql).toBe(0);
  });

  test("a hit is answered in every shape a query can be asked in: a batch, graphql-response+json, an event stream", async ({ t, member }) => {
    const send = async (body: unknown, accept: string): Promise<{ body: string; sql: number }> => {
      t.statements.reset();
      const res = await t.yoga.fetch("http://authgraph.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", accept, authorization: `Bearer ${member.token}` },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      return { body: await res.text(), sql: t.statements.count };
    };
    const batch = [{ query: OWN_ROLES }, { query: "{ viewer { user { email } } }" }];
    const first = await send(batch, "application/json");
    expect(first.sql).toBeGreaterThan(0);
    const again = await send(batch, "application/json");
    expect(again).toEqual({ body: first.body, sql: 0 });
    const [roles, email] = JSON.parse(again.body) as { data: { viewer: { user: Record<string, unknown> } } }[];
    expect(roles?.data.viewer.user.id).toBe(member.userGid);
    expect(email?.data.viewer.user.email).toBe(member.email);

    const graphqlResponse = await send({ query: OWN_ROLES }, "application/graphql-response+json");
    expect(graphqlResponse.sql).toBe(0);
    expect(JSON.parse(graphqlResponse.body)).toEqual(roles);

    const stream = await send({ query: OWN_ROLES }, "text/event-stream");
    expect(stream.sql).toBe(0);
    const data = /^data: (.*)$/m.exec(stream.body)?.[1];
    expect(JSON.parse(data ?? "null")).toEqual(roles);
  });
});
