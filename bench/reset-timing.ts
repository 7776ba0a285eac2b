// Does requestPasswordReset take the same time for a known and an unknown address? Requests come in
// pairs, one for an account and one for an address nobody has, in random order within each pair (so
// background delivery after one request weighs on whichever comes next, known or not), then again
// with delivery settled before each timed request. Prints the medians, their difference and the
// median of the paired differences as shares of the overall median (goal: below 10 %). Mail goes
// to an SMTP server in this process. Asserts nothing.
//
//   npm run bench:reset   (needs the test PostgreSQL + Redis; creates and drops its own database)
import { randomInt } from "node:crypto";
import { setup } from "../test/helpers/global-setup.js";
import { createTestInstance } from "../test/helpers/instance.js";
import type { TestInstance } from "../test/helpers/instance.js";
import { startSmtpServer } from "../test/helpers/smtp.js";
import { summarise } from "./stats.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const ACCOUNTS = 20;
const REQUEST = "mutation($email: String!) { requestPasswordReset(email: $email) { __typename } }";

async function timed(t: TestInstance, email: string): Promise<number> {
  const started = performance.now();
  const res = await t.gql<{ requestPasswordReset: { __typename: string } }>(REQUEST, { email });
  const ms = performance.now() - started;
  if (res.data?.requestPasswordReset.__typename !== "CheckInbox") throw new Error(JSON.stringify(res));
  return ms;
}

interface Samples {
  known: number[];
  unknown: number[];
  /** known - unknown of each adjacent pair: immune to the machine's load drifting during a run. */
  pairs: number[];
}

/** Pairs of one known and one unknown request, in random order within each pair; `settle` runs untimed before each. */
async function run(t: TestInstance, known: string[], settle?: () => Promise<unknown>, rounds = ROUNDS): Promise<Samples> {
  const out: Samples = { known: [], unknown: [], pairs: [] };
  for (let i = 0; i < rounds; i++) {
    const knownFirst = randomInt(2) === 0;
    let k = 0;
    let u = 0;
    for (const isKnown of knownFirst ? [true, false] : [false, true]) {
      await settle?.();
      if (isKnown) k = await timed(t, known[i % known.length] ?? "");
      else u = await timed(t, `nobody-${i}-${Date.now()}@example.com`);
    }
    out.known.push(k);
    out.unknown.push(u);
    out.pairs.push(k - u);
  }
  return out;
}

function report(name: string, r: Samples): void {
  const k = summarise(r.known);
  const u = summarise(r.unknown);
  const all = summarise([...r.known, ...r.unknown]);
  const diff = Math.abs(k.median - u.median);
  const paired = [...r.pairs].sort((a, b) => a - b)[Math.floor(r.pairs.length / 2)] ?? 0;
  const pct = (ms: number): string => `${((Math.abs(ms) / all.median) * 100).toFixed(1)} %`;
  console.log(`${name}`);
  console.log("  ms             n   median      p95      min      max");
  for (const [label, s] of [["known", k], ["unknown", u]] as const) {
    console.log(`  ${label.padEnd(10)}${String(s.n).padStart(5)}${[s.median, s.p95, s.min, s.max].map((v) => v.toFixed(1).padStart(9)).join("")}`);
  }
  console.log(`  |median known - median unknown| = ${diff.toFixed(2)} ms = ${pct(diff)} of the overall median (${all.median.toFixed(1)} ms)`);
  console.log(`  median of paired differences (known - unknown) = ${paired.toFixed(2)} ms = ${pct(paired)}`);
}

await setup();
const smtp = await startSmtpServer();
const t = await createTestInstance({
  env: { MAIL_ENABLED: "true", SMTP_URL: smtp.url, ACCOUNT_MAIL_MAX_PER_ADDRESS: "1000", ACCOUNT_MAIL_MAX_PER_IP: "100000" },
});
try {
  const known: string[] = [];
  for (let i = 0; i < ACCOUNTS; i++) known.push((await t.signInAs({})).email);
  // Warm-up: connections, prepared plans, the JIT.
  await run(t, known, () => t.app.mail.drain(), 30);
  console.log(`requestPasswordReset, ${ROUNDS} pairs of a known and an unknown address, random order within each pair`);
  report("back to back (delivery runs in the background)", await run(t, known));
  await t.app.mail.drain();
  report("delivery settled before each request", await run(t, known, () => t.app.mail.drain()));
  await t.app.mail.drain();
  console.log(`messages received: ${smtp.messages.length} (${ROUNDS * 2 + 30} requests for accounts)`);
} finally {
  await t.close();
  await smtp.stop();
}
