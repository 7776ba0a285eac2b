import { afterAll, beforeAll, it } from "vitest";
import { createTestInstance } from "./helpers/instance.js";
import type { TestInstance } from "./helpers/instance.js";
let t: TestInstance;
beforeAll(async () => { t = await createTestInstance(); });
afterAll(async () => { await t?.close(); });
it("probe", async () => {
  const admin = await t.signInAs("admin");
  const member = await t.signInAs({ roles: ["member"] });
  const qs: [string, Record<string, unknown>, string][] = [
    ["{ users(first: 101) { edges { node { id } } } }", {}, admin.token],
    ["{ users(first: -1) { edges { node { id } } } }", {}, admin.token],
    ["{ users(after: \"junk\") { edges { node { id } } } }", {}, admin.token],
    ["{ users(first: 2) { edges { node { sessions(first: 101) { edges { node { id } } } } } } }", {}, admin.token],
    ["{ users(first: 2) { edges { node { sessions(after: \"R1BDOlM6eHh4\") { edges { node { id } } } } } } }", {}, admin.token],
    ["{ roles { key users(first: 101) { edges { node { id } } } } }", {}, admin.token],
    ["{ roles { key users(after: \"zzz\") { edges { node { id } } } } }", {}, admin.token],
    ["{ roles { key users(first: 1) { pageInfo { hasNextPage endCursor } edges { node { email } } } } }", {}, admin.token],
    ["{ user(id: \"garbage\") { id } }", {}, admin.token],
    ["{ node(id: \"garbage\") { id } }", {}, admin.token],
    ["{ viewer { user { roles { key permissions { key } } permissions } } }", {}, member.token],
    ["{ roles { key } }", {}, member.token],
    ["{ permissions { key } }", {}, member.token],
    ["{ permissions { id key } }", {}, admin.token],
    [`mutation { grantRole(userId: "${member.userGid}", roleKey: "admin") { __typename ... on Error { code message } } }`, {}, member.token],
    [`mutation { grantRole(userId: "garbage", roleKey: "admin") { __typename ... on Error { code message } } }`, {}, admin.token],
    [`mutation { grantRole(userId: "${member.userGid}", roleKey: "nope") { __typename ... on Error { code message } } }`, {}, admin.token],
    [`mutation { revokeRole(userId: "${admin.userGid}", roleKey: "admin") { __typename ... on Error { code message } } }`, {}, admin.token],
    [`mutation { createUser(input: {email: "X@y.z", name: "x", roleKeys: ["member", "zzz", "yyy"]}) { __typename ... on Error { code message } } }`, {}, admin.token],
    [`mutation { createUser(input: {email: "X@y.z", name: "x", password: "longenough-pass"}) { __typename ... on User { email roles { key } permissions } ... on Error { code message } } }`, {}, admin.token],
  ];
  for (const [q, v, tok] of qs) {
    const r = await t.gql(q, v, { token: tok });
    console.log(q.slice(0, 90), "\n   =>", JSON.stringify(r).slice(0, 400));
  }
});
