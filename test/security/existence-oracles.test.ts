// Anything the caller may not read answers exactly as if it did not exist, and an audit event about
// you does not show where an actor you may not see came from.
import { randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { encodeId } from "../../src/graphql/global-id.js";
import { test } from "../helpers/fixture.js";
import type { SignedIn } from "../helpers/instance.js";
import { Q } from "../helpers/session-ops.js";

const missingUser = () => encodeId("User", randomUUID());
const missingSession = () => encodeId("Session", randomUUID());

describe("someone else's objects look like missing ones", () => {
  test("revokeSession: NotFoundError for another user's session and for a missing one", async ({ t, admin, member }) => {
    const other = await t.gql<{ revokeSession: { __typename: string; code?: string } }>(Q.revoke, { id: admin.sessionGid }, { token: member.token });
    const missing = await t.gql<{ revokeSession: { __typename: string; code?: string } }>(Q.revoke, { id: missingSession() }, { token: member.token });
    expect(other.data?.revokeSession).toMatchObject({ __typename: "NotFoundError", code: "NOT_FOUND" });
    expect(missing.data?.revokeSession).toMatchObject({ __typename: "NotFoundError", code: "NOT_FOUND" });
    expect(other).toEqual(missing);
  });

  for (const [name, query, existing, missing] of [
    ["user(id)", `query($id: ID!) { user(id: $id) { __typename } }`, (admin: SignedIn) => admin.userGid, missingUser],
    ["session(id)", `query($id: ID!) { session(id: $id) { __typename } }`, (admin: SignedIn) => admin.sessionGid, missingSession],
    ["node(id) of a user", `query($id: ID!) { node(id: $id) { __typename } }`, (admin: SignedIn) => admin.userGid, missingUser],
    ["node(id) of a session", `query($id: ID!) { node(id: $id) { __typename } }`, (admin: SignedIn) => admin.sessionGid, missingSession],
  ] as const) {
    test(`${name}: null and no error, for another user's object as for a missing one`, async ({ t, admin, member }) => {
      const other = await t.gql(query, { id: existing(admin) }, { token: member.token });
      const absent = await t.gql(query, { id: missing() }, { token: member.token });
      expect(other).toEqual(absent);
      expect(other.errors).toBeUndefined();
      expect(Object.values(other.data ?? {})).toEqual([null]);
    });
  }

  test("what the caller may read still resolves", async ({ t, admin, member }) => {
    const own = await t.gql<{ node: { __typename: string } | null }>(`query($id: ID!) { node(id: $id) { __typename } }`, { id: member.userGid }, { token: member.token });
    expect(own.data?.node).toEqual({ __typename: "User" });
    const asAdmin = await t.gql<{ user: { __typename: string } | null }>(`query($id: ID!) { user(id: $id) { __typename } }`, { id: member.userGid }, { token: admin.token });
    expect(asAdmin.data?.user).toEqual({ __typename: "User" });
  });
});

describe("audit events about you", () => {
  test("hide the IP and user agent of an actor you may not see", async ({ t, admin, member: u }) => {
    const grant = await t.gql(`mutation($u: ID!) { grantRole(userId: $u, roleKey: "admin") { __typename } }`, { u: u.userGid }, { token: admin.token, headers: { "user-agent": "admin-console/1.0" } });
    expect(grant.errors).toBeUndefined();
    await t.gql(`mutation($u: ID!) { revokeRole(userId: $u, roleKey: "admin") { __typename } }`, { u: u.userGid }, { token: admin.token });
    const res = await t.gql<{ viewer: { user: { auditEvents: { edges: { node: { type: string; actor: unknown; ip: string | null; userAgent: string | null } }[] } } } }>(
      `{ viewer { user { auditEvents(first: 20) { edges { node { type actor { id } ip userAgent } } } } } }`,
      {},
      { token: u.token },
    );
    const granted = res.data?.viewer.user.auditEvents.edges.map((e) => e.node).filter((n) => n.type === "ROLE_GRANTED") ?? [];
    expect(granted.length).toBeGreaterThan(0);
    for (const e of granted) expect(e).toEqual({ type: "ROLE_GRANTED", actor: null, ip: null, userAgent: null });
    const asAuditor = await t.gql<{ auditEvents: { edges: { node: { userAgent: string | null } }[] } }>(
      `{ auditEvents(first: 5, filter: { types: [ROLE_GRANTED] }) { edges { node { userAgent } } } }`,
      {},
      { token: admin.token },
    );
    expect(asAuditor.data?.auditEvents.edges[0]?.node.userAgent).toBe("admin-console/1.0");
  });
});
