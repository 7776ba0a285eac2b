// Users as an admin sees them: the users query (filters, forward paging) and the administration
// mutations (createUser, updateUser, setUserStatus), each audited once.
import { randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { test as base } from "../helpers/fixture.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";
import { ERR, audited, run } from "../helpers/admin-ops.js";
import type { Payload } from "../helpers/admin-ops.js";

/** Seven holders of a `pager` role, created in order; the fourth is "Zoë Findme", the sixth LOCKED. */
const test = base.extend("pagers", { scope: "file" }, async ({ t }) => {
  const role = await t.db.role.create({ data: { key: "pager", name: "Pager" } });
  const ids = Array.from({ length: 7 }, () => randomUUID());
  const base = Date.now();
  await t.db.user.createMany({
    data: ids.map((id, i) => ({ id, email: `pager${i}@test.local`, name: i === 3 ? "Zoë Findme" : `Pager ${i}`, status: i === 5 ? "LOCKED" : "ACTIVE", createdAt: new Date(base + i) })),
  });
  await t.db.userRole.createMany({ data: ids.map((userId) => ({ userId, roleId: role.id })) });
  return ids.map((_, i) => `pager${i}@test.local`);
});

async function ok<T>(t: TestInstance, admin: SignedIn, doc: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await t.gql<T>(doc, variables, { token: admin.token });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data as T;
}

interface Page {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: { email: string } }[];
}

describe("users", () => {
  test("filters by search (case-insensitive, email or name), status and role key", async ({ t, admin, pagers }) => {
    type R = { users: { edges: { node: { email: string } }[] } };
    const emails = async (filter: string): Promise<string[]> =>
      (await ok<R>(t, admin, `{ users(first: 10, filter: ${filter}) { edges { node { email } } } }`)).users.edges.map((e) => e.node.email);
    expect(await emails(`{ search: "zoË FIND" }`)).toEqual([pagers[3]]);
    expect(await emails(`{ search: "PAGER6@" }`)).toEqual([pagers[6]]);
    expect(await emails(`{ status: LOCKED }`)).toEqual([pagers[5]]);
    expect(await emails(`{ roleKey: "pager", status: ACTIVE }`)).toHaveLength(6);
  });

  test("pages forward with after, each user exactly once", async ({ t, admin, pagers }) => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const data: { users: Page } = await ok<{ users: Page }>(t, admin, `query($after: String) { users(first: 3, after: $after, filter: { roleKey: "pager" }) { pageInfo { hasNextPage endCursor } edges { node { email } } } }`, { after });
      seen.push(...data.users.edges.map((e) => e.node.email));
      if (!data.users.pageInfo.hasNextPage) break;
      after = data.users.pageInfo.endCursor;
    }
    expect(seen).toEqual(pagers);
  });
});

describe("user administration", () => {
  test("createUser grants the given roles (member when omitted), hashes the password and audits USER_CREATED", async ({ t, admin }) => {
    let created: Payload = { __typename: "" };
    const events = await audited(t, async () => {
      created = await run(t, `mutation { createUser(input: { email: "  New.Person@Test.local ", name: "New Person", password: "a-long-enough-password", roleKeys: ["member", "admin"] }) { __typename ... on User { id email roles { key } } ${ERR} } }`, admin.token);
    });
    expect(created).toMatchObject({ __typename: "User", email: "new.person@test.local", roles: [{ key: "admin" }, { key: "member" }] });
    expect(events).toEqual([{ type: "USER_CREATED", actorUserId: admin.userId, subjectUserId: expect.any(String), metadata: { roleKeys: ["admin", "member"], withPassword: true } }]);
    // The password works.
    const signedIn = await t.signInAs({ email: "new.person@test.local", password: "a-long-enough-password" });
    expect(signedIn.userGid).toBe(created.id);

    const plain = await run(t, `mutation { createUser(input: { email: "plain@test.local", name: "Plain" }) { __typename ... on User { roles { key } } ${ERR} } }`, admin.token);
    expect(plain).toMatchObject({ __typename: "User", roles: [{ key: "member" }] });
    const none = await run(t, `mutation { createUser(input: { email: "none@test.local", name: "None", roleKeys: [] }) { __typename ... on User { roles { key } } ${ERR} } }`, admin.token);
    expect(none).toMatchObject({ __typename: "User", roles: [] });
  });

  test("updateUser changes only what differs, audits USER_UPDATED with the changed fields, and reports a taken email", async ({ t, admin }) => {
    const user = await t.signInAs({ roles: ["member"] });
    const events = await audited(t, () => run(t, `mutation { updateUser(id: "${user.userGid}", input: { name: "Changed" }) { __typename } }`, admin.token));
    expect(events).toEqual([{ type: "USER_UPDATED", actorUserId: admin.userId, subjectUserId: user.userId, metadata: { changed: ["name"] } }]);
    const unchanged = await audited(t, () => run(t, `mutation { updateUser(id: "${user.userGid}", input: { name: "Changed" }) { __typename } }`, admin.token));
    expect(unchanged).toEqual([]);
    const taken = await run(t, `mutation { updateUser(id: "${user.userGid}", input: { email: "admin@test.local" }) { __typename ${ERR} } }`, admin.token);
    expect(taken.code).toBe("CONFLICT");
  });

  test("setUserStatus audits USER_STATUS_CHANGED; LOCKED blocks sign-in; ACTIVE clears it", async ({ t, admin }) => {
    const user = await t.signInAs({ roles: ["member"] });
    const events = await audited(t, () => run(t, `mutation { setUserStatus(id: "${user.userGid}", status: LOCKED) { __typename } }`, admin.token));
    expect(events).toEqual([{ type: "USER_STATUS_CHANGED", actorUserId: admin.userId, subjectUserId: user.userId, metadata: { from: "ACTIVE", to: "LOCKED", revokedSessions: 1 } }]);
    await expect(t.signInAs({ email: user.email, password: user.password })).rejects.toThrow(/INVALID_CREDENTIALS/);
    await run(t, `mutation { setUserStatus(id: "${user.userGid}", status: ACTIVE) { __typename } }`, admin.token);
    await expect(t.signInAs({ email: user.email, password: user.password })).resolves.toMatchObject({ userId: user.userId });
  });
});
