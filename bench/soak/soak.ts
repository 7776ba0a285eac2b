// The soak: instances over real HTTP, mixed traffic at fixed concurrency, and a schedule of faults —
// Redis killed and restarted, one instance partitioned from Redis, PostgreSQL cut, PostgreSQL slowed,
// a cleanup of many expired sessions — then the invariants (checks.ts). Bounded by `durationMs`.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { ADMIN, startCluster } from "./cluster.js";
import type { Cluster } from "./cluster.js";
import { runChecks } from "./checks.js";
import type { Check } from "./checks.js";
import { failed, gql, worker } from "./traffic.js";
import type { Account, Ledger, Sample } from "./traffic.js";

export interface SoakOptions {
  durationMs: number;
  instances?: number;
  concurrency?: number;
  /** Expired sessions inserted before the cleanup phase. */
  cleanupRows?: number;
  log?: (line: string) => void;
  /** Where to write each instance's log (`soak-<instance>.log`); none when unset. */
  logDir?: string;
}

export interface PhaseStats {
  phase: string;
  requests: number;
  failed: number;
  p50: number;
  p99: number;
}

export interface SoakReport {
  durationMs: number;
  instances: number;
  concurrency: number;
  requests: Record<string, Record<string, number>>;
  phases: PhaseStats[];
  errorsByCode: Record<string, number>;
  rss: { instance: string; afterWarmup: number; end: number; growth: number }[];
  poolGauges: Record<string, string[]>;
  readyDuringPostgresOutage: number[];
  checks: Check[];
  passed: boolean;
}

/** Phases as fractions of the run: [name, start, end]. */
export const SCHEDULE: readonly [string, number, number][] = [
  ["warmup", 0, 0.15],
  ["redis-killed", 0.15, 0.3],
  ["redis-partition", 0.3, 0.45],
  ["postgres-cut", 0.45, 0.57],
  ["postgres-slow", 0.57, 0.7],
  ["cleanup", 0.7, 0.85],
  ["recovery", 0.85, 1],
];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
}

async function setUp(cluster: Cluster, log: (l: string) => void): Promise<{ adminToken: string; accounts: Account[] }> {
  const url = cluster.instances[0]?.url ?? "";
  const signIn = await gql(url, `mutation { signIn(input: { email: "${ADMIN.email}", password: "${ADMIN.password}" }) { ... on SignInSuccess { token } } }`);
  const adminToken = (signIn.data?.signIn as { token?: string } | undefined)?.token;
  if (!adminToken) throw new Error(`admin sign-in failed: ${JSON.stringify(signIn)}`);
  await gql(url, `mutation { createRole(input: { key: "soak", name: "Soak" }) { __typename } }`, {}, adminToken);
  const accounts: Account[] = [];
  for (let i = 0; i < 12; i++) {
    const email = `soak${i}@soak.local`;
    const password = "soak-user-password";
    const r = await gql(url, `mutation($e: String!, $p: String!) { signUp(input: { email: $e, password: $p }) { ... on SignInSuccess { user { id } } } }`, { e: email, p: password });
    const userGid = (r.data?.signUp as { user?: { id: string } } | undefined)?.user?.id;
    if (!userGid) throw new Error(`sign-up failed: ${JSON.stringify(r)}`);
    const userId = Buffer.from(userGid, "base64url").toString("utf8").split(":")[1] ?? "";
    accounts.push({ email, password, userId, userGid });
  }
  log(`set up: admin and ${accounts.length} accounts`);
  return { adminToken, accounts };
}

