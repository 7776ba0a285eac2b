// Keyset pagination of the audit trail: 1,000 events paged by 50 (unfiltered and with every filter)
// come back exactly once, newest first; the statements per page do not grow with the page size; a
// malformed cursor or an oversized page is a typed error.
import { describe, expect } from "vitest";
import { test } from "../helpers/fixture.js";
import type { GraphQLResponse, SignedIn, TestInstance } from "../helpers/instance.js";
import { AUDIT_EVENTS, integrity } from "../helpers/audit.js";
import type { EventsPage } from "../helpers/audit.js";
import { record } from "../../src/modules/audit/append.js";
import type { AuditEventInput } from "../../src/modules/audit/append.js";
import { verifyAuditChain } from "../../src/modules/audit/verify.js";
import type { AuditEventType } from "../../src/generated/prisma/enums.js";
import { decodeId, encodeId } from "../../src/graphql/global-id.js";

const N = 1000;
const TYPES: AuditEventType[] = ["USER_UPDATED", "ROLE_GRANTED", "SIGN_IN_FAILED", "SESSION_REVOKED"];

const users: { id: string; gid: string }[] = [];
let sessionId = "";
/** The member's own sign-in: the one event of their session not inserted below. */
let signInEventId = 0n;
const inserted: { id: bigint; type: AuditEventType; actor: string; subject: string; sessionId: string | null; createdAt: Date }[] = [];
const base = Date.now() + 60_000;

test.beforeAll(async ({ t }) => {
  const member = await t.signInAs({});
  sessionId = member.sessionId;
  signInEventId = (await t.db.auditEvent.findFirstOrThrow({ where: { sessionId }, select: { id: true } })).id;
  for (let i = 0; i < 4; i++) {
    const u = await t.db.user.create({ data: { email: `paging-${i}@test.local`, name: `paging ${i}` }, select: { id: true } });
    users.push({ id: u.id, gid: encodeId("User", u.id) });
  }
  const opts = t.app.audit.options;
  await t.db.$transaction(
    async (tx) => {
      for (let i = 0; i < N; i++) {
        const event: AuditEventInput = {
          type: TYPES[i % 4] ?? "USER_UPDATED",
          actorUserId: users[Math.floor(i / 7) % 4]?.id ?? null,
          subjectUserId: users[i % 3]?.id ?? null,
          sessionId: i % 10 === 0 ? sessionId : null,
          metadata: { i },
        };
        const createdAt = new Date(base + i * 1000);
        const id = await record(tx, event, { ip: "198.51.100.1", userAgent: "paging" }, opts, createdAt);
        inserted.push({ id, type: event.type, actor: event.actorUserId ?? "", subject: event.subjectUserId ?? "", sessionId: event.sessionId ?? null, createdAt });
      }
    },
    { timeout: 120_000 },
  );
}, 180_000);

async function page(t: TestInstance, admin: SignedIn, vars: Record<string, unknown>) {
  const res = await t.gql<EventsPage>(AUDIT_EVENTS, vars, { token: admin.token });
  expect(res.errors).toBeUndefined();
  const conn = res.data?.auditEvents;
  if (!conn) throw new Error("no connection");
  return conn;
}

/** Every id the connection returns, following endCursor page by page. */
async function pageAll(t: TestInstance, admin: SignedIn, filter: Record<string, unknown> | null, size = 50, between?: () => Promise<void>): Promise<bigint[]> {
  const ids: bigint[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const conn = await page(t, admin, { first: size, after, filter });
    ids.push(...conn.edges.map((e) => BigInt(decodeId(e.node.id).id)));
    expect(conn.edges.length).toBeLessThanOrEqual(size);
    if (!conn.pageInfo.hasNextPage) return ids;
    after = conn.pageInfo.endCursor;
    await between?.();
  }
  throw new Error("did not finish");
}

const newestFirst = (rows: { id: bigint }[]) => rows.map((r) => r.id).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));

