// The users query: filters (search, status, role key) and forward paging.
import { randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { test as base } from "../helpers/fixture.js";
import type { SignedIn, TestInstance } from "../helpers/instance.js";

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
