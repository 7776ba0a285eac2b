// `npm run bench`: the peer benchmark. One deterministic fixture, the raw floor, the gateway (production
// mode, real Redis) and optionally PostGraphile v5 as child processes on loopback, workloads W0–W6
// interleaved per round (floor, gateway, peer, floor, gateway, peer… after a warm-up), then an open-loop
// run per workload at half the gateway's closed-loop rate for honest p99s. Prints one table (and one for
// the peer) and writes bench/results/<date>.json. Node CPU per request comes
// from /proc (the robust figure on a shared machine); every figure is also a ratio to the floor measured
// in the same round. SQL statements and Redis commands per request are counted in-process (bench/perf/count.ts,
// the same function test/perf/ pins).
//
//   npm run bench                 10,000 users × 3 sessions, 20 roles, 100 permissions, 100k audit events, 3 rounds
//   npm run bench -- --quick      1,000 users, 10k audit events, 1 round, short runs (a smoke run)
//   options: --rounds N  --duration MS  --connections N  --only W1,W3  --cpu-prof DIR (profiles the gateway)
//            --node-flags=--max-semi-space-size=32 (extra flags for the gateway's node, space-separated)
//            --response-cache-ttl MS (default 10000; 0 runs the gateway without its response cache)
//            --peer postgraphile (PostGraphile v5 over the same database: bench/perf/peer-server.ts)
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg, cpus } from "node:os";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import pg from "pg";
import { REDIS_URL, SERVER_URL, TEST_ENV, cloneTemplate, dropDatabase, urlFor } from "../test/helpers/pg.js";
import { countPerRequest } from "./perf/count.js";
import type { Counts } from "./perf/count.js";
import { FULL, PRODUCTION_GATEWAY_ENV, QUICK, seedFixture } from "./perf/fixture.js";
import { closedLoop, openLoop, percentile } from "./perf/load.js";
import type { Req, RunResult } from "./perf/load.js";
import { PostgresCpu, cpuMs } from "./perf/proc.js";
import { countPeer, peerCursors } from "./perf/peer-count.js";
import type { PeerCounts } from "./perf/peer-count.js";
import { startFloor, startGateway, startPeer } from "./perf/servers.js";
import type { Running } from "./perf/servers.js";
import { printTable, summarise } from "./perf/report.js";
import type { Sample } from "./perf/report.js";
import { workloads } from "./perf/workloads.js";
import type { Target } from "./perf/workloads.js";
import { USERS_PAGE } from "./perf/documents.js";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    duration: { type: "string" },
    connections: { type: "string", default: "10" },
    only: { type: "string" },
    peer: { type: "string" },
    "cpu-prof": { type: "string" },
    "node-flags": { type: "string" },
    "no-open-loop": { type: "boolean", default: false },
    "response-cache-ttl": { type: "string", default: "10000" },
  },
});
if (args.peer && args.peer !== "postgraphile") {
  console.error(`--peer ${args.peer}: the only peer is postgraphile`);
  process.exit(2);
}
const size = args.quick ? QUICK : FULL;
const rounds = Number(args.rounds ?? (args.quick ? 1 : 3));
const durationMs = Number(args.duration ?? (args.quick ? 1500 : 5000));
const connections = Number(args.connections);
const namespace = `bench${process.pid}`;

