// Session.metadata: readable by whoever may read the session, written by its owner only, a JSON
// object within SESSION_METADATA_MAX_BYTES; the cached viewer shows an update at once.
import { describe, expect } from "vitest";
import { instanceTest } from "../helpers/fixture.js";
import { A } from "../helpers/account-ops.js";
import { auditTypes, lastAuditId, mutate } from "../helpers/session-ops.js";

const test = instanceTest({ env: { SESSION_METADATA_MAX_BYTES: "256" } });
const VIEWER = "{ viewer { session { id metadata } } }";
const SESSION = "query($id: ID!) { session(id: $id) { id metadata } }";

describe("session metadata", () => {
  test("the owner writes it; the viewer (cached) and session(id) read it back at once", async ({ t, member }) => {
    // Cache the viewer first, so the read after the update must see an invalidated fragment.
    expect((await t.gql<{ viewer: { session: { metadata: unknown } } }>(VIEWER, {}, { token: member.token })).data?.viewer.session.metadata).toBeNull();
    const metadata = { device: "Laptop", tenant: { id: 42 }, tags: ["a", "b"] };
    const since = await lastAuditId(t);
    const r = await mutate(t, A.updateSessionMetadata, { id: member.sessionGid, metadata }, member.token);
    expect(r).toEqual({ __typename: "Session", id: member.sessionGid, metadata });
    expect((await t.gql(VIEWER, {}, { token: member.token })).data).toEqual({ viewer: { session: { id: member.sessionGid, metadata } } });
    expect((await t.gql(SESSION, { id: member.sessionGid }, { token: member.token })).data).toEqual({ session: { id: member.sessionGid, metadata } });
    expect(await auditTypes(t, since)).toEqual(["SESSION_METADATA_UPDATED"]);
    const event = await t.db.auditEvent.findFirstOrThrow({ where: { type: "SESSION_METADATA_UPDATED", sessionId: member.sessionId } });
    expect(event.metadata).toEqual({ keyCount: 3, bytes: JSON.stringify(metadata).length });
  });

  test("refuses anything but a JSON object within the size limit, changing nothing", async ({ t, member }) => {
    await mutate(t, A.updateSessionMetadata, { id: member.sessionGid, metadata: { kept: true } }, member.token);
    // null never reaches the resolver: the argument is JSON!.
    const nulled = await t.gql(A.updateSessionMetadata, { id: member.sessionGid, metadata: null }, { token: member.token });
    expect(nulled.errors?.map((e) => e.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
    for (const bad of [[1, 2], "text", 7, { big: "x".repeat(300) }]) {
      const r = await mutate(t, A.updateSessionMetadata, { id: member.sessionGid, metadata: bad }, member.token);
      expect(r).toMatchObject({ __typename: "ValidationError", fieldErrors: [{ path: "metadata" }] });
    }
    const deep = JSON.parse(`${'{"a":'.repeat(12)}1${"}".repeat(12)}`) as unknown;
    expect((await mutate(t, A.updateSessionMetadata, { id: member.sessionGid, metadata: deep }, member.token)).__typename).toBe("ValidationError");
    expect((await t.db.session.findUniqueOrThrow({ where: { id: member.sessionId } })).metadata).toEqual({ kept: true });
  });

  test("another user's session is not found; a reader with sessions:read sees it but may not write it", async ({ t, member }) => {
    const other = await t.signInAs({});
    expect(await mutate(t, A.updateSessionMetadata, { id: other.sessionGid, metadata: { x: 1 } }, member.token)).toMatchObject({ __typename: "NotFoundError" });
    const reader = await t.signInAs({ permissions: ["sessions:read"] });
    expect((await t.gql(SESSION, { id: other.sessionGid }, { token: reader.token })).data).toEqual({ session: { id: other.sessionGid, metadata: null } });
    expect(await mutate(t, A.updateSessionMetadata, { id: other.sessionGid, metadata: { x: 1 } }, reader.token)).toMatchObject({ __typename: "ForbiddenError" });
    expect(await mutate(t, A.updateSessionMetadata, { id: other.sessionGid, metadata: { x: 1 } })).toMatchObject({ __typename: "UnauthenticatedError" });
    expect((await t.db.session.findUniqueOrThrow({ where: { id: other.sessionId } })).metadata).toBeNull();
  });

  test("a session that has ended keeps its metadata: ConflictError", async ({ t, member }) => {
    const second = await t.signInAs({ email: member.email, password: member.password });
    await mutate(t, `mutation($id: ID!) { revokeSession(id: $id) { __typename } }`, { id: second.sessionGid }, member.token);
    expect(await mutate(t, A.updateSessionMetadata, { id: second.sessionGid, metadata: { x: 1 } }, member.token)).toMatchObject({ __typename: "ConflictError" });
  });
});
