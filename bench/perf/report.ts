// Medians over rounds, ratios to the floor of the same round, and the printed table.
import type { Counts } from "./count.js";
import type { FixtureSize } from "./fixture.js";
import { percentile } from "./load.js";
import type { RunResult } from "./load.js";
import type { PeerCounts } from "./peer-count.js";
import type { Target, Workload } from "./workloads.js";

export interface Sample {
  round: number;
  workload: string;
  target: Target;
  result: RunResult;
  /** Node CPU of the server over the run, ms. */
  cpuMs: number;
  /** CPU of the PostgreSQL backends serving the bench database over the run, ms. */
  pgCpuMs: number;
  load1: number;
}

export interface Row {
  id: string;
  label: string;
  floor: string;
  gateway: Figures;
  floorFigures: Figures;
  /** Median over rounds of (gateway CPU/request ÷ floor CPU/request in that round). */
  cpuRatio: number;
  throughputRatio: number;
  counts: Counts | null;
  openLoop: { rate: number; p50: number; p99: number; requests: number; errors: number } | null;
  loadPerRound: number[];
  /** PostGraphile's figures where the workload has a peer document and the run had `--peer`. */
  peer: PeerRow | null;
}

export interface PeerRow {
  figures: Figures;
  /** Median over rounds of (peer CPU/request ÷ floor CPU/request in that round). */
  cpuRatio: number;
  throughputRatio: number;
  /** Median over rounds of (gateway CPU/request ÷ peer CPU/request in that round): > 1 = authgraph spends more. */
  gatewayOverPeer: number;
  counts: PeerCounts | null;
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerReq: number;
  pgCpuMsPerReq: number;
  errors: number;
}

const median = (xs: number[]): number => percentile(xs, 0.5);
const perReq = (s: Sample): number => s.cpuMs / Math.max(1, s.result.requests);

function figures(samples: Sample[]): Figures {
  return {
    rps: median(samples.map((s) => (s.result.requests * 1000) / s.result.durationMs)),
    p50: median(samples.map((s) => percentile(s.result.latencies, 0.5))),
    p99: median(samples.map((s) => percentile(s.result.latencies, 0.99))),
    cpuMsPerReq: median(samples.map(perReq)),
    pgCpuMsPerReq: median(samples.map((s) => s.pgCpuMs / Math.max(1, s.result.requests))),
    errors: samples.reduce((n, s) => n + s.result.errors, 0),
  };
}

export function summarise(
  workloads: Workload[],
  samples: Sample[],
  counts: Record<string, Counts>,
  open: Record<string, Row["openLoop"]>,
  peerCounts: Record<string, PeerCounts> = {},
): Row[] {
  return workloads.map((w) => {
    const mine = samples.filter((s) => s.workload === w.id);
    const gw = mine.filter((s) => s.target === "gateway");
    const fl = mine.filter((s) => s.target === "floor");
    const pe = mine.filter((s) => s.target === "peer");
    const rounds = [...new Set(mine.map((s) => s.round))];
    const ratioOf = (as: Sample[], bs: Sample[], f: (a: Sample, b: Sample) => number): number =>
      median(rounds.flatMap((r) => {
        const a = as.find((s) => s.round === r);
        const b = bs.find((s) => s.round === r);
        const value = a && b ? f(a, b) : Number.NaN;
        // A round whose floor showed no CPU tick (10 ms resolution) has no ratio: it is left out.
        return Number.isFinite(value) ? [value] : [];
      }));
    const ratio = (f: (g: Sample, x: Sample) => number): number => ratioOf(gw, fl, f);
    const cpu = (a: Sample, b: Sample): number => (perReq(b) > 0 ? perReq(a) / perReq(b) : Number.NaN);
    const throughput = (a: Sample, b: Sample): number => a.result.requests / a.result.durationMs / (b.result.requests / b.result.durationMs);
    const peer: PeerRow | null = pe.length
      ? { figures: figures(pe), cpuRatio: ratioOf(pe, fl, cpu), throughputRatio: ratioOf(pe, fl, throughput), gatewayOverPeer: ratioOf(gw, pe, cpu), counts: peerCounts[w.id] ?? null }
      : null;
    return {
      id: w.id,
      label: w.label,
      floor: w.floor,
      gateway: figures(gw),
      floorFigures: figures(fl),
      cpuRatio: ratio(cpu),
      throughputRatio: ratio(throughput),
      counts: counts[w.id] ?? null,
      openLoop: open[w.id] ?? null,
      loadPerRound: rounds.map((r) => gw.find((s) => s.round === r)?.load1 ?? 0),
      peer,
    };
  });
}

export function printTable(rows: Row[], opts: { rounds: number; durationMs: number; connections: number; size: FixtureSize }): void {
  const f = (n: number, d = 2): string => n.toFixed(d);
  console.log(`\n${opts.size.users} users × ${opts.size.sessionsPerUser} sessions, ${opts.size.roles} roles, ${opts.size.permissions} permissions, ${opts.size.auditEvents} audit events; ${opts.rounds} round(s) of ${opts.durationMs} ms, ${opts.connections} connections; node ${process.version}`);
  console.log("| workload | authgraph CPU ms/req | ×floor | req/s (×floor) | p50 / p99 ms | open-loop p99 ms @ rate | SQL | Redis | PG CPU ms/req | floor | floor CPU ms/req | floor req/s |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const g = r.gateway;
    const o = r.openLoop ? `${f(r.openLoop.p99, 1)} @ ${r.openLoop.rate}/s` : "—";
    console.log(
      `| ${r.id} ${r.label} | ${f(g.cpuMsPerReq)} | ×${f(r.cpuRatio, 1)} | ${f(g.rps, 0)} (×${f(r.throughputRatio, 2)}) | ${f(g.p50, 1)} / ${f(g.p99, 1)} | ${o} | ${r.counts?.sql ?? "?"} | ${r.counts?.redis ?? "?"} | ${f(g.pgCpuMsPerReq)} | ${r.floor} | ${f(r.floorFigures.cpuMsPerReq, 3)} | ${f(r.floorFigures.rps, 0)} |`,
    );
    if (g.errors > 0) console.log(`|   ${r.id}: ${g.errors} failed requests |`);
  }
  console.log(`load average (1 min) per round: ${rows[0]?.loadPerRound.map((l) => l.toFixed(2)).join(", ") ?? ""}`);
  const peers = rows.filter((r) => r.peer);
  if (peers.length === 0) return;
  console.log("\nPostGraphile v5 (peer), same rounds; ×floor against the floor of the same round:");
  console.log("| workload | PostGraphile CPU ms/req | ×floor | req/s (×floor) | p50 / p99 ms | SQL | PG CPU ms/req | authgraph ÷ PostGraphile CPU |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of peers) {
    const p = r.peer;
    if (!p) continue;
    const g = p.figures;
    console.log(
      `| ${r.id} ${r.label} | ${f(g.cpuMsPerReq)} | ×${f(p.cpuRatio, 1)} | ${f(g.rps, 0)} (×${f(p.throughputRatio, 2)}) | ${f(g.p50, 1)} / ${f(g.p99, 1)} | ${p.counts?.sql ?? "?"} | ${f(g.pgCpuMsPerReq)} | ×${f(p.gatewayOverPeer, 2)} |`,
    );
    if (g.errors > 0) console.log(`|   ${r.id}: ${g.errors} failed requests |`);
  }
}
