// Expired and revoked sessions are deleted once their retention has passed: by the admin mutation,
// by `npm run sessions:cleanup`, and by the in-process interval job.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect } from "vitest";
import { startJobs } from "../../src/jobs.js";
import { SYSTEM_ACTOR } from "../../src/modules/audit/recorder.js";
import { cleanupExpiredSessions } from "../../src/modules/sessions/cleanup.js";
import { instanceTest, test } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";
import { urlFor } from "../helpers/pg.js";
import { DAY, Q, auditTypes, lastAuditId, mutate } from "../helpers/session-ops.js";

const RETENTION = 7 * DAY; // the default SESSION_RETENTION_SECONDS

type Kind = "expiredLongAgo" | "absoluteLongAgo" | "revokedLongAgo" | "active" | "expiredRecently" | "revokedRecently";

/** Rows in every state, timed relative to `now`; returns ids by kind. */
async function seedSessions(t: TestInstance, now: number, perKind: Partial<Record<Kind, number>>): Promise<Record<Kind, string[]>> {
  const user = await t.db.user.findFirstOrThrow({ select: { id: true } });
  const at = (ms: number) => new Date(now + ms);
  const shapes: Record<Kind, { expiresAt: Date; absoluteExpiresAt: Date; revokedAt: Date | null }> = {
    expiredLongAgo: { expiresAt: at(-RETENTION - DAY), absoluteExpiresAt: at(DAY), revokedAt: null },
    absoluteLongAgo: { expiresAt: at(-RETENTION - DAY), absoluteExpiresAt: at(-RETENTION - DAY), revokedAt: null },
    revokedLongAgo: { expiresAt: at(DAY), absoluteExpiresAt: at(2 * DAY), revokedAt: at(-RETENTION - DAY) },
    active: { expiresAt: at(DAY), absoluteExpiresAt: at(2 * DAY), revokedAt: null },
    expiredRecently: { expiresAt: at(-DAY), absoluteExpiresAt: at(DAY), revokedAt: null },
    revokedRecently: { expiresAt: at(DAY), absoluteExpiresAt: at(2 * DAY), revokedAt: at(-DAY) },
  };
  const out = { expiredLongAgo: [], absoluteLongAgo: [], revokedLongAgo: [], active: [], expiredRecently: [], revokedRecently: [] } as Record<Kind, string[]>;
  for (const [kind, n] of Object.entries(perKind) as [Kind, number][]) {
    for (let i = 0; i < n; i++) {
      const row = await t.db.session.create({
        data: { userId: user.id, tokenHash: randomBytes(32).toString("hex"), createdAt: at(-20 * DAY), lastSeenAt: at(-10 * DAY), ...shapes[kind] },
        select: { id: true },
      });
      out[kind].push(row.id);
    }
  }
  return out;
}

function deleteBatches(t: TestInstance): number {
  return t.statements.log.filter((sql) => /DELETE FROM sessions/i.test(sql)).length;
}

const batchesOfThree = instanceTest({ env: { SESSION_CLEANUP_BATCH_SIZE: "3" } });
const background = instanceTest({ env: { SESSION_CLEANUP_BATCH_SIZE: "500", SESSION_CLEANUP_PAUSE_MS: "20", SESSION_CLEANUP_WAIT_MS: "0", DATABASE_POOL_MAX: "3", DATABASE_POOL_WAIT_MS: "200" } });
const everySecond = instanceTest({ env: { SESSION_CLEANUP_INTERVAL_SECONDS: "1", AUDIT_PURGE_INTERVAL_SECONDS: "0" } });

