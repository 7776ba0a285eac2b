// Personal data in the audit trail: the hash covers keyed digests of the IP, the user agent and the
// personal metadata fields, so erasure can replace them by pseudonyms and the chain still verifies;
// the maintainer's function writes pseudonyms and nothing else; events hashed before user agents and
// metadata were digested still verify, and erasure replaces only what their hash allows.
import { randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { AUDIT_CHAIN_LOCK, eventHash, ipDigest, record, storedIpDigest } from "../../src/modules/audit/append.js";
import { pseudonymiseUserAuditData } from "../../src/modules/audit/pseudonymise-user.js";
import { instanceTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";
import { eventGid, integrity, linkAll } from "../helpers/audit.js";

const KEY = "personal-data-test-ip-key-0123456789";
const test = instanceTest({ env: { AUDIT_IP_KEY: KEY } });
const REQUEST = { ip: "192.0.2.44", userAgent: "PersonalAgent/3.1" };

async function addEvent(t: TestInstance, userId: string, email: string): Promise<bigint> {
  return t.db.$transaction((tx) =>
    record(tx, { type: "PASSWORD_RESET_REQUESTED", subjectUserId: userId, metadata: { email, kept: "not personal" } }, REQUEST, t.app.audit.options, t.clock.now()),
  );
}

/** An event linked the way events were hashed before (raw user agent and metadata in the hash). */
async function addLegacyEvent(t: TestInstance, userId: string, email: string): Promise<bigint> {
  await linkAll(t);
  const createdAt = new Date(Math.floor(t.clock.now().getTime()));
  const metadata = { email };
  return t.db.$transaction(async (tx) => {
    // As a writer does, so no linker pass runs between the id and the row.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(${AUDIT_CHAIN_LOCK})`;
    const head = await tx.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
    const [next] = await tx.$queryRaw<{ id: bigint }[]>`SELECT nextval(pg_get_serial_sequence('audit_events', 'id')) AS id`;
    const id = next?.id ?? 0n;
    const row = { id, type: "SIGN_IN_FAILED" as const, actorUserId: null, subjectUserId: userId, sessionId: null, ip: REQUEST.ip, userAgent: REQUEST.userAgent, metadata, createdAt };
    const prevHash = head?.hash ?? null;
    const hash = eventHash(prevHash, { ...row, ipDigest: ipDigest(REQUEST.ip, KEY) });
    await tx.auditEvent.create({ data: { ...row, prevHash, hash }, select: { id: true } });
    return id;
  });
}

const pseudo = (value: string) => `pseudo:${storedIpDigest(value, KEY)}`;

describe("audit personal data", () => {
  test("pseudonymising IP, user agent and email keeps every hash valid", async ({ t, admin }) => {
    const userId = randomUUID();
    const email = `personal-${Date.now()}@example.com`;
    const id = await addEvent(t, userId, email);
    const changed = await t.db.$transaction((tx) => pseudonymiseUserAuditData(tx, KEY, { id: userId, email }));
    expect(changed).toBe(1);
    const row = await t.db.auditEvent.findUniqueOrThrow({ where: { id } });
    expect([row.ip, row.userAgent, row.metadata]).toEqual([pseudo(REQUEST.ip), pseudo(REQUEST.userAgent), { email: pseudo(email), kept: "not personal" }]);
    expect(await integrity(t, admin.token)).toMatchObject({ ok: true });
  });

  test("the maintainer's function writes pseudonyms only, and changes nothing else", async ({ t }) => {
    const userId = randomUUID();
    const id = await addEvent(t, userId, `guard-${Date.now()}@example.com`);
    const call = (ip: string | null, ua: string | null, md: string | null) =>
      t.db.$queryRaw`SELECT audit_set_personal_pseudonyms(${[id.toString()]}::bigint[], ${[ip]}::text[], ${[ua]}::text[], ${[md]}::jsonb[])`;
    await expect(call(null, "plain text", null)).rejects.toThrow(/append-only/);
    await expect(call("10.0.0.1", null, null)).rejects.toThrow(/append-only/);
    await expect(call(null, null, JSON.stringify({ email: pseudo("x@example.com"), kept: "changed" }))).rejects.toThrow(/append-only/);
    await expect(call(null, null, JSON.stringify({ email: "someone-else@example.com", kept: "not personal" }))).rejects.toThrow(/append-only/);
    await expect(t.db.$executeRaw`UPDATE audit_events SET user_agent = ${pseudo("x")} WHERE id = ${id}`).rejects.toThrow(/append-only/);
    expect((await t.db.auditEvent.findUniqueOrThrow({ where: { id } })).userAgent).toBe(REQUEST.userAgent);
  });

  test("a wrong pseudonym is a well-formed value the verifier still catches", async ({ t, admin }) => {
    const id = await addEvent(t, randomUUID(), `wrong-${Date.now()}@example.com`);
    // Once linked, the hash covers the digest the pseudonym must carry.
    await linkAll(t);
    await t.db.$queryRaw`SELECT audit_set_personal_pseudonyms(${[id.toString()]}::bigint[], ${[null]}::text[], ${[pseudo("another agent")]}::text[], ${[null]}::jsonb[])`;
    expect(await integrity(t, admin.token)).toMatchObject({ ok: false, firstBrokenEventId: eventGid(id) });
  });
});

const legacy = instanceTest({ env: { AUDIT_IP_KEY: KEY } });

legacy("an event hashed before user agents and metadata were digested verifies, and erasure replaces only its IP", async ({ t, admin }) => {
  const userId = randomUUID();
  const email = `legacy-${Date.now()}@example.com`;
  const id = await addLegacyEvent(t, userId, email);
  expect(await integrity(t, admin.token)).toMatchObject({ ok: true });
  await t.db.$transaction((tx) => pseudonymiseUserAuditData(tx, KEY, { id: userId, email }));
  const row = await t.db.auditEvent.findUniqueOrThrow({ where: { id } });
  expect([row.ip, row.userAgent, row.metadata]).toEqual([pseudo(REQUEST.ip), REQUEST.userAgent, { email }]);
  expect(await integrity(t, admin.token)).toMatchObject({ ok: true });
});
