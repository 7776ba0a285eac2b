// Permission matrix: every query and mutation, asked by an anonymous caller, a member (on someone
// else's data), a member on their own data ("self"), and an admin -> data, null, or a typed error
// code. Each cell runs with fresh principals and targets, so cells cannot affect each other.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { schema } from "../../src/graphql/index.js";
import { encodeId } from "../../src/graphql/global-id.js";
import { instanceTest } from "../helpers/fixture.js";
import type { GraphQLResponse, SignedIn, TestInstance } from "../helpers/instance.js";

type Who = "anonymous" | "member" | "self" | "admin";
const WHO: Who[] = ["anonymous", "member", "self", "admin"];
/**
 * "data": a non-null answer; "null": a nullable field answered null without error (what someone else's
 * object looks like: the same as a missing one); else an error code.
 */
type Outcome =
  | "data"
  | "null"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  // Domain answers that show the caller got past authorization (nothing to confirm, no such challenge).
  | "INVALID_SECOND_FACTOR"
  | "MFA_CHALLENGE_INVALID"
  | "VALIDATION_FAILED"
  | "STEP_UP_REQUIRED"
  | "INVALID_TOKEN";

interface Cell {
  who: Who;
  /** The caller; null when anonymous. */
  caller: SignedIn | null;
  /** The user the operation targets: the caller itself for "self", another member otherwise. */
  user(): Promise<SignedIn>;
  /** A fresh role (granted to nobody). */
  role(): Promise<{ gid: string; key: string }>;
  /** Global id of a passkey of `user()`. */
  passkey(): Promise<string>;
}

interface Row {
  field: string;
  kind: "query" | "mutation";
  /** The operation for one cell; `$`-variables are passed separately. */
  op(cell: Cell): Promise<{ doc: string; variables?: Record<string, unknown> }>;
  expect: [anonymous: Outcome, member: Outcome, self: Outcome, admin: Outcome];
  /** Distinguishes several rows on one field. */
  label?: string;
}

const U = "UNAUTHENTICATED";
const ISF = "INVALID_SECOND_FACTOR";
const MCI = "MFA_CHALLENGE_INVALID";
const VF = "VALIDATION_FAILED";
const SHAPED_REGISTRATION = `{ id: "AAAA", rawId: "AAAA", type: "public-key", response: { clientDataJSON: "AAAA", attestationObject: "AAAA" } }`;
const F = "FORBIDDEN";
const TYPED = "{ __typename ... on Error { code } }";
const NEW_PASSWORD = "another-long-password";
const unique = (): string => randomBytes(4).toString("hex");
// Account mail on (written as .eml files), so the mail requests answer as they would in production.
const test = instanceTest({ env: { MAIL_ENABLED: "true" } });
const BAD_TOKEN = `"00000000-0000-4000-8000-000000000000.${"A".repeat(43)}"`;

const m = (field: string, args: (c: Cell) => Promise<string>, expected: Row["expect"], label?: string): Row => ({
  field,
  kind: "mutation",
  label,
  expect: expected,
  op: async (c) => ({ doc: `mutation { ${field}${(await args(c)) ? `(${await args(c)})` : ""} ${TYPED} }` }),
});