describe("cleanupExpiredSessions mutation", () => {
  batchesOfThree("admin only: anonymous -> UnauthenticatedError, member -> ForbiddenError, nothing deleted", async ({ t, member }) => {
    await seedSessions(t, t.clock.now().getTime(), { expiredLongAgo: 1 });
    const count = await t.db.session.count();
    expect((await mutate(t, Q.cleanup)).__typename).toBe("UnauthenticatedError");
    expect((await mutate(t, Q.cleanup, {}, member.token)).__typename).toBe("ForbiddenError");
    expect(await t.db.session.count()).toBe(count);
  });

  batchesOfThree("deletes only sessions that ended more than the retention ago, in bounded batches, each committed with its SESSIONS_CLEANED", async ({ t, admin }) => {
    // Clear whatever earlier tests left, so the counts below are exact.
    await mutate(t, Q.cleanup, {}, admin.token);
    const ids = await seedSessions(t, t.clock.now().getTime(), { expiredLongAgo: 4, absoluteLongAgo: 2, revokedLongAgo: 4, active: 2, expiredRecently: 2, revokedRecently: 2 });
    const since = await lastAuditId(t);
    t.statements.reset();
    const r = await mutate(t, Q.cleanup, {}, admin.token);
    expect(r).toEqual({ __typename: "CleanupExpiredSessionsSuccess", deletedCount: 10 });
    // 10 rows at 3 per batch: 3 + 3 + 3 + 1.
    expect(deleteBatches(t)).toBe(4);
    const left = new Set((await t.db.session.findMany({ select: { id: true } })).map((s) => s.id));
    for (const id of [...ids.expiredLongAgo, ...ids.absoluteLongAgo, ...ids.revokedLongAgo]) expect(left.has(id)).toBe(false);
    for (const id of [...ids.active, ...ids.expiredRecently, ...ids.revokedRecently]) expect(left.has(id)).toBe(true);
    expect(left.has(admin.sessionId)).toBe(true);
    expect(await auditTypes(t, since)).toEqual(["SESSIONS_CLEANED", "SESSIONS_CLEANED", "SESSIONS_CLEANED", "SESSIONS_CLEANED"]);
    const events = await t.db.auditEvent.findMany({ where: { type: "SESSIONS_CLEANED", id: { gt: since } }, orderBy: { id: "asc" } });
    const metadata = events.map((e) => e.metadata as { deleted: number; batch: number; jobId: string });
    expect(metadata.map((m) => [m.batch, m.deleted])).toEqual([[1, 3], [2, 3], [3, 3], [4, 1]]);
    expect(new Set(metadata.map((m) => m.jobId)).size).toBe(1);
    for (const e of events) expect(e.actorUserId).toBe(admin.userId);
  });

  batchesOfThree("an exact multiple of the batch size needs one extra (empty) batch and reports 0 next time", async ({ t, admin }) => {
    await mutate(t, Q.cleanup, {}, admin.token);
    await seedSessions(t, t.clock.now().getTime(), { revokedLongAgo: 6 });
    t.statements.reset();
    expect((await mutate(t, Q.cleanup, {}, admin.token)).deletedCount).toBe(6);
    expect(deleteBatches(t)).toBe(3);
    expect((await mutate(t, Q.cleanup, {}, admin.token)).deletedCount).toBe(0);
  });

  batchesOfThree("follows the app clock: sessions become deletable once their retention has passed", async ({ t, admin }) => {
    await mutate(t, Q.cleanup, {}, admin.token);
    const ids = await seedSessions(t, t.clock.now().getTime(), { expiredRecently: 2 });
    expect((await mutate(t, Q.cleanup, {}, admin.token)).deletedCount).toBe(0);
    t.clock.advance(RETENTION);
    const admin2 = await t.signInAs("admin"); // the earlier admin session is itself expired by now
    expect((await mutate(t, Q.cleanup, {}, admin2.token)).deletedCount).toBeGreaterThanOrEqual(2);
    expect(await t.db.session.count({ where: { id: { in: ids.expiredRecently } } })).toBe(0);
  });
});

