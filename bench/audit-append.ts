// Append throughput of the audit trail at 1, 20 and 100 concurrent writers (BENCH_WRITERS), each event
// its own transaction, in one run:
//   one lock per append  - the serialised design: audit_append() (its migration's SQL, recreated in the
//                          bench database) takes the chain lock, reads the head, hashes and inserts; the
//                          lock is held until commit, so writers queue behind each other's commits;
//   record() + linker    - the shipped writer: an unlinked insert under the lock held SHARED; the
//                          linker (linker.ts) chains committed events in batches behind its barrier;
//   no chain (floor)     - the same insert with no lock at all.
// For record() it also samples, every 20 ms, how long the oldest unlinked event has waited (the link
// delay the AUDIT_LINK_MAX_DELAY_MS bound is about). Ends by linking and verifying the whole chain.
//
//   npm run bench:audit            (BENCH_SECONDS=3 per scenario, DATABASE_URL = server)
//   BENCH_DB_LATENCY_MS=100 BENCH_WRITERS=100 npm run bench:audit
//                                  (the gateway reaches PostgreSQL through a proxy adding that much each
//                                   way: a remote database; failed transactions are counted, not fatal)
//
// Uses a temporary database cloned from the test template (built if missing), dropped at the end.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { closeApp, createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/observability/log.js";
import { canonicalJson, hashedMetadata, storedIpDigest } from "../src/modules/audit/append.js";
import { verifyAuditChain } from "../src/modules/audit/verify.js";
import type { App } from "../src/app.js";
import { setup } from "../test/helpers/global-setup.js";
import { TEST_ENV, cloneTemplate, dropDatabase, urlFor } from "../test/helpers/pg.js";
import { startTcpProxy } from "../test/helpers/tcp-proxy.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
/** Writer counts per scenario (BENCH_WRITERS=1,20,100). */
const WRITERS = (process.env.BENCH_WRITERS ?? "1,20,100").split(",").map(Number);
/** Connections: bounded so 100 writers do not exhaust a shared server's max_connections; extra writers queue on the pool. */
const POOL = Math.min(30, Math.max(...WRITERS) + 5);
const request = { ip: "198.51.100.23", userAgent: "bench/audit-append" };
const LATENCY_MS = Number(process.env.BENCH_DB_LATENCY_MS ?? 0);
const SERIALISED_SQL = new URL("../prisma/migrations/20261128184500_audit_append/migration.sql", import.meta.url);

interface Result {
  name: string;
  writers: number;
  events: number;
  /** Transactions that failed (a timeout waiting for a connection or inside the transaction). */
  failed: number;
  seconds: number;
  p50: number;
  p99: number;
  /** record() only: the longest any event waited to be linked, as sampled. */
  maxLinkDelayMs?: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
}

