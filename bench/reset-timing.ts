// Does requestPasswordReset take the same time for a known and an unknown address? Requests for
// accounts and for addresses nobody has are sent in a random interleaving (so background delivery
// after one request weighs on whichever comes next, known or not), then again with delivery settled
// before each timed request. Prints the medians and their difference as a share of the overall
// median (goal: below 10 %). Mail goes to an SMTP server in this process. Asserts nothing.
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

/** Known and unknown requests in a random order; `settle` runs untimed before each. */
async function run(t: TestInstance, known: string[], settle?: () => Promise<unknown>, rounds = ROUNDS): Promise<{ known: number[]; unknown: number[] }> {
  const order = [...Array<boolean>(rounds).fill(true), ...Array<boolean>(rounds).fill(false)];
  for (let i = order.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [order[i], order[j]] = [order[j] ?? false, order[i] ?? false];
  }
  const out = { known: [] as number[], unknown: [] as number[] };
  for (const [i, isKnown] of order.entries()) {
    await settle?.();
    if (isKnown) out.known.push(await timed(t, known[i % known.length] ?? ""));
    else out.unknown.push(await timed(t, `nobody-${i}-${Date.now()}@example.com`));
  }
  return out;
}

function report(name: string, r: { known: number[]; unknown: number[] }): void {
  const k = summarise(r.known);
  const u = summarise(r.unknown);
  const all = summarise([...r.known, ...r.unknown]);
  const diff = Math.abs(k.median - u.median);
  console.log(`${name}`);
  console.log("  ms             n   median      p95      min      max");
  for (const [label, s] of [["known", k], ["unknown", u]] as const) {
    console.log(`  ${label.padEnd(10)}${String(s.n).padStart(5)}${[s.median, s.p95, s.min, s.max].map((v) => v.toFixed(1).padStart(9)).join("")}`);
  }
  console.log(`  |median known - median unknown| = ${diff.toFixed(2)} ms = ${((diff / all.median) * 100).toFixed(1)} % of the overall median (${all.median.toFixed(1)} ms)`);
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
  console.log(`requestPasswordReset, ${ROUNDS} known + ${ROUNDS} unknown addresses, random order`);
  report("back to back (delivery runs in the background)", await run(t, known));
  await t.app.mail.drain();
  report("delivery settled before each request", await run(t, known, () => t.app.mail.drain()));
  console.log(`messages received: ${smtp.messages.length}`);
} finally {
  await t.close();
  await smtp.stop();
}
