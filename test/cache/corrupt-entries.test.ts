// Junk planted in Redis under the app's real keys (session fragment, user fragment, permission set)
// is a miss: the response is correct, no error, and the junk is overwritten.
import type { Cluster, Redis } from "ioredis";
import { describe, expect } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { statsFor } from "../../src/cache/stats.js";
import { privateRedisTest } from "../helpers/fixture.js";
import type { SignedIn } from "../helpers/instance.js";

const VIEWER_PERMS = `{ viewer { session { id } user { id permissions } } }`;
const LAST_EVENT = `{ auditEvents(first: 1) { edges { node { type subject { id } } } } }`;
const TTL_MS = 60_000;

// Shared by all three kinds. Each is a miss for a different reason.
const JUNK: Record<string, string> = {
  "not JSON": "{not json",
  "JSON null": "null",
  "JSON array": "[]",
  "a number": "42",
  "binary": "\u0000\u00ff\u00fe garbage \u0001",
  "empty string": "",
  "empty object": "{}",
};

/** `other`: a second signed-in member; `subjectId`: a user created by the admin; `adminPerms`: the admin's permission keys. */
const test = privateRedisTest().extend("world", { scope: "file" }, async ({ t, admin }) => {
  const other = await t.signInAs({ roles: ["member"] });
  const created = await t.gql<{ createUser: { id: string } }>(
    `mutation { createUser(input: { email: "subject@test.local", name: "Subject" }) { ... on User { id } } }`,
    {},
    { token: admin.token },
  );
  const subjectId = Buffer.from(created.data?.createUser.id ?? "", "base64url").toString().split(":")[1] ?? "";
  const perms = await t.gql<{ viewer: { user: { permissions: string[] } } }>(VIEWER_PERMS, {}, { token: admin.token });
  const adminPerms = perms.data?.viewer.user.permissions ?? [];
  expect(adminPerms).toContain("users:read");
  return { other, subjectId, adminPerms };
});

/** Reads and plants raw values under the instance's keys. */
const store = (raw: Redis | Cluster, prefix: string) => ({
  plant: (key: string, value: string): Promise<unknown> => raw.set(`${prefix}${key}`, value, "PX", TTL_MS),
  read: (key: string): Promise<string | null> => raw.get(`${prefix}${key}`),
});

describe("corrupt session fragment", () => {
  type Fragment = { epoch: string; session: Record<string, unknown>; user: Record<string, unknown> };
  // Built from the real fragment, so each differs from a valid one in one way only.
  type Subtle = (real: Fragment, other: SignedIn, read: (key: string) => Promise<string | null>) => Promise<string>;
  const subtle: Record<string, Subtle> = {
    "wrong shape": async (real) => JSON.stringify({ ...real, user: 1 }),
    "bad date": async (real) => JSON.stringify({ ...real, session: { ...real.session, expiresAt: "yesterday-ish" } }),
    "user of another id": async (real, other) => JSON.stringify({ ...real, user: { ...real.user, id: other.userId } }),
    // Well-formed, current epoch, but not this key's session: the secret check would refuse the caller.
    "another session's fragment": async (_real, other, read) => (await read(keys.session(other.sessionId))) ?? "",
    // Well-formed but from before the epochs: stale rather than corrupt.
    "no epoch": async (real) => JSON.stringify({ session: real.session, user: real.user }),
  };

  test.for([...Object.keys(JUNK), ...Object.keys(subtle)])("%s: a miss, answered from Postgres, overwritten", async (name, { t, admin, raw, prefix, world: { other } }) => {
    const { plant, read } = store(raw, prefix);
    const key = (): string => keys.session(admin.sessionId);
    await t.gql(VIEWER_PERMS, {}, { token: admin.token });
    await t.gql(VIEWER_PERMS, {}, { token: other.token });
    const real = JSON.parse((await read(key())) ?? "null") as Fragment;
    expect(real.session.id).toBe(admin.sessionId);
    const junk = JUNK[name] ?? (await (subtle[name] as Subtle)(real, other, read));
    await plant(key(), junk);

    const corruptBefore = statsFor(t.app).get("session").corrupt;
    t.statements.reset();
    const res = await t.gql<{ viewer: { session: { id: string }; user: { id: string; permissions: string[] } } | null }>(VIEWER_PERMS, {}, { token: admin.token });
    expect(res.errors).toBeUndefined();
    expect(res.data?.viewer?.session.id).toBe(admin.sessionGid);
    expect(res.data?.viewer?.user.id).toBe(admin.userGid);
    expect(t.statements.count).toBe(1); // the session row joined with its user: a miss, not an error
    // "no epoch" is a well-formed fragment of this session from before the epochs: stale, not corrupt.
    if (name !== "no epoch") expect(statsFor(t.app).get("session").corrupt).toBe(corruptBefore + 1);

    const now = JSON.parse((await read(key())) ?? "null") as Fragment;
    expect(now).toEqual(real);
    // And the next request is a hit again.
    t.statements.reset();
    await t.gql(VIEWER_PERMS, {}, { token: admin.token });
    expect(t.statements.count).toBe(0);
  });
});

