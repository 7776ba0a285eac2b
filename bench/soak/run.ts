// `npm run soak [-- --duration 60] [--instances 2] [--concurrency 8] [--cleanup-rows 100000] [--out file.json]`:
// runs the soak (soak.ts), prints a table and writes the JSON report. Exit 1 when a check fails.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { runSoak } from "./soak.js";
import type { SoakReport } from "./soak.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

export function formatReport(r: SoakReport): string {
  const lines: string[] = [];
  const pad = (s: string | number, n: number): string => String(s).padEnd(n);
  lines.push(`soak: ${r.durationMs / 1000} s, ${r.instances} instances, concurrency ${r.concurrency}`, "");
  lines.push(`${pad("phase", 17)}${pad("requests", 10)}${pad("failed", 8)}${pad("p50 ms", 8)}p99 ms`);
  for (const p of r.phases) lines.push(`${pad(p.phase, 17)}${pad(p.requests, 10)}${pad(p.failed, 8)}${pad(p.p50, 8)}${p.p99}`);
  lines.push("", `${pad("operation", 12)}outcomes`);
  for (const [op, outcomes] of Object.entries(r.requests)) lines.push(`${pad(op, 12)}${Object.entries(outcomes).map(([o, n]) => `${o} ${n}`).join(", ")}`);
  lines.push("", `errors by code: ${JSON.stringify(r.errorsByCode)}`);
  lines.push(`RSS: ${r.rss.map((x) => `${x.instance} ${(x.afterWarmup / 2 ** 20).toFixed(0)} -> ${(x.end / 2 ** 20).toFixed(0)} MiB (${x.growth} %)`).join("; ")}`);
  lines.push(`/ready while PostgreSQL was cut: ${JSON.stringify(r.readyDuringPostgresOutage)}`, "");
  for (const c of r.checks) lines.push(`${c.ok ? "PASS" : "FAIL"}  ${c.name} — ${c.detail}`);
  lines.push("", r.passed ? "all checks passed" : "SOME CHECKS FAILED");
  return lines.join("\n");
}

const isMain = process.argv[1]?.endsWith("run.ts") ?? false;
if (isMain) {
  const durationMs = Number(arg("duration", "60")) * 1000;
  const out = arg("out", `bench/results/soak-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  const report = await runSoak({
    durationMs,
    instances: Number(arg("instances", "2")),
    concurrency: Number(arg("concurrency", "8")),
    cleanupRows: Number(arg("cleanup-rows", "100000")),
    log: (l) => console.error(`[soak] ${l}`),
    logDir: dirname(out),
  });
  console.log(formatReport(report));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nreport: ${out}`);
  process.exit(report.passed ? 0 : 1);
}
