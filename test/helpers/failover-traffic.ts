// Viewer traffic kept running through a Redis failover (Cluster or Sentinel): every member request
// must succeed, and a session revoked during the failover must be refused from the moment its revoke
// returned. The failover tests drive the engine; this counts what the clients saw.
import { expect } from "vitest";
import { VIEWER } from "./cache-app.js";
import type { GraphQLResponse, SignedIn, TestInstance } from "./instance.js";
import { Q } from "./session-ops.js";

type Viewer = GraphQLResponse<{ viewer: { session: { id: string } } | null }>;

export interface FailoverTraffic {
  readonly requests: number;
  readonly failures: readonly string[];
  /** Revokes `revoked` (the caller is mid-failover); from its return on, an accepted token is a failure. */
  revoke(): Promise<void>;
  /** Stops the loops and waits for them. */
  stop(): Promise<void>;
}

export function viewerTraffic(t: TestInstance, members: readonly SignedIn[], revoked: SignedIn, loops: number): FailoverTraffic {
  let stopped = false;
  let requests = 0;
  let revokeReturned = false;
  const failures: string[] = [];
  const loop = async (): Promise<void> => {
    while (!stopped) {
      for (const m of members) {
        const res = (await t.gql(VIEWER, {}, { token: m.token })) as Viewer;
        requests++;
        if (res.errors || !res.data?.viewer) failures.push(JSON.stringify(res));
      }
      const afterRevoke = revokeReturned;
      const dead = (await t.gql(VIEWER, {}, { token: revoked.token })) as Viewer;
      if (afterRevoke && dead.data?.viewer) failures.push("revoked session accepted");
    }
  };
  const running = Array.from({ length: loops }, loop);
  return {
    get requests() {
      return requests;
    },
    failures,
    async revoke() {
      const res = await t.gql<{ revokeSession: { __typename: string } }>(Q.revoke, { id: revoked.sessionGid }, { token: revoked.token });
      expect(res.data?.revokeSession.__typename).toBe("Session");
      revokeReturned = true;
    },
    async stop() {
      stopped = true;
      await Promise.all(running);
    },
  };
}

/** After recovery: a cached viewer costs no SQL again, and the revoked session stays refused. */
export async function expectCacheServesAgain(t: TestInstance, member: SignedIn, revoked: SignedIn, recovery: { timeout: number; interval: number }): Promise<void> {
  await expect
    .poll(async () => {
      await t.gql(VIEWER, {}, { token: member.token });
      t.statements.reset();
      await t.gql(VIEWER, {}, { token: member.token });
      return t.statements.count;
    }, recovery)
    .toBe(0);
  expect(((await t.gql(VIEWER, {}, { token: revoked.token })) as Viewer).data?.viewer).toBeNull();
}