const rows: Row[] = [
  // --- queries
  { field: "health", kind: "query", op: async () => ({ doc: "{ health { status } }" }), expect: ["data", "data", "data", "data"] },
  { field: "viewer", kind: "query", op: async () => ({ doc: "{ viewer { user { id email } session { id } } }" }), expect: ["null", "data", "data", "data"] },
  {
    field: "viewer",
    label: "own roles, permissions and sessions",
    kind: "query",
    op: async () => ({ doc: "{ viewer { user { roles { key permissions { key } } permissions sessions { edges { node { id active } } } } } }" }),
    expect: ["null", "data", "data", "data"],
  },
  {
    field: "node",
    label: "a user",
    kind: "query",
    op: async (c) => ({ doc: "query($id: ID!) { node(id: $id) { id ... on User { email } } }", variables: { id: (await c.user()).userGid } }),
    expect: [U, "null", "data", "data"],
  },
  {
    field: "node",
    label: "a role",
    kind: "query",
    op: async (c) => ({ doc: "query($id: ID!) { node(id: $id) { id ... on Role { key } } }", variables: { id: (await c.role()).gid } }),
    expect: [U, "null", "null", "data"],
  },
  {
    field: "user",
    kind: "query",
    op: async (c) => ({ doc: "query($id: ID!) { user(id: $id) { email status roles { key permissions { key } } permissions } }", variables: { id: (await c.user()).userGid } }),
    expect: [U, "null", "data", "data"],
  },
  {
    field: "user",
    label: "sessions",
    kind: "query",
    op: async (c) => ({ doc: "query($id: ID!) { user(id: $id) { sessions { edges { node { id ip } } } } }", variables: { id: (await c.user()).userGid } }),
    expect: [U, "null", "data", "data"],
  },
  { field: "users", kind: "query", op: async () => ({ doc: "{ users(first: 5) { edges { node { id } } } }" }), expect: [U, F, F, "data"] },
  {
    field: "users",
    label: "role holders",
    kind: "query",
    op: async () => ({ doc: `{ users(first: 5, filter: { roleKey: "admin" }) { edges { node { roles { users { edges { node { email } } } } } } } }` }),
    expect: [U, F, F, "data"],
  },
  {
    field: "session",
    kind: "query",
    op: async (c) => ({ doc: "query($id: ID!) { session(id: $id) { id active } }", variables: { id: (await c.user()).sessionGid } }),
    expect: [U, "null", "data", "data"],
  },
  { field: "roles", kind: "query", op: async () => ({ doc: "{ roles { key permissions { key } } }" }), expect: [U, F, F, "data"] },
  { field: "permissions", kind: "query", op: async () => ({ doc: "{ permissions { id key description } }" }), expect: [U, F, F, "data"] },
  {
    field: "explainAccess",
    kind: "query",
    op: async (c) => ({ doc: `query($u: ID!) { explainAccess(userId: $u, permission: "users:read") { allowed grantingRoles { key } } }`, variables: { u: (await c.user()).userGid } }),
    expect: [U, F, F, "data"],
  },
  { field: "auditEvents", kind: "query", op: async () => ({ doc: "{ auditEvents(first: 5) { edges { node { id type } } } }" }), expect: [U, F, F, "data"] },
  {
    field: "user",
    label: "audit events",
    kind: "query",
    op: async (c) => ({ doc: "query($id: ID!) { user(id: $id) { auditEvents(first: 5) { edges { node { id type } } } } }", variables: { id: (await c.user()).userGid } }),
    expect: [U, "null", "data", "data"],
  },
  { field: "auditIntegrity", kind: "query", op: async () => ({ doc: "{ auditIntegrity { ok checkedCount } }" }), expect: [U, F, F, "data"] },

  // --- session lifecycle (public or own)
  m("signUp", async () => `input: { email: "signup-${unique()}@test.local", password: "${NEW_PASSWORD}" }`, ["data", "data", "data", "data"]),
  m("signIn", async (c) => `input: { email: "${(await c.user()).email}", password: "${(await c.user()).password}" }`, ["data", "data", "data", "data"]),
  m("refreshSession", async () => "", [U, "data", "data", "data"]),
  m("signOut", async () => "", [U, "data", "data", "data"]),
  m("revokeSession", async (c) => `id: "${(await c.user()).sessionGid}"`, [U, "NOT_FOUND", "data", "data"]),
  m("revokeAllSessions", async (c) => `userId: "${(await c.user()).userGid}"`, [U, F, "data", "data"]),
  m("changePassword", async (c) => `input: { currentPassword: "${c.caller?.password ?? "x"}", newPassword: "${NEW_PASSWORD}" }`, [U, "data", "data", "data"]),
  m("cleanupExpiredSessions", async () => "", [U, F, F, "data"]),
  // Metadata is written by the session's owner only; an admin may read it, not write it.
  m("updateSessionMetadata", async (c) => `id: "${(await c.user()).sessionGid}", metadata: { device: "matrix" }`, [U, "NOT_FOUND", "data", F]),

  // --- account lifecycle: mail requests and tokens are public (the token is the credential)
  m("requestEmailVerification", async (c) => `email: "${(await c.user()).email}"`, ["data", "data", "data", "data"]),
  m("verifyEmail", async () => `token: ${BAD_TOKEN}`, ["INVALID_TOKEN", "INVALID_TOKEN", "INVALID_TOKEN", "INVALID_TOKEN"]),
  m("requestPasswordReset", async (c) => `email: "${(await c.user()).email}"`, ["data", "data", "data", "data"]),
  m("resetPassword", async () => `input: { token: ${BAD_TOKEN}, newPassword: "${NEW_PASSWORD}" }`, ["INVALID_TOKEN", "INVALID_TOKEN", "INVALID_TOKEN", "INVALID_TOKEN"]),
  m("requestEmailChange", async (c) => `input: { newEmail: "moved-${unique()}@test.local", currentPassword: "${c.caller?.password ?? "x"}" }`, [U, "data", "data", "data"]),
  m("confirmEmailChange", async () => `token: ${BAD_TOKEN}`, ["INVALID_TOKEN", "INVALID_TOKEN", "INVALID_TOKEN", "INVALID_TOKEN"]),
  m("deleteAccount", async (c) => `input: { currentPassword: "${c.caller?.password ?? "x"}" }`, [U, "data", "data", "data"]),
  m("deleteUser", async (c) => `id: "${(await c.user()).userGid}"`, [U, F, F, "data"]),
  m("purgeAuditEvents", async () => "", [U, F, F, "data"]),

  // --- user administration (users:write)
  m("createUser", async () => `input: { email: "created-${unique()}@test.local", name: "Created" }`, [U, F, F, "data"]),
  m("updateUser", async (c) => `id: "${(await c.user()).userGid}", input: { name: "Renamed" }`, [U, F, F, "data"]),
  m("setUserStatus", async (c) => `id: "${(await c.user()).userGid}", status: DISABLED`, [U, F, F, "data"]),

  // --- role administration (roles:write)
  m("createRole", async () => `input: { key: "role-${unique()}", name: "Role" }`, [U, F, F, "data"]),
  m("updateRole", async (c) => `id: "${(await c.role()).gid}", input: { description: "changed" }`, [U, F, F, "data"]),
  m("deleteRole", async (c) => `id: "${(await c.role()).gid}", force: true`, [U, F, F, "data"]),
  m("setRolePermissions", async (c) => `roleId: "${(await c.role()).gid}", permissionKeys: ["users:read"]`, [U, F, F, "data"]),
  // A member granting themselves admin is the escalation this must refuse.
  m("grantRole", async (c) => `userId: "${(await c.user()).userGid}", roleKey: "admin"`, [U, F, F, "data"]),
  m("revokeRole", async (c) => `userId: "${(await c.user()).userGid}", roleKey: "member"`, [U, F, F, "data"]),

  // --- second factors: the caller's own, public challenge steps, and the admin reset (users:write)
  {
    field: "user",
    label: "second factors",
    kind: "query",
    op: async (c) => ({ doc: "query($id: ID!) { user(id: $id) { secondFactors { totpEnabled recoveryCodesLeft passkeys { id name } } } }", variables: { id: (await c.user()).userGid } }),
    expect: [U, "null", "data", "data"],
  },
  m("completeSignIn", async () => `input: { challengeToken: "not-a-token", totp: "123456" }`, [MCI, MCI, MCI, MCI]),
  m("startPasskeySignIn", async () => "", ["data", "data", "data", "data"]),
  m("enrollTotp", async () => "", [U, "data", "data", "data"]),
  m("confirmTotp", async () => `code: "000000"`, [U, ISF, ISF, ISF]),
  m("disableTotp", async (c) => `input: { currentPassword: "${c.caller?.password ?? "x"}", code: "000000" }`, [U, "NOT_FOUND", "NOT_FOUND", "NOT_FOUND"]),
  m("regenerateRecoveryCodes", async () => "", [U, VF, VF, VF]),
  m("stepUp", async () => `input: { totp: "000000" }`, [U, ISF, ISF, ISF]),
  m("startPasskeyStepUp", async () => "", [U, VF, VF, VF]),
  m("startPasskeyRegistration", async () => "", [U, "data", "data", "data"]),
  m("registerPasskey", async () => `input: { challengeToken: "not-a-token", name: "key", response: ${SHAPED_REGISTRATION} }`, [U, MCI, MCI, MCI]),
  // Someone else's passkey is not found, even for an admin (resetUserMfa is the admin's way); the
  // owner has a second factor now (that passkey) and a session that never proved one: step up first.
  m("deletePasskey", async (c) => `id: "${await c.passkey()}"`, [U, "NOT_FOUND", "STEP_UP_REQUIRED", "NOT_FOUND"]),
  m("resetUserMfa", async (c) => `userId: "${(await c.user()).userGid}"`, [U, F, F, "data"]),
];

