// Tamper evidence: the app's own connection cannot UPDATE/DELETE/TRUNCATE the audit table; an edit or
// a delete made with the trigger bypassed (as only a database superuser could) is detected and
// pinpointed by auditIntegrity.
import { describe, expect } from "vitest";
import { test } from "../helpers/fixture.js";
import { eventGid, integrity } from "../helpers/audit.js";
import { asSuperuser } from "../helpers/instance.js";
import { record } from "../../src/modules/audit/append.js";

const ids: bigint[] = [];

test.beforeAll(async ({ t, admin }) => {
  const opts = t.app.audit.options;
  // A second apart, so the time ranges below fall between events unambiguously.
  const base = Date.now() + 1000;
  for (let i = 0; i < 12; i++) {
    ids.push(
      await t.db.$transaction((tx) =>
        record(tx, { type: "USER_UPDATED", actorUserId: admin.userId, subjectUserId: admin.userId, metadata: { n: i } }, { ip: `192.0.2.${i}`, userAgent: "tamper-test" }, opts, new Date(base + i * 1000)),
      ),
    );
  }
});

describe("audit tamper evidence", () => {
  test("rejects UPDATE, DELETE and TRUNCATE through the app's connection", async ({ t, admin }) => {
    const victim = ids[3];
    await expect(t.db.$executeRaw`UPDATE audit_events SET metadata = '{"n": 999}' WHERE id = ${victim}`).rejects.toThrow(/append-only/);
    await expect(t.db.$executeRaw`UPDATE audit_events SET ip = NULL WHERE id = ${victim}`).rejects.toThrow(/append-only/);
    await expect(t.db.$executeRaw`DELETE FROM audit_events WHERE id = ${victim}`).rejects.toThrow(/append-only/);
    await expect(t.db.$executeRawUnsafe("TRUNCATE audit_events")).rejects.toThrow(/append-only/);
    await expect(t.db.auditEvent.update({ where: { id: victim }, data: { userAgent: "edited" } })).rejects.toThrow();
    await expect(t.db.auditEvent.deleteMany({})).rejects.toThrow();
    // The pseudonymisation switch admits the ip column only.
    await expect(
      t.db.$transaction(async (tx) => {
        await tx.$executeRaw`SET LOCAL authgraph.audit_pseudonymise = 'on'`;
        await tx.$executeRaw`UPDATE audit_events SET user_agent = 'edited' WHERE id = ${victim}`;
      }),
    ).rejects.toThrow(/append-only/);
    expect(await t.db.auditEvent.count({ where: { id: { in: ids } } })).toBe(ids.length);
    expect(await integrity(t, admin.token)).toMatchObject({ ok: true, firstBrokenEventId: null });
  });

  test("pinpoints an edit made with the trigger bypassed, and accepts the row once restored", async ({ t, admin }) => {
    const victim = ids[5] ?? 0n;
    const original = await t.db.auditEvent.findUniqueOrThrow({ where: { id: victim }, select: { metadata: true, ip: true } });
    await asSuperuser(t, async (c) => {
      await c.query("SET session_replication_role = replica");
      await c.query(`UPDATE audit_events SET metadata = '{"n": 12345}' WHERE id = $1`, [victim.toString()]);
    });
    const report = await integrity(t, admin.token);
    expect(report.ok).toBe(false);
    expect(report.firstBrokenEventId).toBe(eventGid(victim));
    expect(report.message).toMatch(/altered/);

    // Forging the IP as a "pseudonym" does not help either: the digest no longer matches.
    await asSuperuser(t, async (c) => {
      await c.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only");
      await c.query("UPDATE audit_events SET metadata = $1, ip = $2 WHERE id = $3", [JSON.stringify(original.metadata), `pseudo:${"0".repeat(64)}`, victim.toString()]);
      await c.query("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only");
    });
    expect((await integrity(t, admin.token)).firstBrokenEventId).toBe(eventGid(victim));

    await asSuperuser(t, async (c) => {
      await c.query("SET session_replication_role = replica");
      await c.query("UPDATE audit_events SET ip = $1 WHERE id = $2", [original.ip, victim.toString()]);
    });
    expect(await integrity(t, admin.token)).toMatchObject({ ok: true, firstBrokenEventId: null });
  });

  test("pinpoints a delete made with the trigger bypassed at the event after the gap", async ({ t, admin }) => {
    const victim = ids[8] ?? 0n;
    const next = ids[9] ?? 0n;
    await asSuperuser(t, async (c) => {
      await c.query("SET session_replication_role = replica");
      await c.query("DELETE FROM audit_events WHERE id = $1", [victim.toString()]);
    });
    const report = await integrity(t, admin.token);
    expect(report.ok).toBe(false);
    expect(report.firstBrokenEventId).toBe(eventGid(next));
    expect(report.message).toMatch(/deleted/);
    // Ranges that end before the gap, or start after it, are still fine on their own.
    const before = await t.db.auditEvent.findUniqueOrThrow({ where: { id: ids[7] ?? 0n }, select: { createdAt: true } });
    expect(await integrity(t, admin.token, { until: new Date(before.createdAt.getTime() + 1).toISOString() })).toMatchObject({ ok: true });
    const after = await t.db.auditEvent.findUniqueOrThrow({ where: { id: ids[10] ?? 0n }, select: { createdAt: true } });
    expect(await integrity(t, admin.token, { since: after.createdAt.toISOString() })).toMatchObject({ ok: true });
  });

  test("detects a deleted oldest event (no retention anchor accounts for it)", async ({ t, admin }) => {
    const first = await t.db.auditEvent.findFirstOrThrow({ orderBy: { id: "asc" }, select: { id: true } });
    const second = await t.db.auditEvent.findFirstOrThrow({ where: { id: { gt: first.id } }, orderBy: { id: "asc" }, select: { id: true } });
    await asSuperuser(t, async (c) => {
      await c.query("SET session_replication_role = replica");
      await c.query("DELETE FROM audit_events WHERE id = $1", [first.id.toString()]);
    });
    const report = await integrity(t, admin.token);
    expect(report).toMatchObject({ ok: false, firstBrokenEventId: eventGid(second.id) });
  });
});