const database = await cloneTemplate();
const databaseUrl = urlFor(database);
const admin = new pg.Client({ connectionString: SERVER_URL });
const redis = new Redis(REDIS_URL);
const servers: Running[] = [];
try {
  await admin.connect();
  console.log(`seeding ${size.users} users × ${size.sessionsPerUser} sessions, ${size.roles} roles, ${size.permissions} permissions, ${size.auditEvents} audit events…`);
  const fixture = await seedFixture(databaseUrl, size);
  const gatewayEnv = {
    ...TEST_ENV,
    ...PRODUCTION_GATEWAY_ENV,
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    CACHE_NAMESPACE: namespace,
    // Whole-result cache (0 = off): warm workloads are hits, cold ones pay a miss and a write.
    RESPONSE_CACHE_TTL_MS: args["response-cache-ttl"],
  };
  const cpuProf = args["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${args["cpu-prof"]}`] : [];
  const nodeFlags = (args["node-flags"] ?? "").split(" ").filter(Boolean);
  const gateway = await startGateway(gatewayEnv, [...nodeFlags, ...cpuProf]);
  servers.push(gateway);
  const floor = await startFloor({ DATABASE_URL: databaseUrl, REDIS_URL, FLOOR_KEY_PREFIX: `auth:${namespace}floor:`, FLOOR_PASSWORD_HASH: fixture.passwordHash });
  servers.push(floor);
  const peer = args.peer ? await startPeer({ DATABASE_URL: databaseUrl }) : null;
  if (peer) servers.push(peer);
  const targets: Record<Target, Running | null> = { gateway, floor, peer };

  const warmOne = async (target: Target, req: Req): Promise<void> => {
    const server = targets[target];
    if (server) await closedLoop(server.url, (i) => (i === 0 ? req : null), { connections: 1, durationMs: 60_000 });
  };
  const { gatewayCursors, floorCursors } = await pageCursors(gateway.url, fixture.adminToken, databaseUrl, size.users);
  const pCursors = peer ? await peerCursors(peer.url, size.users) : [];
  const unrevoke = async (ids: readonly string[]): Promise<void> => {
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      await db.query("UPDATE sessions SET revoked_at = NULL, revoked_reason = NULL WHERE id = ANY($1::uuid[])", [ids]);
    } finally {
      await db.end();
    }
  };
  const all = workloads({ fixture, redis, prefix: `auth:${namespace}:`, gatewayCursors, floorCursors, peerCursors: pCursors, warm: warmOne, unrevoke });
  const only = args.only?.split(",");
  const selected = only ? all.filter((w) => only.includes(w.id)) : all;

  const pgCpu = new PostgresCpu(admin, database);
  const samples: Sample[] = [];
  // Each workload's servers in a fixed order: floor, gateway, then the peer where it has a document.
  const targetsOf = (w: (typeof selected)[number]): Target[] => (peer && w.requests().peer ? ["floor", "gateway", "peer"] : ["floor", "gateway"]);
  const run = async (round: number, w: (typeof selected)[number], target: Target, timed: boolean): Promise<RunResult | null> => {
    const server = targets[target];
    const gen = w.requests()[target];
    if (!server || !gen) return null;
    await w.prepare?.(target);
    const pg0 = await pgCpu.sample();
    const cpu0 = cpuMs(server.pid);
    const result = await closedLoop(server.url, gen, { connections, durationMs: timed ? durationMs : Math.min(durationMs, 1000) });
    const cpu = cpuMs(server.pid) - cpu0;
    const pgMs = PostgresCpu.delta(pg0, await pgCpu.sample());
    if (timed) samples.push({ round, workload: w.id, target, result, cpuMs: cpu, pgCpuMs: pgMs, load1: loadavg()[0] ?? 0 });
    if (result.errors > 0) console.warn(`${w.id} ${target}: ${result.errors}/${result.requests} failed, e.g. ${result.firstError}`);
    return result;
  };

  console.log(`warm-up (${selected.length} workloads × ${peer ? "2–3" : "2"} servers)…`);
  for (const w of selected) for (const target of targetsOf(w)) await run(0, w, target, false);
  for (let round = 1; round <= rounds; round++) {
    console.log(`round ${round}/${rounds} (load ${loadavg().map((l) => l.toFixed(2)).join(" ")})`);
    for (const w of selected) for (const target of targetsOf(w)) await run(round, w, target, true);
  }

  const open: Record<string, { rate: number; p50: number; p99: number; requests: number; errors: number }> = {};
  if (!args["no-open-loop"]) {
    for (const w of selected) {
      const closed = samples.filter((s) => s.workload === w.id && s.target === "gateway");
      const rps = percentile(closed.map((s) => (s.result.requests * 1000) / s.result.durationMs), 0.5);
      const rate = Math.max(1, Math.floor(rps / 2));
      await w.prepare?.("gateway");
      const r = await openLoop(gateway.url, w.requests().gateway, { rate, durationMs });
      open[w.id] = { rate, p50: percentile(r.latencies, 0.5), p99: percentile(r.latencies, 0.99), requests: r.requests, errors: r.errors };
    }
  }

  const counts: Record<string, Counts> = await countPerRequest(gatewayEnv, fixture, selected.map((w) => w.id));
  const peerCounts: Record<string, PeerCounts> = peer ? await countPeer({ DATABASE_URL: databaseUrl }, selected) : {};
  const summary = summarise(selected, samples, counts, open, peerCounts);
  printTable(summary, { rounds, durationMs, connections, size });
  console.log(`gateway: NODE_ENV=production, LOG_LEVEL=info, argon2id m=19456 t=2, RESPONSE_CACHE_TTL_MS=${args["response-cache-ttl"]}`);
  if (peer) console.log(`peer: postgraphile 5.1.5 (Amber preset), NODE_ENV=production, node ${process.version} + Promise.withResolvers (bench/perf/node22-polyfill.ts), no auth`);
  const machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "", loadavgAtEnd: loadavg() };
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  const file = new URL(`./results/${new Date().toISOString().replace(/[:.]/g, "-")}${args.quick ? "-quick" : ""}.json`, import.meta.url);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, options: { rounds, durationMs, connections, size, responseCacheTtlMs: Number(args["response-cache-ttl"]), peer: args.peer ?? null }, summary, samples: samples.map(({ result, ...s }) => ({ ...s, requests: result.requests, errors: result.errors, durationMs: result.durationMs, p50: percentile(result.latencies, 0.5), p99: percentile(result.latencies, 0.99) })) }, null, 2)}\n`);
  console.log(`written ${file.pathname}`);
} finally {
  for (const s of servers.reverse()) await s.stop();
  await redis.quit();
  await admin.end();
  await dropDatabase(database);
}
process.exit(0);

/** The `after` cursor of every 50-user page, as the gateway and the floor spell them. */
async function pageCursors(gatewayUrl: string, token: string, url: string, users: number): Promise<{ gatewayCursors: (string | null)[]; floorCursors: (string | null)[] }> {
  const gatewayCursors: (string | null)[] = [null];
  const pages = Math.floor(users / 50);
  for (let p = 1; p < pages; p++) {
    const res = await fetch(`${gatewayUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: USERS_PAGE, variables: { first: 50, after: gatewayCursors.at(-1) } }),
    });
    const body = (await res.json()) as { data?: { users: { pageInfo: { endCursor: string } } } };
    if (!body.data) throw new Error(`page walk failed: ${JSON.stringify(body)}`);
    gatewayCursors.push(body.data.users.pageInfo.endCursor);
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query<{ at: Date; id: string }>("SELECT created_at AS at, id FROM (SELECT created_at, id, row_number() OVER (ORDER BY created_at, id) AS n FROM users) x WHERE n % 50 = 0 ORDER BY n");
  await c.end();
  return { gatewayCursors, floorCursors: [null, ...rows.slice(0, pages - 1).map((r) => `${r.at.toISOString()}|${r.id}`)] };
}
