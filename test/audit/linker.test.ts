// The audit chain's sequencer: writers store events unlinked without waiting for each other, and a
// linker chains committed events in id order. An event whose transaction is still open holds back
// every later one (no gap an open writer could fill is ever linked over); rolled-back ids are skipped;
// several instances linking at once still build one chain; auditIntegrity reports events left
// unlinked past the bound and events written into the chain's past.
import { describe, expect } from "vitest";
import { record } from "../../src/modules/audit/append.js";
import { linkCommitted } from "../../src/modules/audit/linker.js";
import { instanceTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";
import { eventGid, integrity, linkAll, maxEventId } from "../helpers/audit.js";
import { asSuperuser } from "../helpers/instance.js";

// No interval sweep: each test decides when passes run (a commit through app.audit.record still pokes one).
const test = instanceTest({ env: { AUDIT_LINK_INTERVAL_MS: "60000", AUDIT_LINK_MAX_DELAY_MS: "5000" } });

const write = (t: TestInstance, n: number) =>
  t.db.$transaction((tx) => record(tx, { type: "USER_UPDATED", metadata: { n } }, { ip: "192.0.2.9", userAgent: "linker-test" }, t.app.audit.options, t.clock.now()));

async function chainAfter(t: TestInstance, since: bigint) {
  return t.db.auditEvent.findMany({ where: { id: { gt: since } }, orderBy: { id: "asc" }, select: { id: true, prevHash: true, hash: true } });
}

/** Opens a transaction that has written one event and stays open until `release()`. */
async function openWriter(t: TestInstance): Promise<{ id: bigint; release(): Promise<void> }> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let id!: (value: bigint) => void;
  const written = new Promise<bigint>((resolve) => (id = resolve));
  const done = t.db.$transaction(
    async (tx) => {
      id(await record(tx, { type: "USER_UPDATED", metadata: { open: true } }, null, t.app.audit.options, t.clock.now()));
      await held;
    },
    { timeout: 20_000 },
  );
  return { id: await written, release: async () => (release(), await done) };
}

describe("audit linker", () => {
  test("an event committed through the app is linked right after its commit, without a sweep", async ({ t, admin }) => {
    const since = await maxEventId(t);
    await t.gql(`mutation { refreshSession { __typename } }`, {}, { token: admin.token });
    await expect.poll(async () => (await chainAfter(t, since)).map((r) => r.hash !== null), { timeout: 5000 }).toEqual([true]);
  });

  test("an open writer holds back the events after it; once it commits, all are linked in id order", async ({ t, admin }) => {
    await linkAll(t);
    const since = await maxEventId(t);
    const open = await openWriter(t);
    const later = [await write(t, 1), await write(t, 2)];
    expect(later.every((id) => id > open.id)).toBe(true);

    const pass = await linkCommitted(t.app.db, t.app.audit.options.ipKey);
    expect(pass).toMatchObject({ linked: 0, deferred: true });
    expect((await chainAfter(t, since)).every((r) => r.hash === null)).toBe(true);
    // Readers see the committed events at once; only their links wait.
    expect(await t.db.auditEvent.count({ where: { id: { in: later } } })).toBe(2);

    await open.release();
    await linkAll(t);
    const rows = await chainAfter(t, since);
    expect(rows.map((r) => r.id)).toEqual([open.id, ...later]);
    const head = await t.db.auditEvent.findUniqueOrThrow({ where: { id: since }, select: { hash: true } });
    let prev = head.hash;
    for (const r of rows) {
      expect(r.prevHash).toBe(prev);
      prev = r.hash;
    }
    expect(await integrity(t, admin.token)).toMatchObject({ ok: true, unlinkedCount: 0 });
  });

  test("a rolled-back writer's id is a gap the chain steps over", async ({ t, admin }) => {
    const since = await maxEventId(t);
    await expect(
      t.db.$transaction(async (tx) => {
        await record(tx, { type: "USER_UPDATED", metadata: { rolledBack: true } }, null, t.app.audit.options, t.clock.now());
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    const kept = await write(t, 3);
    await linkAll(t);
    const rows = await chainAfter(t, since);
    expect(rows.map((r) => r.id)).toEqual([kept]);
    expect(kept).toBeGreaterThan(since + 1n);
    expect(await integrity(t, admin.token)).toMatchObject({ ok: true });
  });

  test("a pass costs the same few statements for one event or two hundred", async ({ t }) => {
    const cost = async (events: number): Promise<number> => {
      await linkAll(t);
      await Promise.all(Array.from({ length: events }, (_, i) => write(t, i)));
      t.statements.reset();
      const pass = await linkCommitted(t.app.db, t.app.audit.options.ipKey);
      expect(pass.linked).toBe(events);
      // Background work: nothing of it counts against a request.
      expect(t.statements.count).toBe(0);
      return t.statements.background;
    };
    // Round trips: the barrier; BEGIN, the linker lock and the read as one script; the UPDATE; COMMIT.
    expect(await cost(1)).toBe(4);
    expect(await cost(200)).toBe(4);
  });

  test("two instances writing and linking at once build one chain", async ({ t, admin }) => {
    const other = await t.sibling({ AUDIT_LINK_INTERVAL_MS: "60000" });
    try {
      const since = await maxEventId(t);
      const bursts = [t, other].flatMap((instance) => Array.from({ length: 40 }, (_, i) => instance.db.$transaction((tx) => instance.app.audit.record(tx, { type: "USER_UPDATED", metadata: { i } }, null))));
      await Promise.all([...bursts, ...Array.from({ length: 5 }, () => other.app.audit.linker.linkNow())]);
      await Promise.all([linkAll(t), linkAll(other)]);
      const rows = await chainAfter(t, since);
      expect(rows).toHaveLength(80);
      expect(new Set(rows.map((r) => r.prevHash)).size).toBe(80);
      expect(await integrity(t, admin.token)).toMatchObject({ ok: true, unlinkedCount: 0 });
    } finally {
      await other.close();
    }
  });

  test("events left unlinked past AUDIT_LINK_MAX_DELAY_MS fail auditIntegrity; linked later, they pass", async ({ t, admin }) => {
    await linkAll(t);
    const open = await openWriter(t);
    const stuck = await write(t, 4);
    t.clock.advance(6000);
    // The linker cannot pass the open writer: the committed event after it stays unlinked.
    const report = await integrity(t, admin.token);
    expect(report).toMatchObject({ ok: false, firstBrokenEventId: eventGid(stuck), unlinkedCount: 1 });
    expect(report.message).toMatch(/not linked into the chain within 5000 ms/);
    await open.release();
    expect(await integrity(t, admin.token)).toMatchObject({ ok: true, unlinkedCount: 0 });
  });

  test("an unlinked event placed before linked ones (written into the chain's past) is reported", async ({ t, admin }) => {
    await write(t, 5);
    await linkAll(t);
    const last = await maxEventId(t);
    // Id 0 lies before every event the sequence hands out.
    await asSuperuser(t, (c) => c.query(`INSERT INTO audit_events (id, type, created_at) VALUES (0, 'USER_UPDATED', now())`));
    const report = await integrity(t, admin.token);
    expect(report.ok).toBe(false);
    expect(report.message).toMatch(/linked although event 0 before it is not: an event was written into the chain's past/);
    expect(last).toBeGreaterThan(0n);
  });
});
