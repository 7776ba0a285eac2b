// How fast a revoke reaches a live stream on ANOTHER instance: two gateways on one PostgreSQL
// database and one Redis (a namespace of the shared one), B listening on a real port. For each
// sample a member's viewerSessionEvents stream is opened on B over SSE, the session is revoked on A
// (in-process), and the REVOKED event's arrival on B is timed from the start of the revoke request
// (what a user feels) and from its response (the fan-out alone, after the mutation returned).
// Prints figures; asserts nothing (test/live/ checks the behaviour).
//
//   npm run bench:live   (needs the test PostgreSQL and Redis; creates and drops its own database)
import { setup } from "../test/helpers/global-setup.js";
import { createTestInstance } from "../test/helpers/instance.js";
import { serve, subscribe } from "../test/helpers/sse.js";
import { summarise } from "./stats.js";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const EVENTS = `subscription { viewerSessionEvents { kind } }`;
const REVOKE = `mutation($id: ID!) { revokeSession(id: $id) { __typename } }`;

function p99(samples: readonly number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor(0.99 * s.length))] ?? 0) * 10) / 10;
}

await setup();
const a = await createTestInstance({ env: { LIVE_MAX_STREAMS_PER_USER: "1000" } });
const b = await a.sibling();
const served = await serve(b);
try {
  const admin = await a.signInAs("admin");
  const member = await a.signInAs({});
  const fromRequest: number[] = [];
  const fromResponse: number[] = [];
  for (let i = 0; i < SAMPLES + 10; i++) {
    const session = await a.signInAs({ email: member.email, password: member.password });
    const stream = await subscribe(served.url, EVENTS, {}, { token: session.token });
    while (b.app.live.streams.count() < 1) await new Promise((r) => setTimeout(r, 1));
    const started = performance.now();
    const res = await a.gql(REVOKE, { id: session.sessionGid }, { token: admin.token });
    const returned = performance.now();
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    const event = await stream.next(10_000);
    const arrived = performance.now();
    if ((event.data as { viewerSessionEvents?: { kind: string } } | null)?.viewerSessionEvents?.kind !== "REVOKED") throw new Error(`unexpected ${JSON.stringify(event)}`);
    await stream.ended();
    while (b.app.live.streams.count() > 0) await new Promise((r) => setTimeout(r, 1));
    // The first samples warm up connections and prepared statements.
    if (i < 10) continue;
    fromRequest.push(arrived - started);
    fromResponse.push(Math.max(0, arrived - returned));
  }
  console.log(`revoke on A -> REVOKED on B's SSE stream, ${SAMPLES} samples (ms)`);
  console.log(`${"".padEnd(34)}${["median", "p95", "p99", "max"].map((h) => h.padStart(9)).join("")}`);
  for (const [name, samples] of [["from the revoke request", fromRequest], ["after the mutation returned", fromResponse]] as const) {
    const s = summarise(samples);
    console.log(`${name.padEnd(34)}${[s.median, s.p95, p99(samples), s.max].map((v) => v.toFixed(1).padStart(9)).join("")}`);
  }
} finally {
  await served.close();
  await a.close();
}
process.exit(0);
