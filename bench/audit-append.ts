// Append throughput of the audit chain at 1, 20 and 100 concurrent writers (BENCH_WRITERS), each event
// its own transaction. Three ways (v1 only with BENCH_V1=1):
//   record()            - the shipped writer: ONE statement (audit_append(): lock, head, id, insert) + commit;
//   app-side chain (v1) - the first design: lock, head read, insert as three statements from the app;
//   no chain (floor)    - the same insert with no lock and no head read: what the chain costs on top.
// The chain lock is held from the lock grant to the commit, so the fewer client round trips inside
// it, the higher the ceiling. Ends by verifying the chain the chained scenarios built.
//
//   npx tsx bench/audit-append.ts            (BENCH_SECONDS=3 per scenario, DATABASE_URL = server)
//
// Uses a temporary database cloned from the test template (built if missing), dropped at the end.
import { performance } from "node:perf_hooks";
import { closeApp, createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/observability/log.js";
import { AUDIT_CHAIN_LOCK, eventHash, record, storedIpDigest } from "../src/modules/audit/append.js";
import { verifyAuditChain } from "../src/modules/audit/verify.js";
import type { App } from "../src/app.js";
import { setup } from "../test/helpers/global-setup.js";
import { TEST_ENV, cloneTemplate, dropDatabase, urlFor } from "../test/helpers/pg.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
/** Writer counts per scenario (BENCH_WRITERS=1,20,100). */
const WRITERS = (process.env.BENCH_WRITERS ?? "1,20,100").split(",").map(Number);
/** Connections: bounded so 100 writers do not exhaust a shared server's max_connections; extra writers queue on the pool. */
const POOL = Math.min(30, Math.max(...WRITERS) + 5);
const request = { ip: "198.51.100.23", userAgent: "bench/audit-append" };

interface Result {
  name: string;
  writers: number;
  events: number;
  seconds: number;
  p50: number;
  p99: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
}

async function run(name: string, writers: number, once: (worker: number, n: number) => Promise<unknown>): Promise<Result> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const t0 = performance.now();
        await once(w, n);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { name, writers, events: latencies.length, seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

function appendChained(app: App) {
  const opts = app.audit.options;
  // maxWait: 20 writers on 20+ connections never wait for one, but be explicit: we measure the lock.
  return (w: number, n: number) =>
    app.db.prisma.$transaction((tx) => record(tx, { type: "SESSION_REFRESHED", metadata: { worker: w, n } }, request, opts), { maxWait: 10_000 });
}

/** The first design, kept here for comparison: three statements inside the lock. */
function appendAppSide(app: App) {
  const { ipKey } = app.audit.options;
  return (w: number, n: number) =>
    app.db.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
        const [head] = await tx.$queryRaw<{ id: bigint; prev: string | null }[]>`
          SELECT nextval(pg_get_serial_sequence('audit_events', 'id')) AS id, (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1) AS prev`;
        if (!head) throw new Error("no head");
        const row = { id: head.id, type: "SESSION_REFRESHED" as const, actorUserId: null, subjectUserId: null, sessionId: null, ip: request.ip, userAgent: request.userAgent, metadata: { worker: w, n }, createdAt: new Date() };
        const hash = eventHash(head.prev, { ...row, ipDigest: storedIpDigest(row.ip, ipKey) });
        await tx.auditEvent.create({ data: { ...row, prevHash: head.prev, hash }, select: { id: true } });
      },
      { maxWait: 10_000 },
    );
}

function appendUnchained(app: App) {
  return (w: number, n: number) =>
    app.db.prisma.$transaction(
      (tx) => tx.auditEvent.create({ data: { type: "SESSION_REFRESHED", ip: request.ip, userAgent: request.userAgent, metadata: { worker: w, n }, hash: "-" }, select: { id: true } }),
      { maxWait: 10_000 },
    );
}

await setup();
const database = await cloneTemplate();
const config = loadConfig({ ...TEST_ENV, LOG_LEVEL: "warn", DATABASE_URL: urlFor(database), DATABASE_POOL_MAX: String(POOL) });
const { app } = await createApp(config, { log: createLogger(config), migrate: false });
try {
  const results: Result[] = [];
  for (const writers of WRITERS) results.push(await run("record() chained", writers, appendChained(app)));
  if (process.env.BENCH_V1) for (const writers of WRITERS) results.push(await run("app-side chain (v1)", writers, appendAppSide(app)));
  const verifyStart = performance.now();
  const report = await verifyAuditChain(app.db.prisma, { ipKey: app.audit.options.ipKey });
  const verifySeconds = (performance.now() - verifyStart) / 1000;
  // The floor appends junk hashes, so it runs after verification.
  for (const writers of WRITERS) results.push(await run("insert, no chain (floor)", writers, appendUnchained(app)));

  console.log(`audit append, ${SECONDS} s per scenario, PostgreSQL at ${app.db.target.replace(/\/.*$/, "")}, pool ${config.DATABASE_POOL_MAX}`);
  console.log("scenario                      writers   events   events/s   p50 ms   p99 ms");
  for (const r of results) {
    console.log(
      `${r.name.padEnd(30)}${String(r.writers).padStart(7)}${String(r.events).padStart(9)}${(r.events / r.seconds).toFixed(0).padStart(11)}${r.p50.toFixed(2).padStart(9)}${r.p99.toFixed(2).padStart(9)}`,
    );
  }
  console.log(`verification: ${report.ok ? "ok" : `BROKEN at ${report.firstBrokenEventId}`}, ${report.checkedCount} events in ${verifySeconds.toFixed(2)} s (${(report.checkedCount / verifySeconds).toFixed(0)} events/s)`);
  if (!report.ok) process.exitCode = 1;
} finally {
  await closeApp(app);
  await dropDatabase(database);
}
