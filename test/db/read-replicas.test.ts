// PostgreSQL read replicas on a private primary + streaming replica (test/helpers/postgres-server.ts):
// stale-tolerant reads (admin lists, role lists, audit pages) go to the replica; session validation,
// transactions and a viewer's reads after their own write stay on the primary; a paused or dead
// replica is reported by health and its reads fall back to the primary; a revoked token is refused
// while the replica still has the session as live.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { keys } from "../../src/cache/keys.js";
import type { Replica } from "../../src/db/replicas.js";
import { VIEWER } from "../helpers/cache-app.js";
import { createTestInstance } from "../helpers/instance.js";
import type { GraphQLResponse, SignedIn, TestInstance } from "../helpers/instance.js";
import { query } from "../helpers/migrations.js";
import type { PostgresServer } from "../helpers/postgres-server.js";
import { startReplicatedPostgres } from "../helpers/replicated-postgres.js";
import { Q } from "../helpers/session-ops.js";

const HEALTH = "{ health { status replicas { name status lagSeconds message } } }";
const ROLES = "{ roles { key } }";
const USERS = "{ users(first: 5) { edges { node { id email status } } } }";
const AUDIT = "{ auditEvents(first: 5) { edges { node { id type } } } }";
type Health = GraphQLResponse<{ health: { status: string; replicas: { name: string; status: string; lagSeconds: number | null; message: string | null }[] } }>;
const WAIT = { timeout: 30_000, interval: 100 };

let primary: PostgresServer;
let replica: PostgresServer;
let t: TestInstance;
let other: TestInstance;
let admin: SignedIn;
let r: Replica;

beforeAll(async () => {
  const pg = await startReplicatedPostgres();
  primary = pg.primary;
  replica = pg.replica;
  const env = { DATABASE_URL: primary.url, DATABASE_REPLICA_URLS: replica.url, DATABASE_REPLICA_MAX_LAG_SECONDS: "1" };
  t = await createTestInstance({ databaseName: "postgres", env });
  other = await t.sibling();
  r = t.app.db.replicas?.replicas[0] as Replica;
  admin = await t.signInAs("admin");
}, 180_000);
afterAll(async () => {
  // The servers go even when closing the instance fails.
  try {
    await t?.close();
  } finally {
    await replica?.dispose();
    await primary?.dispose();
  }
});

/** Statements a request sent to the primary and to the replica. */
async function routed(doc: string, token: string | null, on = t): Promise<{ primary: number; replica: number; res: GraphQLResponse }> {
  on.statements.reset();
  const replicaStatements = on.app.db.replicas?.replicas[0]?.statements;
  replicaStatements?.reset();
  const res = await on.gql(doc, {}, { token });
  return { primary: on.statements.count, replica: replicaStatements?.count ?? 0, res };
}

describe("routing", () => {
  test("admin lists, role lists and audit pages read from the replica", async () => {
    await expect.poll(async () => ((await t.gql(HEALTH)) as Health).data?.health.replicas, WAIT).toEqual([{ name: "replica-1", status: "OK", lagSeconds: 0, message: null }]);
    await t.gql(VIEWER, {}, { token: admin.token }); // session and permissions cached
    // Another admin (no recent write of their own) reads.
    const reader = await other.signInAs({ roles: ["admin"] });
    // Its permissions (authorization: primary, then cached) are loaded by a first read.
    await other.gql(USERS, {}, { token: reader.token });
    for (const doc of [USERS, ROLES, AUDIT]) {
      const { primary: p, replica: n, res } = await routed(doc, reader.token, other);
      expect(res.errors, doc).toBeUndefined();
      expect(n, doc).toBeGreaterThan(0);
      expect(p, `${doc}\n${other.statements.log.join("\n")}`).toBe(0);
    }
  });

  test("session validation stays on the primary", async () => {
    const member = await t.signInAs({});
    await t.app.cache.del([keys.session(member.sessionId)]);
    const { primary: p, replica: n } = await routed(VIEWER, member.token);
    expect(p).toBeGreaterThan(0);
    expect(n).toBe(0);
  });

  test("after their own write, a viewer's reads stay on the primary, on every instance", async () => {
    const writer = await t.signInAs({ roles: ["admin"] });
    const created = await t.gql(`mutation { createRole(input: { key: "fresh-role", name: "Fresh" }) { __typename } }`, {}, { token: writer.token });
    expect(created.errors).toBeUndefined();
    for (const on of [t, other]) {
      const { primary: p, replica: n, res } = await routed(ROLES, writer.token, on);
      expect(n).toBe(0);
      expect(p).toBeGreaterThan(0);
      expect(JSON.stringify(res.data)).toContain("fresh-role");
    }
  });
});