describe("audit event pagination", () => {
  test("pages the whole trail by 50 exactly once, newest first, even while events are appended", async ({ t, admin }) => {
    const all = await t.db.auditEvent.findMany({ select: { id: true } });
    expect(all.length).toBeGreaterThanOrEqual(N);
    let appended = 0;
    const ids = await pageAll(t, admin, null, 50, async () => {
      // New events are newer than every cursor, so they never shift or repeat a page.
      if (appended++ < 3) await t.db.$transaction((tx) => record(tx, { type: "USER_UPDATED", metadata: { during: appended } }, null, t.app.audit.options));
    });
    expect(ids).toEqual(newestFirst(all));
    expect(new Set(ids).size).toBe(ids.length);
  });

  const u = (i: number) => users[i]?.gid ?? "";
  const cases: [string, () => Record<string, unknown>, (e: (typeof inserted)[number]) => boolean][] = [
    ["types", () => ({ types: ["ROLE_GRANTED", "SIGN_IN_FAILED"] }), (e) => e.type === "ROLE_GRANTED" || e.type === "SIGN_IN_FAILED"],
    ["actorId", () => ({ actorId: u(1) }), (e) => e.actor === users[1]?.id],
    ["subjectId", () => ({ subjectId: u(2) }), (e) => e.subject === users[2]?.id],
    ["sessionId", () => ({ sessionId: encodeId("Session", sessionId) }), (e) => e.sessionId === sessionId || e.id === signInEventId],
    ["actorId + types", () => ({ actorId: u(0), types: ["USER_UPDATED"] }), (e) => e.actor === users[0]?.id && e.type === "USER_UPDATED"],
    ["subjectId + actorId", () => ({ subjectId: u(0), actorId: u(3) }), (e) => e.subject === users[0]?.id && e.actor === users[3]?.id],
    [
      "since + until",
      () => ({ since: new Date(base + 100_000).toISOString(), until: new Date(base + 600_000).toISOString() }),
      (e) => e.createdAt.getTime() >= base + 100_000 && e.createdAt.getTime() < base + 600_000,
    ],
    [
      "since + types + subjectId",
      () => ({ since: new Date(base + 500_000).toISOString(), types: ["USER_UPDATED", "SESSION_REVOKED"], subjectId: u(1) }),
      (e) => e.createdAt.getTime() >= base + 500_000 && (e.type === "USER_UPDATED" || e.type === "SESSION_REVOKED") && e.subject === users[1]?.id,
    ],
  ];
  test.for(cases)("filter %s returns each matching event exactly once, in order", async ([, filter, matches], { t, admin }) => {
    const member = { id: signInEventId, type: "SIGN_IN_SUCCEEDED" as const, actor: "", subject: "", sessionId, createdAt: new Date(0) };
    const expected = newestFirst([member, ...inserted].filter(matches));
    expect(expected.length).toBeGreaterThan(0);
    const ids = await pageAll(t, admin, filter());
    expect(ids).toEqual(expected);
  });

  test("verifies the whole chain across verification batches", async ({ t, admin }) => {
    const count = await t.db.auditEvent.count();
    expect(await integrity(t, admin.token)).toMatchObject({ ok: true, checkedCount: count, firstBrokenEventId: null });
    const small = await verifyAuditChain(t.db, { ipKey: t.app.audit.options.ipKey, batchSize: 7, maxLinkDelayMs: t.app.audit.maxLinkDelayMs, now: t.clock.now() });
    expect(small).toMatchObject({ ok: true, checkedCount: count });
  });

  test("pages backwards with last/before", async ({ t, admin }) => {
    const forward = await page(t, admin, { first: 50 });
    const before = forward.pageInfo.endCursor;
    const back = await page(t, admin, { last: 10, before });
    expect(back.edges.map((e) => e.node.id)).toEqual(forward.edges.slice(39, 49).map((e) => e.node.id));
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  test("pages a user's own events (actor or subject) through User.auditEvents", async ({ t, admin }) => {
    const target = users[2];
    const q = `query($id: ID!, $after: String) { user(id: $id) { ... on User { auditEvents(first: 50, after: $after) {
      edges { node { id } } pageInfo { hasNextPage endCursor } } } } }`;
    type Conn = { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    const ids: bigint[] = [];
    let after: string | null = null;
    for (;;) {
      const res: GraphQLResponse<{ user: { auditEvents: Conn } }> = await t.gql(q, { id: target?.gid, after }, { token: admin.token });
      expect(res.errors).toBeUndefined();
      const conn: Conn | undefined = res.data?.user.auditEvents;
      ids.push(...(conn?.edges.map((e) => BigInt(decodeId(e.node.id).id)) ?? []));
      if (!conn?.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(ids).toEqual(newestFirst(inserted.filter((e) => e.actor === target?.id || e.subject === target?.id)));
  });

  test("costs the same statements for a page of 5 as for a page of 50 (actor, subject, session batched)", async ({ t, admin }) => {
    const vars = (first: number) => ({ first, filter: { sessionId: encodeId("Session", sessionId) } });
    await page(t, admin, vars(50)); // warm the user cache: the comparison is about per-row work
    t.statements.reset();
    const small = await page(t, admin, vars(5));
    const smallCount = t.statements.count;
    t.statements.reset();
    const large = await page(t, admin, vars(50));
    const largeCount = t.statements.count;
    expect(small.edges).toHaveLength(5);
    expect(large.edges).toHaveLength(50);
    expect(large.edges.some((e) => e.node.session !== null && e.node.actor !== null && e.node.subject !== null)).toBe(true);
    // The page query and one batched session lookup (users come from the warmed cache).
    expect(largeCount).toBe(smallCount);
    expect(largeCount).toBe(2);
  });

  test("rejects a malformed cursor and an oversized page with typed errors", async ({ t, admin }) => {
    const codes = async (vars: Record<string, unknown>) => (await t.gql(AUDIT_EVENTS, vars, { token: admin.token })).errors?.map((e) => e.extensions?.code);
    const max = t.app.config.GRAPHQL_MAX_PAGE_SIZE;
    expect(await codes({ first: 10, after: "not a cursor!" })).toEqual(["INVALID_CURSOR"]);
    expect(await codes({ first: 10, after: Buffer.from("ae:12abc").toString("base64url") })).toEqual(["INVALID_CURSOR"]);
    expect(await codes({ first: 10, after: Buffer.from("ae:99999999999999999999").toString("base64url") })).toEqual(["INVALID_CURSOR"]);
    expect(await codes({ first: 10, after: encodeId("User", users[0]?.id ?? "") })).toEqual(["INVALID_CURSOR"]);
    expect(await codes({ first: max + 1 })).toEqual(["PAGE_SIZE_EXCEEDED"]);
    expect(await codes({ first: -1 })).toEqual(["PAGE_SIZE_EXCEEDED"]);
    expect(await codes({ first: max })).toBeUndefined();
    expect(await codes({ first: 10, filter: { actorId: "garbage" } })).toEqual(["INVALID_ID"]);
    const own = await t.gql(`{ viewer { user { auditEvents(first: ${max + 1}) { edges { cursor } } } } }`, {}, { token: admin.token });
    expect(own.errors?.map((e) => e.extensions?.code)).toEqual(["PAGE_SIZE_EXCEEDED"]);
  });
});
