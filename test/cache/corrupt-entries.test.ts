// Issue 6: junk planted in Redis under the app's real keys (session fragment, user fragment,
// permission set) is a miss: the response is correct, no error, and the junk is overwritten.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keys } from "../../src/cache/keys.js";
import { statsFor } from "../../src/cache/stats.js";
import { startCacheApp } from "../helpers/cache-app.js";
import type { CacheAppRig } from "../helpers/cache-app.js";
import type { SignedIn } from "../helpers/instance.js";

let rig: CacheAppRig;
let admin: SignedIn;
let other: SignedIn;
let subjectId: string;
let adminPerms: string[];

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

beforeAll(async () => {
  rig = await startCacheApp();
  const { t } = rig;
  admin = await t.signInAs("admin");
  other = await t.signInAs({ roles: ["member"] });
  const created = await t.gql<{ createUser: { id: string } }>(
    `mutation { createUser(input: { email: "subject@test.local", name: "Subject" }) { ... on User { id } } }`,
    {},
    { token: admin.token },
  );
  subjectId = Buffer.from(created.data?.createUser.id ?? "", "base64url").toString().split(":")[1] ?? "";
  const perms = await t.gql<{ viewer: { user: { permissions: string[] } } }>(VIEWER_PERMS, {}, { token: admin.token });
  adminPerms = perms.data?.viewer.user.permissions ?? [];
  expect(adminPerms).toContain("users:read");
});

afterAll(async () => {
  await rig?.close();
});

const full = (key: string): string => `${rig.prefix}${key}`;
const plant = (key: string, value: string): Promise<unknown> => rig.raw.set(full(key), value, "PX", TTL_MS);
const read = (key: string): Promise<string | null> => rig.raw.get(full(key));

describe("corrupt session fragment", () => {
  const key = (): string => keys.session(admin.sessionId);

  type Fragment = { epoch: string; session: Record<string, unknown>; user: Record<string, unknown> };
  // Built from the real fragment, so each differs from a valid one in one way only.
  const subtle: Record<string, (real: Fragment) => Promise<string>> = {
    "wrong shape": async (real) => JSON.stringify({ ...real, user: 1 }),
    "bad date": async (real) => JSON.stringify({ ...real, session: { ...real.session, expiresAt: "yesterday-ish" } }),
    "user of another id": async (real) => JSON.stringify({ ...real, user: { ...real.user, id: other.userId } }),
    // Well-formed, current epoch, but not this key's session: the secret check would refuse the caller.
    "another session's fragment": async () => (await read(keys.session(other.sessionId))) ?? "",
    // Well-formed but from before the epochs: stale rather than corrupt.
    "no epoch": async (real) => JSON.stringify({ session: real.session, user: real.user }),
  };

  it.each([...Object.keys(JUNK), ...Object.keys(subtle)])("%s: a miss, answered from Postgres, overwritten", async (name) => {
    const { t } = rig;
    await t.gql(VIEWER_PERMS, {}, { token: admin.token });
    await t.gql(VIEWER_PERMS, {}, { token: other.token });
    const real = JSON.parse((await read(key())) ?? "null") as Fragment;
    expect(real.session.id).toBe(admin.sessionId);
    const junk = JUNK[name] ?? (await (subtle[name] as (r: Fragment) => Promise<string>)(real));
    await plant(key(), junk);

    const corruptBefore = statsFor(t.app).get("session").corrupt;
    t.statements.reset();
    const res = await t.gql<{ viewer: { session: { id: string }; user: { id: string; permissions: string[] } } | null }>(VIEWER_PERMS, {}, { token: admin.token });
    expect(res.errors).toBeUndefined();
    expect(res.data?.viewer?.session.id).toBe(admin.sessionGid);
    expect(res.data?.viewer?.user.id).toBe(admin.userGid);
    expect(t.statements.count).toBe(2); // the session row and its user: a miss, not an error
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
  const key = (): string => keys.user(subjectId);

  it.each([
    ...Object.entries(JUNK),
    ["wrong shape", JSON.stringify({ id: "x", email: 1 })],
    ["bad status", JSON.stringify({ id: "x", email: "a@b.c", name: "n", status: "ROOT", failedLoginCount: 0, lockedUntil: null, lastLoginAt: null, createdAt: "2020-01-01T00:00:00.000Z", updatedAt: "2020-01-01T00:00:00.000Z" })],
    ["another user's fragment", ""],
  ])("%s: a miss, answered from Postgres, overwritten", async (name, value) => {
    const { t } = rig;
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
  const key = (): string => keys.perms(admin.userId);

  it.each([
    ...Object.entries(JUNK),
    ["keys not strings", JSON.stringify({ epoch: "0", keys: [1, 2] })],
    ["keys not a list", JSON.stringify({ epoch: "0", keys: "users:read" })],
    ["no epoch", JSON.stringify({ keys: ["users:read"] })],
    ["numeric epoch", JSON.stringify({ epoch: 0, keys: ["users:read"] })],
  ])("%s: a miss, answered from Postgres, overwritten", async (_name, junk) => {
    const { t } = rig;
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