describe("npm run sessions:cleanup", () => {
  test("deletes expired sessions of the database in DATABASE_URL, in batches, and exits 0", async ({ t }) => {
    // The CLI runs on the system clock.
    const ids = await seedSessions(t, Date.now(), { expiredLongAgo: 3, revokedLongAgo: 2, active: 2, revokedRecently: 1 });
    const since = await lastAuditId(t);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: urlFor(t.databaseName), LOG_LEVEL: "silent", SESSION_CLEANUP_BATCH_SIZE: "2", NODE_ENV: "test" };
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn("npm", ["run", "--silent", "sessions:cleanup"], { cwd: new URL("../..", import.meta.url).pathname, env });
      let out = "";
      let err = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.on("error", reject);
      child.on("close", (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("Deleted 5 expired or revoked session(s).");
    const left = await t.db.session.findMany({ where: { id: { in: Object.values(ids).flat() } }, select: { id: true } });
    expect(left.map((s) => s.id).sort()).toEqual([...ids.active, ...ids.revokedRecently].sort());
    expect(await auditTypes(t, since)).toEqual(["SESSIONS_CLEANED", "SESSIONS_CLEANED", "SESSIONS_CLEANED"]);
    const event = await t.db.auditEvent.findFirstOrThrow({ where: { type: "SESSIONS_CLEANED" }, orderBy: { id: "desc" } });
    expect(event.actorUserId).toBeNull();
  }, 60_000);
});

describe("interval job (SESSION_CLEANUP_INTERVAL_SECONDS)", () => {
  everySecond("deletes expired sessions on its own, and stops with the app", async ({ t }) => {
    const ids = await seedSessions(t, t.clock.now().getTime(), { expiredLongAgo: 2, active: 1 });
    startJobs(t.app);
    await expect.poll(() => t.db.session.count({ where: { id: { in: ids.expiredLongAgo } } }), { timeout: 15_000, interval: 100 }).toBe(0);
    expect(await t.db.session.count({ where: { id: { in: ids.active } } })).toBe(1);
    expect(await t.db.auditEvent.count({ where: { type: "SESSIONS_CLEANED", actorUserId: null } })).toBeGreaterThan(0);
  }, 20_000);
});

/** `n` sessions that ended long ago, in one statement. */
async function seedExpired(t: TestInstance, n: number): Promise<void> {
  const user = await t.db.user.findFirstOrThrow({ select: { id: true } });
  const long = new Date(t.clock.now().getTime() - RETENTION - DAY);
  await t.db.session.createMany({
    data: Array.from({ length: n }, () => ({ userId: user.id, tokenHash: randomBytes(32).toString("hex"), expiresAt: long, absoluteExpiresAt: long })),
  });
}

const CLEANUP_JOB = `mutation { cleanupExpiredSessions { __typename ... on CleanupExpiredSessionsSuccess { deletedCount jobId complete } } }`;
const VIEWER = `{ viewer { session { id } } }`;

describe("cleanup as a background job of short batches", () => {
  background("the mutation answers at once with a job id; the job deletes everything in committed batches while requests are served", async ({ t, admin }) => {
    // Clear what earlier tests left: joining this instance's job (or starting one) and waiting to its end.
    expect((await cleanupExpiredSessions(t.app, SYSTEM_ACTOR)).complete).toBe(true);
    await seedExpired(t, 5000);
    const since = await lastAuditId(t);
    const res = await t.gql<{ cleanupExpiredSessions: { deletedCount: number; jobId: string; complete: boolean } }>(CLEANUP_JOB, {}, { token: admin.token });
    const job = res.data?.cleanupExpiredSessions;
    expect(job?.complete).toBe(false);
    expect(job?.jobId).toMatch(/^[0-9a-f-]{36}$/);
    // Requests while the job runs: every one answered.
    let served = 0;
    while ((await t.db.session.count({ where: { expiresAt: { lt: new Date(t.clock.now().getTime() - RETENTION) } } })) > 0) {
      const r = await t.gql<{ viewer: { session: { id: string } } | null }>(VIEWER, {}, { token: admin.token });
      expect(r.errors).toBeUndefined();
      expect(r.data?.viewer?.session.id).toBe(admin.sessionGid);
      served++;
    }
    expect(served).toBeGreaterThan(0);
    await expect.poll(async () => (await auditTypes(t, since)).length, { timeout: 10_000 }).toBe(10);
    const events = await t.db.auditEvent.findMany({ where: { type: "SESSIONS_CLEANED", id: { gt: since } }, orderBy: { id: "asc" } });
    const metadata = events.map((e) => e.metadata as { deleted: number; batch: number; jobId: string });
    expect(metadata.map((m) => m.deleted)).toEqual(Array(10).fill(500));
    expect(metadata.map((m) => m.jobId)).toEqual(Array(10).fill(job?.jobId));
  }, 60_000);

  background("a batch that cannot get a connection in time is retried, and the job still finishes", async ({ t, admin }) => {
    await seedExpired(t, 1500);
    // Every pooled connection held elsewhere: the next batch times out waiting for one.
    const held = await Promise.all([t.app.db.pool.connect(), t.app.db.pool.connect(), t.app.db.pool.connect()]);
    const res = await t.gql<{ cleanupExpiredSessions: { complete: boolean } }>(CLEANUP_JOB, {}, { token: admin.token });
    expect(res.errors?.[0]?.extensions?.code ?? null).toBe(null);
    await new Promise((r) => setTimeout(r, 600));
    for (const c of held) c.release();
    await expect.poll(() => t.db.session.count({ where: { expiresAt: { lt: new Date(t.clock.now().getTime() - RETENTION) } } }), { timeout: 20_000 }).toBe(0);
  }, 60_000);
});
