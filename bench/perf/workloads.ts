// W0–W6 as request generators for the gateway, the raw floor and (where it has a counterpart) the
// optional peer, plus what each needs before a run (an emptied cache for "cold", one untimed pass for "warm").
import type { Redis } from "ioredis";
import { encodeId } from "../../src/graphql/global-id.js";
import { COLD_KINDS, clearCache } from "./count.js";
import { EFFECTIVE_PERMISSIONS, REVOKE_SESSION, SIGN_IN, USERS_PAGE, VIEWER, W0_TYPENAME } from "./documents.js";
import { PASSWORD } from "./fixture.js";
import type { Fixture } from "./fixture.js";
import type { NextRequest, Req } from "./load.js";
import { PEER_EFFECTIVE_PERMISSIONS, PEER_REVOKE_SESSION, PEER_TYPENAME, PEER_USERS_PAGE, PEER_VIEWER } from "./peer-documents.js";

export type Target = "gateway" | "floor" | "peer";

export interface Workload {
  id: string;
  label: string;
  /** What the floor does for it. */
  floor: string;
  /** Fresh generators for one run (each run starts its own sequence); `peer` where PostGraphile has a counterpart. */
  requests(): { gateway: NextRequest; floor: NextRequest; peer?: NextRequest };
  /** Before each run of any server. */
  prepare?(target: Target): Promise<void>;
}

export interface Context {
  fixture: Fixture;
  redis: Redis;
  /** The gateway's key prefix, e.g. `auth:bench123:`. */
  prefix: string;
  gatewayCursors: (string | null)[];
  floorCursors: (string | null)[];
  peerCursors: (string | null)[];
  /** Runs one untimed request on a server (for warm-up passes). */
  warm(target: "gateway" | "floor", req: Req): Promise<void>;
  /** Makes these sessions unrevoked again in the database (between runs, outside the measurement). */
  unrevoke(ids: readonly string[]): Promise<void>;
}

const gql = (query: string, variables: Record<string, unknown> = {}, token?: string): Req => ({
  path: "/graphql",
  body: JSON.stringify({ query, variables }),
  ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
});
const floor = (path: string, variables: Record<string, unknown> = {}, token?: string): Req => ({
  path,
  body: JSON.stringify({ variables }),
  ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
});