describe("corrupt user fragment", () => {
  test.for([
    ...Object.entries(JUNK),
    ["wrong shape", JSON.stringify({ id: "x", email: 1 })],
    ["bad status", JSON.stringify({ id: "x", email: "a@b.c", name: "n", status: "ROOT", failedLoginCount: 0, lockedUntil: null, lastLoginAt: null, createdAt: "2020-01-01T00:00:00.000Z", updatedAt: "2020-01-01T00:00:00.000Z" })],
    ["another user's fragment", ""],
  ] as [string, string][])("%s: a miss, answered from Postgres, overwritten", async ([name, value], { t, admin, raw, prefix, world: { other, subjectId } }) => {
    const { plant, read } = store(raw, prefix);
    const key = (): string => keys.user(subjectId);
    await t.gql(LAST_EVENT, {}, { token: admin.token });
    const real = JSON.parse((await read(key())) ?? "null") as Record<string, unknown>;
    expect(real.id).toBe(subjectId);
    const junk = name === "another user's fragment" ? JSON.stringify({ ...real, id: other.userId, email: other.email }) : value;
    await plant(key(), junk);

    const corruptBefore = statsFor(t.app).get("user").corrupt;
    t.statements.reset();
    const res = await t.gql<{ auditEvents: { edges: { node: { type: string; subject: { id: string } | null } }[] } }>(LAST_EVENT, {}, { token: admin.token });
    expect(res.errors).toBeUndefined();
    expect(res.data?.auditEvents.edges[0]?.node).toEqual({ type: "USER_CREATED", subject: { id: Buffer.from(`User:${subjectId}`).toString("base64url") } });
    expect(t.statements.log.filter((q) => /FROM "public"\."users"/.test(q))).toHaveLength(1);
    expect(statsFor(t.app).get("user").corrupt).toBe(corruptBefore + 1);
    expect(JSON.parse((await read(key())) ?? "null")).toEqual(real);
  });
});

describe("corrupt permission set", () => {
  test.for([
    ...Object.entries(JUNK),
    ["keys not strings", JSON.stringify({ epoch: "0", keys: [1, 2] })],
    ["keys not a list", JSON.stringify({ epoch: "0", keys: "users:read" })],
    ["no epoch", JSON.stringify({ keys: ["users:read"] })],
    ["numeric epoch", JSON.stringify({ epoch: 0, keys: ["users:read"] })],
  ] as [string, string][])("%s: a miss, answered from Postgres, overwritten", async ([, junk], { t, admin, raw, prefix, world: { adminPerms } }) => {
    const { plant, read } = store(raw, prefix);
    const key = (): string => keys.perms(admin.userId);
    await t.gql(VIEWER_PERMS, {}, { token: admin.token });
    const real = (await read(key())) ?? "";
    expect(JSON.parse(real)).toMatchObject({ keys: adminPerms });
    await plant(key(), junk);

    t.statements.reset();
    const res = await t.gql<{ viewer: { user: { permissions: string[] } } }>(VIEWER_PERMS, {}, { token: admin.token });
    expect(res.errors).toBeUndefined();
    expect(res.data?.viewer.user.permissions).toEqual(adminPerms);
    expect(t.statements.log.filter((q) => /FROM user_roles ur/.test(q))).toHaveLength(1);
    expect(await read(key())).toBe(real);
    // Authorization decided on the reloaded set, not the junk: the admin may still list users.
    const users = await t.gql<{ users: { edges: unknown[] } }>(`{ users(first: 1) { edges { node { id } } } }`, {}, { token: admin.token });
    expect(users.errors).toBeUndefined();
  });
});