async function cellFor(t: TestInstance, who: Who): Promise<Cell> {
  const caller = who === "anonymous" ? null : await t.signInAs({ roles: [who === "admin" ? "admin" : "member"] });
  let user: Promise<SignedIn> | null = null;
  let role: Promise<{ gid: string; key: string }> | null = null;
  const userOf = () => (user ??= who === "self" && caller ? Promise.resolve(caller) : t.signInAs({ roles: ["member"] }));
  return {
    who,
    caller,
    user: userOf,
    passkey: async () => {
      const owner = await userOf();
      const row = await t.db.passkey.create({
        data: { userId: owner.userId, credentialId: unique() + unique(), publicKey: new Uint8Array([1]), name: "key", deviceType: "singleDevice", backedUp: false },
      });
      return encodeId("Passkey", row.id);
    },
    role: () =>
      (role ??= (async () => {
        const key = `matrix-${unique()}`;
        const row = await t.db.role.create({ data: { key, name: key } });
        return { gid: encodeId("Role", row.id), key };
      })()),
  };
}

function outcome(res: GraphQLResponse, field: string): string {
  const code = res.errors?.[0]?.extensions?.code;
  if (code) return code;
  const value = (res.data as Record<string, unknown> | null | undefined)?.[field];
  if (value === null || value === undefined) return "null";
  const typed = value as { __typename?: string; code?: string };
  if (typeof typed.code === "string" && typed.__typename?.endsWith("Error")) return typed.code;
  return "data";
}

