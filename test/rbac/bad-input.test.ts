// Bad input to the RBAC API: every case answers with a typed error (a union member for mutations,
// `extensions.code` for queries) and leaves the database exactly as it was, audit trail included.
import { randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { encodeId } from "../../src/graphql/global-id.js";
import { test as base } from "../helpers/fixture.js";
import type { GraphQLResponse, SignedIn, TestInstance } from "../helpers/instance.js";

function selection(field: string): string {
  const inUse = field === "deleteRole" ? "... on RoleInUseError { holderCount }" : "";
  return `{ __typename ... on Error { code message } ... on ValidationError { fieldErrors { path message } } ${inUse} }`;
}

interface TypedError {
  __typename: string;
  code?: string;
  message?: string;
  fieldErrors?: { path: string; message: string }[];
  holderCount?: number;
}

/** What the cases refer to: the admin, a member (one for the file) and the global ids of the seeded roles. */
interface Targets {
  admin: SignedIn;
  member: SignedIn;
  adminRoleGid: string;
  memberRoleGid: string;
}

const test = base.extend("targets", { scope: "file" }, async ({ t, admin }): Promise<Targets> => {
  const member = await t.signInAs({ roles: ["member"] });
  const roles = await t.db.role.findMany({ where: { key: { in: ["admin", "member"] } } });
  const gid = (key: string): string => encodeId("Role", roles.find((r) => r.key === key)?.id ?? "");
  return { admin, member, adminRoleGid: gid("admin"), memberRoleGid: gid("member") };
});

/** Everything an RBAC mutation could touch, in a comparable form. */
async function snapshot(t: TestInstance): Promise<string> {
  const [users, roles, grants, links, sessions, audit] = await Promise.all([
    t.db.user.findMany({ select: { id: true, email: true, name: true, status: true, updatedAt: true }, orderBy: { id: "asc" } }),
    t.db.role.findMany({ select: { id: true, key: true, name: true, description: true }, orderBy: { id: "asc" } }),
    t.db.userRole.findMany({ select: { userId: true, roleId: true }, orderBy: [{ userId: "asc" }, { roleId: "asc" }] }),
    t.db.rolePermission.findMany({ orderBy: [{ roleId: "asc" }, { permissionId: "asc" }] }),
    t.db.session.findMany({ select: { id: true, revokedAt: true }, orderBy: { id: "asc" } }),
    t.db.auditEvent.count(),
  ]);
  return JSON.stringify({ users, roles, grants, links, sessions, audit });
}

async function mutation(t: TestInstance, admin: SignedIn, field: string, args: string): Promise<TypedError> {
  const res = await t.gql<Record<string, TypedError>>(`mutation { ${field}(${args}) ${selection(field)} }`, {}, { token: admin.token });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  const payload = res.data?.[field];
  if (!payload) throw new Error(`no ${field} in ${JSON.stringify(res)}`);
  return payload;
}

async function query(t: TestInstance, admin: SignedIn, q: string): Promise<GraphQLResponse> {
  return t.gql(q, {}, { token: admin.token });
}

const b64 = (s: string): string => Buffer.from(s).toString("base64url");

interface MutationCase {
  name: string;
  field: string;
  args: (c: Targets) => string;
  code: string;
  check?: (e: TypedError) => void;
}

const mutationCases: MutationCase[] = [
  {
    name: "createUser with unknown role keys names them",
    field: "createUser",
    args: () => `input: { email: "new@test.local", name: "New", roleKeys: ["member", "nope-1", "nope-2"] }`,
    code: "VALIDATION_FAILED",
    check: (e) => {
      expect(e.fieldErrors).toEqual([{ path: "input.roleKeys", message: expect.stringContaining("nope-1, nope-2") }]);
      expect(e.message).not.toContain("member,");
    },
  },
  { name: "createUser with a taken email", field: "createUser", args: () => `input: { email: "ADMIN@test.local", name: "Dup" }`, code: "CONFLICT" },
  {
    name: "createUser with an invalid email and short password",
    field: "createUser",
    args: () => `input: { email: "not-an-email", name: "X", password: "short" }`,
    code: "VALIDATION_FAILED",
    check: (e) => expect(e.fieldErrors?.map((f) => f.path).sort()).toEqual(["input.email", "input.password"]),
  },
  { name: "grantRole with an unknown role key", field: "grantRole", args: (c) => `userId: "${c.member.userGid}", roleKey: "no-such-role"`, code: "NOT_FOUND", check: (e) => expect(e.message).toContain("no-such-role") },
  { name: "grantRole twice (duplicate grant)", field: "grantRole", args: (c) => `userId: "${c.member.userGid}", roleKey: "member"`, code: "CONFLICT" },
  { name: "grantRole to an unknown user", field: "grantRole", args: () => `userId: "${encodeId("User", randomUUID())}", roleKey: "member"`, code: "NOT_FOUND" },
  { name: "revokeRole of a role the user does not hold", field: "revokeRole", args: (c) => `userId: "${c.member.userGid}", roleKey: "admin"`, code: "NOT_FOUND" },
  {
    name: "setRolePermissions with unknown permission keys names them",
    field: "setRolePermissions",
    args: (c) => `roleId: "${c.memberRoleGid}", permissionKeys: ["users:read", "users:fly", "moon:land"]`,
    code: "VALIDATION_FAILED",
    check: (e) => {
      expect(e.fieldErrors?.[0]?.path).toBe("permissionKeys");
      expect(e.message).toContain("users:fly, moon:land");
    },
  },
  { name: "the last admin revokes their own admin role", field: "revokeRole", args: (c) => `userId: "${c.admin.userGid}", roleKey: "admin"`, code: "LAST_ADMIN" },
  { name: "the last admin disables themselves", field: "setUserStatus", args: (c) => `id: "${c.admin.userGid}", status: DISABLED`, code: "LAST_ADMIN" },
  { name: "the last admin is locked", field: "setUserStatus", args: (c) => `id: "${c.admin.userGid}", status: LOCKED`, code: "LAST_ADMIN" },
  { name: "the admin role is deleted, even forced", field: "deleteRole", args: (c) => `id: "${c.adminRoleGid}", force: true`, code: "LAST_ADMIN" },
  { name: "the admin role loses a permission", field: "setRolePermissions", args: (c) => `roleId: "${c.adminRoleGid}", permissionKeys: ["users:read", "users:write"]`, code: "LAST_ADMIN" },
  { name: "deleteRole of a granted role without force", field: "deleteRole", args: (c) => `id: "${c.memberRoleGid}"`, code: "ROLE_IN_USE", check: (e) => expect(e.holderCount).toBeGreaterThanOrEqual(1) },
  { name: "createRole with a malformed key", field: "createRole", args: () => `input: { key: "Bad Key!", name: "Bad" }`, code: "VALIDATION_FAILED" },
  { name: "createRole with a taken key", field: "createRole", args: () => `input: { key: "member", name: "Again" }`, code: "CONFLICT" },
  { name: "updateRole of an unknown role", field: "updateRole", args: () => `id: "${encodeId("Role", randomUUID())}", input: { name: "X" }`, code: "NOT_FOUND" },
  { name: "updateUser with a malformed global id", field: "updateUser", args: () => `id: "!!not-an-id!!", input: { name: "X" }`, code: "INVALID_ID" },
  { name: "updateUser with a Role id where a User id belongs", field: "updateUser", args: (c) => `id: "${c.memberRoleGid}", input: { name: "X" }`, code: "INVALID_ID" },
  { name: "setUserStatus with a malformed id", field: "setUserStatus", args: () => `id: "${b64("User:42")}", status: DISABLED`, code: "INVALID_ID" },
  { name: "grantRole with a malformed user id", field: "grantRole", args: () => `userId: "garbage", roleKey: "member"`, code: "INVALID_ID" },
  { name: "deleteRole with a User id", field: "deleteRole", args: (c) => `id: "${c.member.userGid}", force: true`, code: "INVALID_ID" },
  { name: "setRolePermissions with a malformed role id", field: "setRolePermissions", args: () => `roleId: "x", permissionKeys: []`, code: "INVALID_ID" },
];

describe("bad mutation input: typed error, nothing changed", () => {
  test.for(mutationCases)("$name -> $code", async ({ field, args, code, check }, { t, admin, targets }) => {
    const before = await snapshot(t);
    const result = await mutation(t, admin, field, args(targets));
    expect(result.code, JSON.stringify(result)).toBe(code);
    check?.(result);
    expect(await snapshot(t)).toBe(before);
  });
});

interface QueryCase {
  name: string;
  q: (c: Targets) => string;
  code: string;
}

const queryCases: QueryCase[] = [
  { name: "users(first) above the max", q: () => `{ users(first: 101) { edges { node { id } } } }`, code: "PAGE_SIZE_EXCEEDED" },
  { name: "users(last) above the max", q: () => `{ users(last: 1000) { edges { node { id } } } }`, code: "PAGE_SIZE_EXCEEDED" },
  { name: "users(first) negative", q: () => `{ users(first: -1) { edges { node { id } } } }`, code: "PAGE_SIZE_EXCEEDED" },
  { name: "User.sessions(first) above the max", q: (c) => `{ user(id: "${c.member.userGid}") { sessions(first: 101) { edges { node { id } } } } }`, code: "PAGE_SIZE_EXCEEDED" },
  { name: "Role.users(first) above the max", q: () => `{ roles { users(first: 101) { edges { node { id } } } } }`, code: "PAGE_SIZE_EXCEEDED" },
  { name: "user(id) malformed", q: () => `{ user(id: "garbage") { id } }`, code: "INVALID_ID" },
  { name: "user(id) of another type", q: (c) => `{ user(id: "${c.memberRoleGid}") { id } }`, code: "INVALID_ID" },
  { name: "node(id) malformed", q: () => `{ node(id: "${b64("User:not-a-uuid")}") { id } }`, code: "INVALID_ID" },
  { name: "users(after) not base64 of a cursor", q: () => `{ users(after: "junk") { edges { node { id } } } }`, code: "INVALID_CURSOR" },
  { name: "users(after) a cursor holding no uuid", q: () => `{ users(after: "${b64("GPC:S:not-a-uuid")}") { edges { node { id } } } }`, code: "INVALID_CURSOR" },
  { name: "User.sessions(after) malformed", q: (c) => `{ user(id: "${c.member.userGid}") { sessions(after: "%%%") { edges { node { id } } } } }`, code: "INVALID_CURSOR" },
  { name: "Role.users(after) malformed", q: () => `{ roles { users(after: "${b64("U:nope")}") { edges { node { id } } } } }`, code: "INVALID_CURSOR" },
];

describe("bad query input: typed GraphQL error, no data, nothing changed", () => {
  test.for(queryCases)("$name -> $code", async ({ q, code }, { t, admin, targets }) => {
    const before = await snapshot(t);
    const res = await query(t, admin, q(targets));
    expect(res.errors?.map((e) => e.extensions?.code), JSON.stringify(res)).toEqual([code]);
    expect(JSON.stringify(res.data ?? null)).not.toContain("edges");
    expect(await snapshot(t)).toBe(before);
  });

  test("a page exactly at the max is fine", async ({ t, admin }) => {
    const res = await query(t, admin, `{ users(first: 100) { edges { node { id } } } roles { users(first: 100) { edges { node { id } } } } }`);
    expect(res.errors).toBeUndefined();
  });
});