async function run(name: string, writers: number, once: (worker: number, n: number) => Promise<unknown>): Promise<Result> {
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const t0 = performance.now();
        try {
          await once(w, n);
          latencies.push(performance.now() - t0);
        } catch {
          failed++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { name, writers, events: latencies.length, failed, seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

/** Samples the age of the oldest unlinked event while `work` runs. */
async function withLinkDelay(app: App, work: () => Promise<Result>): Promise<Result> {
  let max = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const [row] = await app.db.prisma.$queryRaw<{ ms: number | null }[]>`
        SELECT (EXTRACT(EPOCH FROM clock_timestamp() - min(created_at)) * 1000)::float8 AS ms FROM audit_events WHERE hash IS NULL`;
      max = Math.max(max, row?.ms ?? 0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const result = await work();
  await app.audit.linker.linkNow();
  sampling = false;
  await sampler;
  return { ...result, maxLinkDelayMs: max };
}

function appendSerialised(app: App) {
  const key = app.audit.options.ipKey;
  return (w: number, n: number) => {
    const metadata = { worker: w, n };
    const createdAt = new Date(Math.floor(Date.now()));
    // What the hash covers after the id, as the serialised writer's caller computed it.
    const tail = canonicalJson(["SESSION_REFRESHED", null, null, null, storedIpDigest(request.ip, key), storedIpDigest(request.userAgent, key), hashedMetadata(metadata, key), createdAt.toISOString()]);
    return app.db.prisma.$transaction(
      (tx) => tx.$queryRaw`
        SELECT o_id FROM audit_append('SESSION_REFRESHED'::"AuditEventType", NULL, NULL, NULL, ${request.ip}, ${request.userAgent},
          ${JSON.stringify(metadata)}::jsonb, ${createdAt}::timestamptz, ${tail})`,
      { maxWait: 10_000 },
    );
  };
}


function appendLinked(app: App) {
  return (w: number, n: number) =>
    app.db.prisma.$transaction((tx) => app.audit.record(tx, { type: "SESSION_REFRESHED", metadata: { worker: w, n } }, request), { maxWait: 10_000 });
}

function appendUnchained(app: App) {
  return (w: number, n: number) =>
    app.db.prisma.$transaction(
      (tx) => tx.auditEvent.create({ data: { type: "SESSION_REFRESHED", ip: request.ip, userAgent: request.userAgent, metadata: { worker: w, n } }, select: { id: true } }),
      { maxWait: 10_000 },
    );
}

await setup();
const database = await cloneTemplate();
const direct = new URL(urlFor(database));
const proxy = LATENCY_MS > 0 ? await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) }) : null;
proxy?.delay(LATENCY_MS);
const appUrl = new URL(direct);
if (proxy) appUrl.port = String(proxy.port);
// The interval sweep stays out of the way: record()'s own commits trigger the passes being measured.
const config = loadConfig({ ...TEST_ENV, LOG_LEVEL: "warn", DATABASE_URL: appUrl.toString(), DATABASE_POOL_MAX: String(POOL), AUDIT_LINK_INTERVAL_MS: "60000" });
const { app } = await createApp(config, { log: createLogger(config), migrate: false });
try {
  // The serialised writer as its migration defined it (a later migration dropped it).
  await app.db.prisma.$executeRawUnsafe(readFileSync(SERIALISED_SQL, "utf8").replace(/^--.*$/gm, ""));
  await app.audit.linker.linkNow();
  const results: Result[] = [];
  for (const writers of WRITERS) results.push(await run("one lock per append (before)", writers, appendSerialised(app)));
  for (const writers of WRITERS) results.push(await withLinkDelay(app, () => run("record() + linker", writers, appendLinked(app))));
  for (const writers of WRITERS) results.push(await run("insert, no chain (floor)", writers, appendUnchained(app)));
  const linkStart = performance.now();
  const backlog = await app.audit.linker.linkNow();
  const linkSeconds = (performance.now() - linkStart) / 1000;
  const verifyStart = performance.now();
  const report = await verifyAuditChain(app.db.prisma, { ipKey: app.audit.options.ipKey, maxLinkDelayMs: 3_600_000, now: new Date() });
  const verifySeconds = (performance.now() - verifyStart) / 1000;

  console.log(`audit append, ${SECONDS} s per scenario, PostgreSQL ${proxy ? `behind a proxy adding ${LATENCY_MS} ms each way` : "direct"}, pool ${config.DATABASE_POOL_MAX}`);
  console.log("scenario                        writers   events   failed   events/s   p50 ms   p99 ms   max link delay ms");
  for (const r of results) {
    console.log(
      `${r.name.padEnd(32)}${String(r.writers).padStart(7)}${String(r.events).padStart(9)}${String(r.failed).padStart(9)}${(r.events / r.seconds).toFixed(0).padStart(11)}${r.p50.toFixed(2).padStart(9)}${r.p99.toFixed(2).padStart(9)}${(r.maxLinkDelayMs === undefined ? "" : r.maxLinkDelayMs.toFixed(0)).padStart(20)}`,
    );
  }
  console.log(`linking the floor's ${backlog.linked} unchained events afterwards: ${linkSeconds.toFixed(2)} s (${(backlog.linked / linkSeconds).toFixed(0)} events/s)`);
  console.log(`verification: ${report.ok ? "ok" : `BROKEN at ${report.firstBrokenEventId}`}, ${report.checkedCount} events in ${verifySeconds.toFixed(2)} s (${(report.checkedCount / verifySeconds).toFixed(0)} events/s)`);
  if (!report.ok) process.exitCode = 1;
} finally {
  await closeApp(app);
  await proxy?.close();
  await dropDatabase(database);
}