describe("permission matrix", () => {
  for (const row of rows) {
    const title = `${row.kind} ${row.field}${row.label ? ` (${row.label})` : ""}`;
    test(`${title}: ${WHO.map((w, i) => `${w}=${row.expect[i]}`).join(" ")}`, async ({ t }) => {
      const got: string[] = [];
      for (const who of WHO) {
        const cell = await cellFor(t, who);
        const { doc, variables } = await row.op(cell);
        const res = await t.gql(doc, variables ?? {}, { token: cell.caller?.token ?? null });
        got.push(outcome(res, row.field));
        // Denied means no data at all, not a partial answer.
        if (got.at(-1) === U || got.at(-1) === F) expect(JSON.stringify(res.data ?? {})).not.toMatch(/@test\.local|"key":|"edges":\[\{/);
      }
      expect(got).toEqual(row.expect);
    });
  }

  // A new Query/Mutation field must get a matrix row: this fails until it does.
  const covered = new Set(rows.map((r) => `${r.kind}.${r.field}`));
  const all = [
    ...Object.keys(schema.getQueryType()?.getFields() ?? {}).map((f) => `query.${f}`),
    ...Object.keys(schema.getMutationType()?.getFields() ?? {}).map((f) => `mutation.${f}`),
  ];
  it("has a row for every query and mutation", () => {
    expect(all.filter((f) => !covered.has(f))).toEqual([]);
  });
});
