// Benchmark: can one anonymous client stall everybody else through validation? A real gateway process
// (the build `npm start` runs) serves `{ health { status } }` to a polite client, first alone, then
// while two attackers keep posting batches of ten distinct documents that each select the same field
// hundreds of times (graphql-js' OverlappingFieldsCanBeMerged is quadratic in same-named fields, and
// distinct documents defeat the validation cache). Prints the polite client's latency before vs during.
//
//   npm run bench:attack   (needs the test PostgreSQL + Redis; BENCH_SECONDS per phase, default 5;
//                           GRAPHQL_MAX_FIELDS / _TOKENS / _BATCH / _DOCUMENT_BYTES are passed on)
//
// Two attacks: the one as first reported (~100 KB batches, ~480 selections per document), and the
// largest batch the configured limits still let through to validation (what remains possible).
import { performance } from "node:perf_hooks";
import { loadConfig } from "../src/config.js";
import { setup } from "../test/helpers/global-setup.js";
import { startServer } from "../test/helpers/server.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ATTACKERS = 2;

interface Attack {
  name: string;
  /** A fresh body per call: documents never seen before, so no parse or validation cache helps. */
  body: () => string;
}

let sequence = 0;

/** A batch of `docs` new documents, each selecting `health { status }` `selections` times. */
function batch(docs: number, selections: number): () => string {
  const selection = "health { status } ".repeat(selections);
  return () => JSON.stringify(Array.from({ length: docs }, () => ({ query: `query Q${(sequence++).toString(36).padStart(4, "0")} { ${selection}}` })));
}

const LIMITS = ["GRAPHQL_MAX_FIELDS", "GRAPHQL_MAX_TOKENS", "GRAPHQL_MAX_BATCH", "GRAPHQL_MAX_DOCUMENT_BYTES"] as const;
const limits = Object.fromEntries(LIMITS.flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])));
const config = loadConfig(limits);

// The largest batch within the limits: GRAPHQL_MAX_BATCH documents sharing GRAPHQL_MAX_TOKENS (4 tokens
// per selection, 4 per document), each under GRAPHQL_MAX_FIELDS (2 fields per selection).
const docs = Math.max(1, config.GRAPHQL_MAX_BATCH);
const allowed = Math.min(Math.floor(config.GRAPHQL_MAX_FIELDS / 2), Math.floor((config.GRAPHQL_MAX_TOKENS / docs - 4) / 4));

const ATTACKS: Attack[] = [
  { name: "as reported: 10 docs x 480 selections", body: batch(10, 480) },
  { name: `largest allowed: ${docs} docs x ${allowed} selections`, body: batch(docs, allowed) },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

function summary(latencies: number[]): string {
  const s = [...latencies].sort((a, b) => a - b);
  return `n=${String(s.length).padStart(5)}  p50 ${percentile(s, 50).toFixed(1).padStart(7)} ms  p99 ${percentile(s, 99).toFixed(1).padStart(7)} ms  max ${(s.at(-1) ?? Number.NaN).toFixed(1).padStart(7)} ms`;
}

async function post(url: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  return { status: res.status, text: await res.text() };
}

/** The polite client: sequential health queries for `seconds`, latency of each. */
async function politeClient(url: string, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const body = JSON.stringify({ query: "{ health { status } }" });
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    const r = await post(url, body);
    if (r.status !== 200) throw new Error(`health query failed: ${r.status} ${r.text}`);
    latencies.push(performance.now() - t0);
  }
  return latencies;
}

/** What the gateway answered the attack: status and error codes (first operation's, for batches). */
function outcome(r: { status: number; text: string }): string {
  const parsed = JSON.parse(r.text) as unknown;
  const first = (Array.isArray(parsed) ? parsed[0] : parsed) as { errors?: { extensions?: { code?: string } }[] } | undefined;
  const codes = [...new Set(first?.errors?.map((e) => e.extensions?.code ?? "?") ?? [])];
  return `HTTP ${r.status}${codes.length ? ` ${codes.join(",")}` : " ok"}${Array.isArray(parsed) ? ` (batch of ${parsed.length})` : ""}`;
}

await setup();
// Trusted documents off: with production's default (`only`) every attack document would be refused
// before parsing, and this measures what the limits let through for a gateway that takes any document.
const server = await startServer({ env: { NODE_ENV: "production", LOG_LEVEL: "warn", PERSISTED_OPERATIONS: "off", ...limits } });
const url = `${server.url}/graphql`;
try {
  await politeClient(url, 0.5); // warm-up
  console.log(`validation attack, ${SECONDS} s per phase, ${ATTACKERS} attackers, node ${process.version}`);
  console.log(`limits: ${LIMITS.map((k) => `${k}=${config[k]}`).join(" ")}`);
  console.log(`${"baseline (no attack)".padEnd(44)} ${summary(await politeClient(url, SECONDS))}`);
  for (const attack of ATTACKS) {
    let stop = false;
    let sent = 0;
    let answer = "";
    const attackers = Array.from({ length: ATTACKERS }, async () => {
      while (!stop) {
        answer = outcome(await post(url, attack.body()));
        sent++;
      }
    });
    const latencies = await politeClient(url, SECONDS);
    stop = true;
    await Promise.all(attackers);
    console.log(`${`during: ${attack.name}`.padEnd(44)} ${summary(latencies)}`);
    console.log(`${"".padEnd(44)} attack: ${(Buffer.byteLength(attack.body()) / 1024).toFixed(0)} KB per request, ${sent} sent, answered ${answer}`);
  }
} finally {
  await server.close();
}
process.exit(0);