export function workloads(ctx: Context): Workload[] {
  const { fixture } = ctx;
  const [first = [], second = [], third = []] = fixture.sessions;
  const warmSet = second.slice(-100);
  // Cold runs use each token (or page) once per run: a repeat would be served warm, so a run ends early instead.
  const coldW4 = second.slice(0, -100);
  const withToken = (list: readonly { token: string }[], make: (token: string) => Req): NextRequest => (i) => {
    const s = list[i];
    return s ? make(s.token) : null;
  };
  const withId = (list: readonly { id: string }[], make: (id: string) => Req): NextRequest => (i) => {
    const s = list[i];
    return s ? make(s.id) : null;
  };
  const cold = (kinds: readonly string[]) => async (target: Target) => {
    if (target === "gateway") await clearCache(ctx.redis, ctx.prefix, kinds);
  };
  const warmPass = (make: () => { gateway: NextRequest; floor: NextRequest }, n: number) => async (target: Target) => {
    if (target === "peer") return;
    const gen = make()[target];
    for (let i = 0; i < n; i++) {
      const req = gen(i);
      if (req) await ctx.warm(target, req);
    }
  };
  let revoked = 0; // sessions the gateway revoked in this run: each once, all of them live again before the next run
  const cycle = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

  const w2 = () => ({ gateway: (i: number) => gql(VIEWER, {}, cycle(warmSet, i).token), floor: (i: number) => floor("/w2", {}, cycle(warmSet, i).token) });
  const w3warm = () => ({ gateway: () => gql(USERS_PAGE, { first: 50 }, fixture.adminToken), floor: () => floor("/w3", { first: 50 }, fixture.adminToken) });
  const w4warm = () => ({
    gateway: (i: number) => gql(EFFECTIVE_PERMISSIONS, {}, cycle(warmSet, i).token),
    floor: (i: number) => floor("/w4warm", {}, cycle(warmSet, i).token),
  });
  const page = (first: number) => () => ({
    gateway: (i: number) => (i < ctx.gatewayCursors.length ? gql(USERS_PAGE, { first, after: ctx.gatewayCursors[i] }, fixture.adminToken) : null),
    floor: (i: number) => (i < ctx.floorCursors.length ? floor("/w3", { first, after: ctx.floorCursors[i] }, fixture.adminToken) : null),
    peer: (i: number) => (i < ctx.peerCursors.length ? gql(PEER_USERS_PAGE, { first, after: ctx.peerCursors[i] }) : null),
  });

  return [
    { id: "W0", label: "{ __typename }", floor: "bare node:http", requests: () => ({ gateway: () => gql(W0_TYPENAME), floor: () => floor("/w0"), peer: () => gql(PEER_TYPENAME) }) },
    {
      id: "W1",
      label: "viewer, cache cold",
      floor: "1 SQL (session ⋈ user)",
      requests: () => ({
        gateway: withToken(first, (t) => gql(VIEWER, {}, t)),
        floor: withToken(first, (t) => floor("/w1", {}, t)),
        peer: withId(first, (id) => gql(PEER_VIEWER, { id })),
      }),
      prepare: cold(COLD_KINDS),
    },
    { id: "W2", label: "viewer, cache warm", floor: "1 Redis GET", requests: w2, prepare: warmPass(w2, warmSet.length) },
    { id: "W3", label: "50-user page, cold", floor: "4 SQL", requests: page(50), prepare: cold(COLD_KINDS) },
    { id: "W3w", label: "50-user page, warm", floor: "4 SQL", requests: w3warm, prepare: warmPass(w3warm, 2) },
    { id: "W3s", label: "10-user page, cold", floor: "4 SQL", requests: page(10), prepare: cold(COLD_KINDS) },
    {
      id: "W4",
      label: "effective permissions, cold",
      floor: "2 SQL",
      requests: () => ({
        gateway: withToken(coldW4, (t) => gql(EFFECTIVE_PERMISSIONS, {}, t)),
        floor: withToken(coldW4, (t) => floor("/w4", {}, t)),
        peer: withId(coldW4, (id) => gql(PEER_EFFECTIVE_PERMISSIONS, { id })),
      }),
      prepare: cold(COLD_KINDS),
    },
    { id: "W4w", label: "effective permissions, warm", floor: "1 Redis GET", requests: w4warm, prepare: warmPass(w4warm, warmSet.length) },
    {
      id: "W5",
      label: "sign-in (argon2id OWASP)",
      floor: "argon2id verify only",
      requests: () => ({
        gateway: (i) => gql(SIGN_IN, { input: { email: cycle(fixture.emails, i), password: PASSWORD } }),
        floor: () => floor("/w5", { input: { password: PASSWORD } }),
      }),
    },
    {
      id: "W6",
      label: "revoke a session",
      floor: "2 SQL (auth + UPDATE)",
      // Every gateway run revokes live sessions: the ones the previous run revoked are restored first.
      prepare: async (target) => {
        if (target !== "gateway" || revoked === 0) return;
        await ctx.unrevoke(third.slice(0, revoked).map((s) => s.id));
        revoked = 0;
      },
      requests: () => ({
        gateway: () => {
          const s = third[revoked++];
          return s ? gql(REVOKE_SESSION, { id: encodeId("Session", s.id) }, fixture.adminToken) : null;
        },
        floor: (i) => floor("/w6", { id: cycle(third, i).id }, fixture.adminToken),
        peer: (i) => gql(PEER_REVOKE_SESSION, { id: cycle(third, i).id, at: new Date().toISOString() }),
      }),
    },
  ];
}
