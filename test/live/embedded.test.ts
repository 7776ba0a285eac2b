// Without REDIS_URL (the embedded default is one instance) the live feed runs on an in-process event
// target: the same streams, the same after-commit delivery.
import { describe, expect } from "vitest";
import { revokeSessionsInTx } from "../../src/modules/sessions/revoke.js";
import { instanceTest } from "../helpers/fixture.js";
import { serve, subscribe } from "../helpers/sse.js";

const test = instanceTest({ memoryCache: true }).extend("url", { scope: "file" }, async ({ t }, { onCleanup }) => {
  const served = await serve(t);
  onCleanup(() => served.close());
  return served.url;
});

describe("live streams in-process", () => {
  test("a revoke reaches the session's stream, and committed audit events the audit stream", async ({ t, url, admin }) => {
    expect(t.app.live.hub.kind).toBe("memory");
    const member = await t.signInAs({});
    const auditor = await t.signInAs({ permissions: ["audit:read"] });
    const sessions = await subscribe(url, `subscription { viewerSessionEvents { kind reason } }`, {}, { token: member.token });
    const audit = await subscribe(url, `subscription { auditEventAdded(filter: { types: [SESSION_REVOKED] }) { event { type } } }`, {}, { token: auditor.token });
    await expect.poll(() => t.app.live.streams.count()).toBe(2);
    await t.gql(`mutation($id: ID!) { revokeSession(id: $id) { __typename } }`, { id: member.sessionGid }, { token: admin.token });
    expect((await sessions.next()).data).toEqual({ viewerSessionEvents: { kind: "REVOKED", reason: "revoked" } });
    expect((await audit.next()).data).toEqual({ auditEventAdded: { event: { type: "SESSION_REVOKED" } } });
    audit.close();
  });

  test("events go out after their transaction commits, and never for one that rolls back", async ({ t, url }) => {
    const auditor = await t.signInAs({ permissions: ["audit:read"] });
    const member = await t.signInAs({});
    const audit = await subscribe(url, `subscription { auditEventAdded(filter: { types: [USER_UPDATED] }) { event { type } } }`, {}, { token: auditor.token });
    const sessions = await subscribe(url, `subscription { viewerSessionEvents { kind } }`, {}, { token: member.token });
    await expect.poll(() => t.app.live.streams.count()).toBe(2);

    await expect(
      t.app.db.prisma.$transaction(async (tx) => {
        await revokeSessionsInTx(t.app, tx, { id: member.sessionId }, "revoked", async () => undefined);
        await t.app.audit.record(tx, { type: "USER_UPDATED", actorUserId: auditor.userId, subjectUserId: auditor.userId }, null);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    await expect(sessions.next(300)).rejects.toThrow(/no SSE event/);
    await expect(audit.next(300)).rejects.toThrow(/no SSE event/);

    // Held open after the append: an announcement made before COMMIT would find nothing to read and
    // the event would wait for the next heartbeat (15 s here), past this test's timeout.
    let committed = false;
    await t.app.db.prisma.$transaction(async (tx) => {
      await t.app.audit.record(tx, { type: "USER_UPDATED", actorUserId: auditor.userId, subjectUserId: auditor.userId }, null);
      await new Promise((resolve) => setTimeout(resolve, 300));
      committed = true;
    });
    const added = await audit.next();
    expect(committed).toBe(true);
    expect(added.data).toEqual({ auditEventAdded: { event: { type: "USER_UPDATED" } } });
    audit.close();
    sessions.close();
  });
});
