// Retention: events older than AUDIT_RETENTION_DAYS go in batches of AUDIT_PURGE_BATCH_SIZE, each its
// own transaction; RETENTION_PURGED records the count and the anchor, and the rest still verifies.
// IPs older than AUDIT_IP_PSEUDONYMISE_DAYS become `pseudo:<keyed digest>` with the chain intact.
import { createHmac } from "node:crypto";
import { describe, expect } from "vitest";
import { instanceTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";
import { integrity, linkAll, maxEventId } from "../helpers/audit.js";
import { record } from "../../src/modules/audit/append.js";
import { purgeAuditEvents } from "../../src/modules/audit/retention.js";

const DAY = 86_400_000;
const PURGE = `mutation { purgeAuditEvents { __typename ... on PurgeAuditEventsSuccess { purgedCount pseudonymisedCount } ... on Error { code } } }`;

interface PurgeResult {
  purgeAuditEvents: { __typename: string; purgedCount?: number; pseudonymisedCount?: number; code?: string };
}

async function addEvents(t: TestInstance, n: number, ip: string | null = null): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(await t.db.$transaction((tx) => record(tx, { type: "USER_UPDATED", metadata: { i } }, { ip, userAgent: "retention-test" }, t.app.audit.options, t.clock.now())));
  }
  await linkAll(t);
  return ids;
}