async function poolGauges(url: string): Promise<string[]> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    return text.split("\n").filter((l) => l.startsWith("authgraph_db_pool_connections"));
  } catch {
    return [];
  }
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const count = options.instances ?? 2;
  const concurrency = options.concurrency ?? 8;
  const cluster = await startCluster(count);
  try {
    const { adminToken, accounts } = await setUp(cluster, log);
    const ledger: Ledger = { signIns: [], revokes: [], roles: new Map(), acceptedAfterRevoke: [] };
    const samples: Sample[] = [];
    // Not measured: JIT, pools and caches warm up before the schedule (and the RSS baseline) starts.
    let phase = "prewarm";
    let running = true;
    const urls = cluster.instances.map((i) => i.url);
    const workers = Array.from({ length: concurrency }, () => worker({ urls, adminToken: () => adminToken, accounts, phase: () => phase, ledger, samples }, () => running));

    await sleep(Math.max(3000, options.durationMs * 0.1));
    const started = Date.now();
    const at = (fraction: number): Promise<void> => sleep(Math.max(0, started + fraction * options.durationMs - Date.now()));
    const rssAfterWarmup: number[] = [];
    const ready: number[] = [];
    let cleanupJob = "";
    const direct = new pg.Client({ connectionString: cluster.postgres.url });
    await direct.connect();
    try {
      for (const [name, start, end] of SCHEDULE) {
        await at(start);
        phase = name;
        log(`phase ${name}`);
        if (name === "redis-killed") await cluster.redis.stop("SIGKILL");
        if (name === "redis-partition") await cluster.redisProxy.cut();
        if (name === "postgres-cut") {
          await cluster.pgProxy.cut();
          await sleep(((end - start) * options.durationMs) / 2);
          for (const i of cluster.instances) ready.push((await fetch(`${i.url}/ready`).catch(() => null))?.status ?? 0);
        }
        if (name === "postgres-slow") cluster.pgProxy.delay(30);
        if (name === "cleanup") {
          const rows = options.cleanupRows ?? 100_000;
          await direct.query(
            `INSERT INTO sessions (id, user_id, token_hash, expires_at, absolute_expires_at, created_at, last_seen_at)
             SELECT gen_random_uuid(), u.id, md5(random()::text) || md5(random()::text), now() - interval '30 days', now() - interval '30 days', now() - interval '40 days', now() - interval '40 days'
             FROM generate_series(1, $1) , (SELECT id FROM users WHERE email = $2) u`,
            [rows, ADMIN.email],
          );
          const r = await gql(urls[0] ?? "", `mutation { cleanupExpiredSessions { ... on CleanupExpiredSessionsSuccess { jobId } } }`, {}, adminToken);
          cleanupJob = (r.data?.cleanupExpiredSessions as { jobId?: string } | undefined)?.jobId ?? "";
        }
        await at(end);
        if (name === "warmup") for (const i of cluster.instances) rssAfterWarmup.push(i.rss());
        if (name === "redis-killed") await cluster.redis.start();
        if (name === "redis-partition") await cluster.redisProxy.restore();
        if (name === "postgres-cut") await cluster.pgProxy.restore();
        if (name === "postgres-slow") cluster.pgProxy.delay(0);
      }
      running = false;
      await Promise.all(workers);
      const rssEnd = cluster.instances.map((i) => i.rss());
      const gauges: Record<string, string[]> = {};
      for (const i of cluster.instances) gauges[i.name] = await poolGauges(i.url);
      const checks = await runChecks({ cluster, direct, adminToken, ledger, samples, ready, cleanupJob, rssAfterWarmup, rssEnd });
      return summarise(options, count, concurrency, samples, checks, cluster, rssAfterWarmup, rssEnd, gauges, ready);
    } finally {
      running = false;
      await Promise.all(workers).catch(() => undefined);
      await direct.end().catch(() => undefined);
    }
  } finally {
    await cluster.dispose();
    if (options.logDir) {
      mkdirSync(options.logDir, { recursive: true });
      for (const i of cluster.instances) writeFileSync(join(options.logDir, `soak-${i.name}.log`), i.output());
    }
  }
}

function summarise(
  options: SoakOptions,
  count: number,
  concurrency: number,
  samples: Sample[],
  checks: Check[],
  cluster: Cluster,
  rssAfterWarmup: number[],
  rssEnd: number[],
  poolGauges: Record<string, string[]>,
  ready: number[],
): SoakReport {
  const requests: Record<string, Record<string, number>> = {};
  const errorsByCode: Record<string, number> = {};
  for (const s of samples) {
    const byOutcome = (requests[s.op] ??= {});
    byOutcome[s.outcome] = (byOutcome[s.outcome] ?? 0) + 1;
    if (failed(s)) errorsByCode[s.outcome] = (errorsByCode[s.outcome] ?? 0) + 1;
  }
  const phases = SCHEDULE.map(([phase]) => {
    const inPhase = samples.filter((s) => s.phase === phase);
    const sorted = inPhase.map((s) => s.ms).sort((a, b) => a - b);
    return { phase, requests: inPhase.length, failed: inPhase.filter(failed).length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  });
  const rss = cluster.instances.map((i, k) => {
    const before = rssAfterWarmup[k] ?? 0;
    const end = rssEnd[k] ?? 0;
    return { instance: i.name, afterWarmup: before, end, growth: before > 0 ? Math.round(((end - before) / before) * 1000) / 10 : 0 };
  });
  return {
    durationMs: options.durationMs,
    instances: count,
    concurrency,
    requests,
    phases,
    errorsByCode,
    rss,
    poolGauges,
    readyDuringPostgresOutage: ready,
    checks,
    passed: checks.every((c) => c.ok),
  };
}
