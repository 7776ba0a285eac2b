// The soak's invariants, checked at the end of the run.
import type pg from "pg";
import type { Cluster } from "./cluster.js";
import { failed, gql } from "./traffic.js";
import type { Ledger, Sample } from "./traffic.js";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface CheckInput {
  cluster: Cluster;
  direct: pg.Client;
  adminToken: string;
  ledger: Ledger;
  samples: Sample[];
  ready: number[];
  cleanupJob: string;
  rssAfterWarmup: number[];
  rssEnd: number[];
}

const REDIS_PHASES = new Set(["redis-killed", "redis-partition"]);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function eventually(probe: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
}

export async function runChecks(input: CheckInput): Promise<Check[]> {
  const { cluster, direct, ledger, samples } = input;
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string): void => void checks.push({ name, ok, detail });

  const died = cluster.instances.filter((i) => i.died);
  check("no process died", died.length === 0, died.map((i) => `${i.name}: ${JSON.stringify(i.died)}`).join("; ") || `${cluster.instances.length} alive`);

  const failedReads = samples.filter((s) => REDIS_PHASES.has(s.phase) && s.read && failed(s));
  const readsDuringRedis = samples.filter((s) => REDIS_PHASES.has(s.phase) && s.read).length;
  check("0 failed reads while only Redis is down or partitioned", failedReads.length === 0, `${failedReads.length} of ${readsDuringRedis} failed ${JSON.stringify(failedReads.slice(0, 3))}`);

  check("/ready is 503 while PostgreSQL is cut", input.ready.length > 0 && input.ready.every((s) => s === 503), `statuses ${JSON.stringify(input.ready)}`);
  const pgFailures = samples.filter((s) => s.phase === "postgres-cut" && failed(s));
  const wrong = pgFailures.filter((s) => s.outcome !== "SERVICE_UNAVAILABLE");
  check("failures while PostgreSQL is cut carry SERVICE_UNAVAILABLE", wrong.length === 0, `${pgFailures.length} failed, ${wrong.length} otherwise: ${JSON.stringify(wrong.slice(0, 3))}`);

  const internal = samples.filter((s) => s.outcome === "INTERNAL_SERVER_ERROR" || s.outcome === "network" || /^http 5(?!03)/.test(s.outcome));
  check("no INTERNAL_SERVER_ERROR, no 5xx other than 503, no dropped connection", internal.length === 0, `${internal.length}: ${JSON.stringify(internal.slice(0, 3))}`);

  const signIns = await direct.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM unnest($1::uuid[]) AS s(id) WHERE EXISTS (SELECT 1 FROM sessions WHERE sessions.id = s.id)
       AND EXISTS (SELECT 1 FROM audit_events a WHERE a.session_id = s.id AND a.type = 'SIGN_IN_SUCCEEDED')`,
    [ledger.signIns],
  );
  check("every acknowledged sign-in is in the database with its audit event", Number(signIns.rows[0]?.n) === ledger.signIns.length, `${signIns.rows[0]?.n} of ${ledger.signIns.length}`);
  const revoked = ledger.revokes.map((r) => r.sessionId);
  const revokes = await direct.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM unnest($1::uuid[]) AS s(id) WHERE EXISTS (SELECT 1 FROM sessions WHERE sessions.id = s.id AND revoked_at IS NOT NULL)
       AND EXISTS (SELECT 1 FROM audit_events a WHERE a.session_id = s.id AND a.type = 'SESSION_REVOKED')`,
    [revoked],
  );
  check("every acknowledged revoke is in the database with its audit event", Number(revokes.rows[0]?.n) === revoked.length, `${revokes.rows[0]?.n} of ${revoked.length}`);
  const roleAcks = samples.filter((s) => (s.op === "grantRole" || s.op === "revokeRole") && s.outcome === "ok");
  const roleEvents = await direct.query<{ type: string; n: string }>(
    `SELECT type::text, count(*)::text AS n FROM audit_events WHERE type IN ('ROLE_GRANTED', 'ROLE_REVOKED') AND metadata->>'key' = 'soak' GROUP BY type`,
  );
  const events = Object.fromEntries(roleEvents.rows.map((r) => [r.type, Number(r.n)]));
  const granted = roleAcks.filter((s) => s.op === "grantRole").length;
  const revokedRoles = roleAcks.filter((s) => s.op === "revokeRole").length;
  check(
    "every acknowledged role grant and revoke has its audit event",
    (events.ROLE_GRANTED ?? 0) >= granted && (events.ROLE_REVOKED ?? 0) >= revokedRoles,
    `granted ${granted} acked / ${events.ROLE_GRANTED ?? 0} events, revoked ${revokedRoles} acked / ${events.ROLE_REVOKED ?? 0} events`,
  );

  const url = cluster.instances[0]?.url ?? "";
  const integrity = await gql(url, `{ auditIntegrity { ok checkedCount message } }`, {}, input.adminToken);
  const report = integrity.data?.auditIntegrity as { ok?: boolean; checkedCount?: number; message?: string } | undefined;
  check("the audit chain verifies", report?.ok === true, `${report?.checkedCount ?? 0} events: ${report?.message ?? JSON.stringify(integrity.errors)}`);

  check(
    "no revoked token accepted after its revoke returned (any instance, partition included)",
    ledger.acceptedAfterRevoke.length === 0,
    `${ledger.acceptedAfterRevoke.length} acceptances after ${ledger.revokes.length} revokes ${JSON.stringify(ledger.acceptedAfterRevoke.slice(0, 5))}`,
  );
  // Later re-checks too: every revoked token, on every instance, at the end.
  let late = 0;
  for (const r of ledger.revokes) {
    for (const i of cluster.instances) {
      const v = await gql(i.url, `{ viewer { session { id } } }`, {}, r.token);
      if (v.data?.viewer) late++;
    }
  }
  check("every revoked token is refused by every instance at the end", late === 0, `${late} acceptances`);

  const recovered = await eventually(async () => {
    const statuses = await Promise.all(
      cluster.instances.map(async (i) => {
        const ready = (await fetch(`${i.url}/ready`).catch(() => null))?.status;
        const health = await gql(i.url, `{ health { status } }`);
        return ready === 200 && (health.data?.health as { status?: string } | undefined)?.status === "OK";
      }),
    );
    return statuses.every(Boolean);
  }, 20_000);
  check("recovery without restart: every instance ready and healthy", recovered, recovered ? "all OK" : "not recovered within 20 s");

  const cleaned = await eventually(async () => {
    const r = await direct.query<{ n: string }>(`SELECT count(*)::text AS n FROM sessions WHERE expires_at < now() - interval '8 days'`);
    return Number(r.rows[0]?.n) === 0;
  }, 60_000);
  const batches = await direct.query<{ n: string; deleted: string }>(
    `SELECT count(*)::text AS n, coalesce(sum((metadata->>'deleted')::int), 0)::text AS deleted FROM audit_events WHERE type = 'SESSIONS_CLEANED' AND metadata->>'jobId' = $1`,
    [input.cleanupJob],
  );
  check("the cleanup deleted every expired session, one audit event per batch", cleaned && Number(batches.rows[0]?.n) > 0, `job ${input.cleanupJob}: ${batches.rows[0]?.n} batches, ${batches.rows[0]?.deleted} deleted`);

  const growth = input.rssEnd.map((end, k) => (input.rssAfterWarmup[k] ? (end - (input.rssAfterWarmup[k] ?? 0)) / (input.rssAfterWarmup[k] ?? 1) : 0));
  check("RSS growth after warm-up under 20 %", growth.every((g) => g < 0.2), growth.map((g) => `${Math.round(g * 1000) / 10} %`).join(", "));
  return checks;
}
