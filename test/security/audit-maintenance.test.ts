// The audit trail's two sanctioned changes run only through the maintenance functions: a database
// role that merely holds DELETE cannot purge by setting a session variable, and a deleted tail is
// caught against the chain head kept outside the table.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { loadConfig, ConfigError } from "../../src/config.js";
import { checkpointHead, headToken } from "../../src/modules/audit/head.js";
import { integrity } from "../helpers/audit.js";
import { test } from "../helpers/fixture.js";
import { asSuperuser } from "../helpers/instance.js";
import type { TestInstance } from "../helpers/instance.js";
import { urlFor } from "../helpers/pg.js";

/** A login role holding every privilege on audit_events, as an application role might (roles are cluster-wide). */
const withAppRole = test.extend("appRole", { scope: "file" }, async ({ t }, { onCleanup }) => {
  const role = `t_app_${randomBytes(4).toString("hex")}`;
  await asSuperuser(t, async (c) => {
    await c.query(`CREATE ROLE ${role} LOGIN`);
    await c.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON audit_events TO ${role}`);
  });
  onCleanup(() =>
    asSuperuser(t, async (c) => {
      await c.query(`REVOKE ALL ON audit_events FROM ${role}`);
      await c.query(`REVOKE ALL ON SCHEMA public FROM ${role}`);
      await c.query(`DROP ROLE IF EXISTS ${role}`);
    }),
  );
  return role;
});

async function asAppRole<T>(t: TestInstance, role: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(urlFor(t.databaseName));
  url.username = role;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe("a role with DELETE on audit_events", () => {
  withAppRole("cannot delete events, with or without the old purge switch, nor rewrite an IP", async ({ t, admin, appRole }) => {
    const newest = await t.db.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" }, select: { id: true } });
    await asAppRole(t, appRole, async (c) => {
      await expect(c.query("DELETE FROM audit_events WHERE id = $1", [newest.id.toString()])).rejects.toMatchObject({ code: "42501" });
      await c.query("BEGIN");
      await c.query("SET LOCAL authgraph.audit_purge = 'on'");
      await expect(c.query("DELETE FROM audit_events WHERE id = $1", [newest.id.toString()])).rejects.toMatchObject({ code: "42501" });
      await c.query("ROLLBACK");
      await c.query("BEGIN");
      await c.query("SET LOCAL authgraph.audit_pseudonymise = 'on'");
      await expect(c.query(`UPDATE audit_events SET ip = 'pseudo:${"0".repeat(64)}' WHERE id = $1`, [newest.id.toString()])).rejects.toMatchObject({ code: "42501" });
      await c.query("ROLLBACK");
      // The purge function deletes nothing no RETENTION_PURGED event announced.
      await expect(c.query("SELECT audit_purge_prefix($1, 10)", [newest.id.toString()])).rejects.toMatchObject({ code: "42501" });
    });
    expect(await t.db.auditEvent.count({ where: { id: newest.id } })).toBe(1);
    expect(await integrity(t, admin.token)).toMatchObject({ ok: true });
  });
});

describe("links are written once", () => {
  withAppRole("a role with UPDATE may link an unlinked event, never relink a linked one or change content while linking", async ({ t, appRole }) => {
    const linked = await t.db.auditEvent.findFirstOrThrow({ where: { hash: { not: null } }, orderBy: { id: "desc" }, select: { id: true } });
    const fake = "f".repeat(64);
    // An unlinked row the linker never reaches (below the linked head), so nothing races the probe.
    await asSuperuser(t, (c) => c.query(`INSERT INTO audit_events (id, type, created_at) VALUES (0, 'USER_UPDATED', now())`));
    try {
      await asAppRole(t, appRole, async (c) => {
        await expect(c.query("UPDATE audit_events SET hash = $2 WHERE id = $1", [linked.id.toString(), fake])).rejects.toMatchObject({ code: "42501" });
        await expect(c.query("UPDATE audit_events SET hash = $1, ip = '203.0.113.1' WHERE id = 0", [fake])).rejects.toMatchObject({ code: "42501" });
        // Linking itself is admitted: a wrong link is what verification reports, not what the trigger stops.
        expect((await c.query("UPDATE audit_events SET hash = $1 WHERE id = 0", [fake])).rowCount).toBe(1);
        await expect(c.query("UPDATE audit_events SET hash = NULL WHERE id = 0")).rejects.toMatchObject({ code: "42501" });
      });
    } finally {
      await asSuperuser(t, async (c) => {
        await c.query("SET session_replication_role = replica");
        await c.query("DELETE FROM audit_events WHERE id = 0");
      });
    }
  });
});

describe("a deleted tail", () => {
  test("is reported against the recorded chain head, and against a head token an auditor kept", async ({ t, admin }) => {
    await t.signInAs({}); // a few more events
    const head = await checkpointHead(t.app);
    if (!head) throw new Error("no head");
    const token = headToken(t.app.audit.headKey, head);
    expect(await integrity(t, admin.token)).toMatchObject({ ok: true });
    // What an owner-level attacker can do: drop the newest events with the trigger bypassed.
    await asSuperuser(t, async (c) => {
      await c.query("SET session_replication_role = replica");
      await c.query("DELETE FROM audit_events WHERE id >= $1", [head.id.toString()]);
    });
    const report = await integrity(t, admin.token);
    expect(report).toMatchObject({ ok: false });
    expect(report.message).toMatch(/is missing: events at the end of the trail were deleted/);
    const withToken = await t.gql<{ auditIntegrity: { ok: boolean } }>(`query($h: String) { auditIntegrity(head: $h) { ok } }`, { h: token }, { token: admin.token });
    expect(withToken.data?.auditIntegrity.ok).toBe(false);
    const forged = await t.gql(`query($h: String) { auditIntegrity(head: $h) { ok } }`, { h: token.replace(/.$/, (c) => (c === "0" ? "1" : "0")) }, { token: admin.token });
    expect(forged.errors?.[0]?.extensions?.code).toBe("VALIDATION_FAILED");
  });
});

describe("IP pseudonymisation", () => {
  it("requires AUDIT_IP_KEY: a public key would make every IPv4 pseudonym reversible", () => {
    expect(() => loadConfig({ AUDIT_IP_PSEUDONYMISE_DAYS: "30" })).toThrow(ConfigError);
    expect(() => loadConfig({ AUDIT_IP_PSEUDONYMISE_DAYS: "30" })).toThrow(/AUDIT_IP_KEY: required when AUDIT_IP_PSEUDONYMISE_DAYS is set/);
    expect(loadConfig({ AUDIT_IP_PSEUDONYMISE_DAYS: "30", AUDIT_IP_KEY: "k".repeat(16) }).AUDIT_IP_PSEUDONYMISE_DAYS).toBe(30);
  });
});
