// Production runs trusted documents only (PERSISTED_OPERATIONS=only): the subscriptions in
// client/operations/live.graphql run by their id over SSE, any other subscription text is refused.
import { describe, expect } from "vitest";
import { AuditEventAddedDocument, ViewerSessionEventsDocument, persistedHash } from "../../client/index.js";
import { instanceTest } from "../helpers/fixture.js";
import { serve, subscribe } from "../helpers/sse.js";

/** `t` runs any document (for the test's own setup); `only` is a sibling as production runs, on a port. */
const test = instanceTest({ env: { PERSISTED_OPERATIONS: "off" } })
  .extend("only", { scope: "file" }, async ({ t }) => t.sibling({ PERSISTED_OPERATIONS: "only" }))
  .extend("url", { scope: "file" }, async ({ only }, { onCleanup }) => {
    const served = await serve(only);
    onCleanup(() => served.close());
    return served.url;
  });

describe("live streams as trusted documents", () => {
  test("ViewerSessionEvents runs by its id and reports a revoke", async ({ t, only, url, admin }) => {
    const member = await t.signInAs({});
    const stream = await subscribe(url, "", {}, { token: member.token, persistedId: persistedHash(ViewerSessionEventsDocument) ?? "" });
    await expect.poll(() => only.app.live.streams.count()).toBe(1);
    await t.gql(`mutation($id: ID!) { revokeSession(id: $id) { __typename } }`, { id: member.sessionGid }, { token: admin.token });
    const event = await stream.next();
    expect(event.errors).toBeUndefined();
    expect(event.data).toMatchObject({ viewerSessionEvents: { kind: "REVOKED", sessionId: member.sessionGid, __typename: "SessionEvent" } });
  });

  test("AuditEventAdded runs by its id; an ad-hoc subscription is refused with PERSISTED_QUERY_ONLY", async ({ t, only, url }) => {
    const auditor = await t.signInAs({ permissions: ["audit:read"] });
    const stream = await subscribe(url, "", { filter: { types: ["SIGN_IN_SUCCEEDED"] } }, { token: auditor.token, persistedId: persistedHash(AuditEventAddedDocument) ?? "" });
    await expect.poll(() => only.app.live.streams.count("auditEventAdded")).toBe(1);
    const member = await t.signInAs({});
    const added = await stream.next();
    expect(added.errors).toBeUndefined();
    expect(added.data).toMatchObject({ auditEventAdded: { event: { type: "SIGN_IN_SUCCEEDED", subject: { id: member.userGid } } } });
    stream.close();
    const [refused] = await (await subscribe(url, `subscription { viewerSessionEvents { kind } }`, {}, { token: auditor.token })).ended();
    expect(refused?.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_ONLY");
  });
});