describe("lag and failure", () => {
  test("replay paused: health reports the lag, revoked sessions stay refused, admin reads still answer (from the primary)", async () => {
    const member = await t.signInAs({});
    await expect.poll(async () => (await query<{ n: number }>(replica.url, "SELECT count(*)::int AS n FROM sessions WHERE id = $1", [member.sessionId]))[0]?.n, WAIT).toBe(1);
    await query(replica.url, "SELECT pg_wal_replay_pause()");
    try {
      const revoke = await t.gql<{ revokeSession: { __typename: string } }>(Q.revoke, { id: member.sessionGid }, { token: member.token });
      expect(revoke.data?.revokeSession.__typename).toBe("Session");
      // The replica still has the session as live...
      expect(await query(replica.url, "SELECT revoked_at FROM sessions WHERE id = $1", [member.sessionId])).toEqual([{ revoked_at: null }]);
      // ...yet neither instance accepts it, with or without the cache.
      for (const on of [t, other]) {
        expect(((await on.gql(VIEWER, {}, { token: member.token })) as GraphQLResponse<{ viewer: unknown }>).data?.viewer).toBeNull();
        await on.app.cache.del([keys.session(member.sessionId)]);
        expect(((await on.gql(VIEWER, {}, { token: member.token })) as GraphQLResponse<{ viewer: unknown }>).data?.viewer).toBeNull();
      }
      for (const on of [t, other]) await expect.poll(async () => ((await on.gql(HEALTH)) as Health).data?.health.replicas[0]?.status, WAIT).toBe("LAGGING");
      const health = ((await t.gql(HEALTH)) as Health).data?.health;
      expect(health?.status).toBe("DEGRADED");
      expect(health?.replicas[0]?.lagSeconds).toBeGreaterThan(1);
      const reader = await other.signInAs({ roles: ["admin"] });
      const { replica: n, res } = await routed(ROLES, reader.token, other);
      expect(res.errors).toBeUndefined();
      expect(n).toBe(0);
    } finally {
      await query(replica.url, "SELECT pg_wal_replay_resume()");
    }
    await expect.poll(async () => ((await t.gql(HEALTH)) as Health).data?.health.replicas[0], WAIT).toMatchObject({ status: "OK", lagSeconds: 0 });
  });

  test("replica killed: reads fall back to the primary without an error; back in use once it returns", async () => {
    const reader = await other.signInAs({ roles: ["admin"] });
    await other.gql(VIEWER, {}, { token: reader.token });
    await replica.stop("SIGKILL");
    // Before the next check notices, the failing read itself is retried on the primary.
    for (let i = 0; i < 3; i++) {
      const { res } = await routed(ROLES, reader.token, other);
      expect(res.errors).toBeUndefined();
      expect(JSON.stringify(res.data)).toContain("admin");
    }
    await expect.poll(async () => ((await t.gql(HEALTH)) as Health).data?.health.replicas[0]?.status, WAIT).toBe("DOWN");
    expect(r.health.status).toBe("DOWN");
    await replica.start();
    await expect.poll(async () => ((await t.gql(HEALTH)) as Health).data?.health.replicas[0]?.status, WAIT).toBe("OK");
    await expect.poll(async () => (await routed(ROLES, reader.token, other)).replica, WAIT).toBeGreaterThan(0);
  });
});