/** Delete batches: each goes through the maintenance function, the only way the trigger admits a delete. */
const deletes = (t: TestInstance) => t.statements.log.filter((s) => /audit_purge_prefix\(/.test(s)).length;

const KEY = "retention-test-ip-key-0123456789";
const thirtyDays = instanceTest({ env: { AUDIT_RETENTION_DAYS: "30", AUDIT_PURGE_BATCH_SIZE: "7" } });
const pseudonymising = instanceTest({ env: { AUDIT_IP_PSEUDONYMISE_DAYS: "7", AUDIT_PURGE_BATCH_SIZE: "3", AUDIT_IP_KEY: KEY, TRUST_PROXY: "true" } });

describe("audit retention purge", () => {
  thirtyDays("deletes events older than the window in batches of the configured size, and verification passes", async ({ t }) => {
    await t.signInAs("admin");
    await addEvents(t, 40);
    const old = await t.db.auditEvent.findMany({ orderBy: { id: "asc" }, select: { id: true, hash: true } });
    const lastOld = old[old.length - 1];
    if (!lastOld) throw new Error("no events");

    t.clock.advance(31 * DAY);
    const admin = await t.signInAs("admin"); // the old session has outlived its absolute lifetime
    const recent = await addEvents(t, 5);

    t.statements.reset();
    const res = await t.gql<PurgeResult>(PURGE, {}, { token: admin.token });
    expect(res.data?.purgeAuditEvents).toEqual({ __typename: "PurgeAuditEventsSuccess", purgedCount: old.length, pseudonymisedCount: 0 });
    expect(deletes(t)).toBe(Math.ceil(old.length / 7));

    expect(await t.db.auditEvent.count({ where: { id: { lte: lastOld.id } } })).toBe(0);
    expect(await t.db.auditEvent.count({ where: { id: { in: recent } } })).toBe(recent.length);
    const purged = await t.db.auditEvent.findFirstOrThrow({ where: { type: "RETENTION_PURGED" }, orderBy: { id: "desc" } });
    expect(purged.actorUserId).toBe(admin.userId);
    expect(purged.metadata).toMatchObject({ count: old.length, anchor: lastOld.hash, anchorEventId: lastOld.id.toString(), retentionDays: 30 });
    const first = await t.db.auditEvent.findFirstOrThrow({ orderBy: { id: "asc" } });
    expect(first.prevHash).toBe(lastOld.hash);

    const report = await integrity(t, admin.token);
    expect(report).toMatchObject({ ok: true, firstBrokenEventId: null, checkedCount: await t.db.auditEvent.count() });
    expect(report.message).toMatch(/retention/);

    // Nothing older left: no deletes, no event.
    const before = await maxEventId(t);
    expect((await t.gql<PurgeResult>(PURGE, {}, { token: admin.token })).data?.purgeAuditEvents.purgedCount).toBe(0);
    expect(await maxEventId(t)).toBe(before);
  });

  thirtyDays("purges again later, past the previous RETENTION_PURGED event, and the new anchor verifies", async ({ t }) => {
    const survivors = await t.db.auditEvent.count();
    t.clock.advance(31 * DAY);
    const admin = await t.signInAs("admin");
    const { purgedCount } = await purgeAuditEvents(t.app);
    expect(purgedCount).toBe(survivors);
    expect(await t.db.auditEvent.count({ where: { type: "RETENTION_PURGED" } })).toBe(1);
    expect(await integrity(t, admin.token)).toMatchObject({ ok: true, firstBrokenEventId: null });
  });

  thirtyDays("tolerates an interrupted purge in verification, and the next run finishes it", async ({ t }) => {
    await addEvents(t, 20);
    t.clock.advance(31 * DAY);
    const admin2 = await t.signInAs("admin");
    const rows = await t.db.auditEvent.findMany({ where: { createdAt: { lt: new Date(t.clock.now().getTime() - 30 * DAY) } }, orderBy: { id: "asc" }, select: { id: true, hash: true } });
    const last = rows[rows.length - 1];
    if (!last) throw new Error("no old rows");
    // What a purge that crashed after its first batch leaves behind: the announcement and a shorter prefix.
    await t.db.$transaction((tx) =>
      record(tx, { type: "RETENTION_PURGED", metadata: { count: rows.length, anchor: last.hash, anchorEventId: last.id.toString() } }, null, t.app.audit.options, t.clock.now()),
    );
    await t.db.$queryRaw`SELECT audit_purge_prefix(${last.id}, 5)`;
    const during = await integrity(t, admin2.token);
    expect(during).toMatchObject({ ok: true, firstBrokenEventId: null });
    expect(during.message).toMatch(/still removing/);

    const announced = await t.db.auditEvent.count({ where: { type: "RETENTION_PURGED" } });
    const { purgedCount } = await purgeAuditEvents(t.app);
    expect(purgedCount).toBe(rows.length - 5);
    // Finished the announced purge rather than announcing another.
    expect(await t.db.auditEvent.count({ where: { type: "RETENTION_PURGED" } })).toBe(announced);
    expect(await t.db.auditEvent.count({ where: { id: { lte: last.id } } })).toBe(0);
    expect(await integrity(t, admin2.token)).toMatchObject({ ok: true, firstBrokenEventId: null });
  });

  thirtyDays("is for system:admin only", async ({ t }) => {
    const member = await t.signInAs({ permissions: ["audit:read"] });
    const res = await t.gql<PurgeResult>(PURGE, {}, { token: member.token });
    expect(res.data?.purgeAuditEvents).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN" });
  });
});

describe("audit IP pseudonymisation", () => {
  pseudonymising("replaces raw IPs older than the threshold by their keyed digest, keeping the chain valid", async ({ t }) => {
    const old = [...(await addEvents(t, 4, "203.0.113.10")), ...(await addEvents(t, 3, "2001:db8::1")), ...(await addEvents(t, 2, null))];
    const rawBefore = await t.db.auditEvent.count({ where: { ip: { not: null }, NOT: { ip: { startsWith: "pseudo:" } } } });
    t.clock.advance(8 * DAY);
    const admin = await t.signInAs("admin");
    const recent = await addEvents(t, 2, "198.51.100.99");

    const { purgedCount, pseudonymisedCount } = await purgeAuditEvents(t.app);
    expect(purgedCount).toBe(0);
    expect(pseudonymisedCount).toBe(rawBefore);
    const digest = (ip: string) => `pseudo:${createHmac("sha256", KEY).update(ip).digest("hex")}`;
    const oldRows = await t.db.auditEvent.findMany({ where: { id: { in: old } }, orderBy: { id: "asc" }, select: { ip: true } });
    expect(oldRows.map((r) => r.ip)).toEqual([...Array(4).fill(digest("203.0.113.10")), ...Array(3).fill(digest("2001:db8::1")), null, null]);
    const recentRows = await t.db.auditEvent.findMany({ where: { id: { in: recent } }, select: { ip: true } });
    expect(recentRows.every((r) => r.ip === "198.51.100.99")).toBe(true);

    const marker = await t.db.auditEvent.findFirstOrThrow({ where: { type: "IP_PSEUDONYMISED" }, orderBy: { id: "desc" } });
    expect(marker.metadata).toMatchObject({ count: rawBefore });
    expect(await integrity(t, admin.token)).toMatchObject({ ok: true, firstBrokenEventId: null });

    // A second run has nothing to do and records nothing.
    const before = await maxEventId(t);
    expect((await purgeAuditEvents(t.app)).pseudonymisedCount).toBe(0);
    expect(await maxEventId(t)).toBe(before);
  });

  pseudonymising("pseudonymises later events on a later run, from where the last one stopped", async ({ t }) => {
    t.clock.advance(8 * DAY);
    const { pseudonymisedCount } = await purgeAuditEvents(t.app);
    // The two recent events of the previous test; sign-ins through yoga.fetch carry no IP.
    expect(pseudonymisedCount).toBe(2);
    expect(await t.db.auditEvent.count({ where: { ip: "198.51.100.99" } })).toBe(0);
    expect(await t.db.auditEvent.count({ where: { type: "IP_PSEUDONYMISED" } })).toBe(2);
    const fresh = await t.signInAs("admin");
    expect(await integrity(t, fresh.token)).toMatchObject({ ok: true, firstBrokenEventId: null });
  });
});
