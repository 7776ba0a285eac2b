// N gateway processes (N = 1, 2, 4) behind a round-robin TCP proxy on loopback, over a private Redis
// Cluster (3 masters + 3 replicas) and a private PostgreSQL primary + streaming replica. Reports
// throughput in total and per instance, and SQL statements (primary, replica; pg_stat_statements)
// and Redis commands (sum over the masters' INFO) per request. Load: a mix of cached `viewer` reads
// (members) and admin `users` pages (replica reads), from CLIENTS concurrent keep-alive clients.
// On a 2-core machine more processes cannot add throughput: this shows the per-request cost and
// correctness as N grows, not a speed-up.
//
//   npx tsx bench/instances.ts        (BENCH_SECONDS=5 per N, BENCH_CLIENTS=16)
import { createConnection, createServer } from "node:net";
import type { AddressInfo, Server } from "node:net";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { Redis } from "ioredis";
import { loadConfig } from "../src/config.js";
import { createPasswordHasher } from "../src/modules/credentials/passwords.js";
import { setup } from "../test/helpers/global-setup.js";
import { TEST_ADMIN, TEST_ENV } from "../test/helpers/pg.js";
import { startRedisCluster } from "../test/helpers/redis-cluster.js";
import { startReplicatedPostgres } from "../test/helpers/replicated-postgres.js";
import { startServer } from "../test/helpers/server.js";
import type { TestServer } from "../test/helpers/server.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const MEMBERS = 40;

/** Round robin per connection: keep-alive clients spread evenly over the instances. */
async function roundRobin(ports: number[]): Promise<{ port: number; close(): Promise<void> }> {
  let next = 0;
  const server: Server = createServer((socket) => {
    const upstream = createConnection({ host: "127.0.0.1", port: ports[next++ % ports.length] as number });
    socket.pipe(upstream).pipe(socket);
    socket.on("error", () => upstream.destroy());
    upstream.on("error", () => socket.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

async function gql(base: string, query: string, variables: Record<string, unknown>, token?: string): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
  const res = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

async function statementCalls(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ n: string }>("SELECT coalesce(sum(calls), 0)::text AS n FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%'");
    return Number(rows[0]?.n ?? 0);
  } finally {
    await c.end();
  }
}

async function redisCommands(ports: number[]): Promise<number> {
  let total = 0;
  for (const port of ports) {
    const r = new Redis({ port, host: "127.0.0.1", lazyConnect: true });
    await r.connect();
    total += Number(/total_commands_processed:(\d+)/.exec(await r.info("stats"))?.[1] ?? 0);
    r.disconnect();
  }
  return total;
}

async function operations(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith("authgraph_graphql_operations_total"))
    .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
}

await setup(); // startServer clones the test template (unused here: DATABASE_URL points at the private primary)
const cluster = await startRedisCluster();
const db = await startReplicatedPostgres({ preload: "pg_stat_statements" });
const admin = new pg.Client({ connectionString: db.primary.url });
await admin.connect();
await admin.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
const hasher = createPasswordHasher(loadConfig({ ...TEST_ENV }));
const hash = await hasher.hash("correct-horse-battery");
for (let i = 0; i < MEMBERS; i++) {
  await admin.query("INSERT INTO users (id, email, name, password_hash, updated_at) VALUES (gen_random_uuid(), $1, $2, $3, now())", [`m${i}@bench.local`, `m${i}`, hash]);
}
await admin.end();
await new Promise((r) => setTimeout(r, 1000)); // the replica has the members

const env = {
  DATABASE_URL: db.primary.url,
  DATABASE_REPLICA_URLS: db.replica.url,
  REDIS_URL: "",
  REDIS_CLUSTER_NODES: cluster.seeds,
  CACHE_NAMESPACE: "bench",
  LOG_LEVEL: "warn",
  CACHE_TIMEOUT_MS: "200",
  LOGIN_MAX_FAILURES_PER_IP: "100000",
};
const rows: string[] = [];
for (const n of [1, 2, 4]) {
  const servers: TestServer[] = [];
  for (let i = 0; i < n; i++) servers.push(await startServer({ env }));
  const proxy = await roundRobin(servers.map((s) => Number(new URL(s.url).port)));
  const base = `http://127.0.0.1:${proxy.port}`;
  const signIn = `mutation($input: SignInInput!) { signIn(input: $input) { ... on SignInSuccess { token } } }`;
  const tokens: string[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    const r = await gql(base, signIn, { input: { email: `m${i}@bench.local`, password: "correct-horse-battery" } });
    tokens.push((r.data?.signIn as { token: string }).token);
  }
  const adminToken = ((await gql(base, signIn, { input: TEST_ADMIN })).data?.signIn as { token: string }).token;
  // Warm-up: every session and the admin's permissions cached.
  for (const t of tokens) await gql(base, "{ viewer { user { id } } }", {}, t);
  await gql(base, "{ users(first: 20) { edges { node { id email } } } }", {}, adminToken);

  const opsBefore = await Promise.all(servers.map((s) => operations(s.url)));
  const [pBefore, rBefore, cBefore] = [await statementCalls(db.primary.url), await statementCalls(db.replica.url), await redisCommands((await cluster.masters()).map((m) => m.port))];
  let requests = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const users = i % 5 === 4;
        const r = users
          ? await gql(base, "{ users(first: 20) { edges { node { id email } } } }", {}, adminToken)
          : await gql(base, "{ viewer { user { id email } } }", {}, tokens[(c * 7 + i) % tokens.length]);
        requests++;
        if (r.errors || !r.data) errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const [pAfter, rAfter, cAfter] = [await statementCalls(db.primary.url), await statementCalls(db.replica.url), await redisCommands((await cluster.masters()).map((m) => m.port))];
  const opsAfter = await Promise.all(servers.map((s) => operations(s.url)));
  const perInstance = opsAfter.map((a, i) => ((a - (opsBefore[i] ?? 0)) / seconds).toFixed(0));
  rows.push(
    `| ${n} | ${(requests / seconds).toFixed(0)} | ${perInstance.join(" / ")} | ${errors} | ${((pAfter - pBefore) / requests).toFixed(2)} | ${((rAfter - rBefore) / requests).toFixed(2)} | ${((cAfter - cBefore) / requests).toFixed(2)} |`,
  );
  console.log(rows[rows.length - 1]);
  await proxy.close();
  for (const s of servers) await s.close();
}
console.log(`\n${CLIENTS} clients, ${SECONDS} s per N, 80% cached viewer reads / 20% admin users pages (replica); counts include each instance's 1/s replica lag check and health probes`);
console.log("| instances | requests/s | per instance | errors | SQL on primary / request | SQL on replica / request | Redis commands / request |");
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) console.log(r);
await db.dispose();
await cluster.dispose();
process.exit(0);
