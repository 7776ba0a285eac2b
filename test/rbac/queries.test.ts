// The read side of RBAC: the users filter, paging users and Role.users both ways, node lookups.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeId } from "../../src/graphql/global-id.js";
import { createTestInstance } from "../helpers/instance.js";
import type { TestInstance } from "../helpers/instance.js";

let t: TestInstance;
let token: string;
let roleGid: string;
const holderIds: string[] = [];

beforeAll(async () => {
  t = await createTestInstance();
  token = (await t.signInAs("admin")).token;
  const role = await t.db.role.create({ data: { key: "pager", name: "Pager" } });
  roleGid = encodeId("Role", role.id);
  const base = Date.now();
  for (let i = 0; i < 7; i++) holderIds.push(randomUUID());
  await t.db.user.createMany({
    data: holderIds.map((id, i) => ({ id, email: `pager${i}@test.local`, name: i === 3 ? "Zoë Findme" : `Pager ${i}`, status: i === 5 ? "LOCKED" : "ACTIVE", createdAt: new Date(base + i) })),
  });
  await t.db.userRole.createMany({ data: holderIds.map((userId) => ({ userId, roleId: role.id })) });
});

afterAll(async () => {
  await t?.close();
});

interface Page {
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: { cursor: string; node: { id: string; email: string } }[];
}

async function ok<T>(doc: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await t.gql<T>(doc, variables, { token });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data as T;
}

const PAGE = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id email } }";

describe("users", () => {
  it("filters by search (case-insensitive, email or name), status and role key", async () => {
    type R = { users: { edges: { node: { email: string } }[] } };
    const search = await ok<R>(`{ users(first: 10, filter: { search: "zoË FIND" }) { edges { node { email } } } }`);
    expect(search.users.edges.map((e) => e.node.email)).toEqual(["pager3@test.local"]);
    const byEmail = await ok<R>(`{ users(first: 10, filter: { search: "PAGER6@" }) { edges { node { email } } } }`);
    expect(byEmail.users.edges.map((e) => e.node.email)).toEqual(["pager6@test.local"]);
    const locked = await ok<R>(`{ users(first: 10, filter: { status: LOCKED }) { edges { node { email } } } }`);
    expect(locked.users.edges.map((e) => e.node.email)).toEqual(["pager5@test.local"]);
    const holders = await ok<R>(`{ users(first: 10, filter: { roleKey: "pager", status: ACTIVE }) { edges { node { email } } } }`);
    expect(holders.users.edges).toHaveLength(6);
  });

  it("pages forward with after, each user exactly once", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const data: { users: Page } = await ok<{ users: Page }>(`query($after: String) { users(first: 3, after: $after, filter: { roleKey: "pager" }) { ${PAGE} } }`, { after });
      seen.push(...data.users.edges.map((e) => e.node.email));
      if (!data.users.pageInfo.hasNextPage) break;
      after = data.users.pageInfo.endCursor;
    }
    expect(seen).toEqual(holderIds.map((_, i) => `pager${i}@test.local`));
  });
});

describe("Role.users", () => {
  const q = (args: string) => `query($id: ID!) { node(id: $id) { ... on Role { users(${args}) { ${PAGE} } } } }`;
  type R = { node: { users: Page } };
  const sorted = () => [...holderIds].sort();

  it("pages forward by user id", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const data: R = await ok<R>(q(after ? `first: 3, after: "${after}"` : "first: 3"), { id: roleGid });
      pages++;
      seen.push(...data.node.users.edges.map((e) => e.node.id));
      expect(data.node.users.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!data.node.users.pageInfo.hasNextPage) break;
      after = data.node.users.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(sorted().map((id) => encodeId("User", id)));
  });

  it("pages backward with last/before", async () => {
    const last = await ok<R>(q("last: 2"), { id: roleGid });
    expect(last.node.users.edges.map((e) => e.node.id)).toEqual(sorted().slice(-2).map((id) => encodeId("User", id)));
    expect(last.node.users.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const before = await ok<R>(q(`last: 2, before: "${last.node.users.pageInfo.startCursor}"`), { id: roleGid });
    expect(before.node.users.edges.map((e) => e.node.id)).toEqual(sorted().slice(-4, -2).map((id) => encodeId("User", id)));
    expect(before.node.users.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it("windows each role separately when several roles are listed", async () => {
    const data = await ok<{ roles: { key: string; users: Page }[] }>(`{ roles { key users(first: 2) { ${PAGE} } } }`);
    const pager = data.roles.find((r) => r.key === "pager");
    const admin = data.roles.find((r) => r.key === "admin");
    expect(pager?.users.edges).toHaveLength(2);
    expect(pager?.users.pageInfo.hasNextPage).toBe(true);
    expect(admin?.users.edges.map((e) => e.node.email)).toEqual(["admin@test.local"]);
  });
});

describe("node", () => {
  it("resolves users, roles and permissions by global id", async () => {
    const perm = await t.db.permission.findUniqueOrThrow({ where: { key: "roles:write" } });
    const data = await ok<{ p: { key: string; description: string }; r: { key: string } }>(
      `query($p: ID!, $r: ID!) { p: node(id: $p) { ... on Permission { key description } } r: node(id: $r) { ... on Role { key } } }`,
      { p: encodeId("Permission", perm.id), r: roleGid },
    );
    expect(data).toEqual({ p: { key: "roles:write", description: perm.description }, r: { key: "pager" } });
    const missing = await ok<{ node: unknown }>(`query($id: ID!) { node(id: $id) { id } }`, { id: encodeId("Permission", randomUUID()) });
    expect(missing.node).toBeNull();
  });
});
