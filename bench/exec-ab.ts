// A/B of execution cost in-process: the same workloads through two (or more) source trees' gateways in
// ONE process, interleaved block by block, Node CPU per request from process.cpuUsage. No HTTP and no
// load generator share the cores, so JS-level changes (plugins, scopes, execution) resolve far below
// the ~15 % noise of the HTTP bench; the HTTP bench (bench/run.ts) stays the figure of record.
//
//   NODE_ENV=production NODE_OPTIONS=--preserve-symlinks npx tsx bench/exec-ab.ts --roots /path/to/baseline,/path/to/branch [--only W0,W2] [--iterations 300] [--blocks 6]
// --preserve-symlinks gives each tree its own module instances when the trees share one node_modules
// through a symlink (Pothos refuses a second implementation of a plugin name in one instance).
// A root may carry env overrides for its gateways: `/path/to/branch|GRAPHQL_JIT=true` (the same path twice
// compares two settings of one tree).
// Each root needs its own src/ (with src/generated) and a node_modules that resolves; logs at info go to /dev/null.
// The tree loaded second runs measurably slower even when both trees hold the same code (7–16 % on the
// page here), so two different trees are measured in both load orders, one child process each, and
// the figures combine both (--order given runs one order in this process).
import { parseArgs } from "node:util";
import { pino } from "pino";
import { REDIS_URL, TEST_ENV, cloneTemplate, dropDatabase, urlFor } from "../test/helpers/pg.js";
import { EFFECTIVE_PERMISSIONS, SIGN_IN, USERS_PAGE, VIEWER, W0_TYPENAME } from "./perf/documents.js";
import { bothOrders, median } from "./perf/exec-orders.js";
import { PASSWORD, PRODUCTION_GATEWAY_ENV, QUICK, seedFixture } from "./perf/fixture.js";

const { values: args } = parseArgs({
  options: {
    roots: { type: "string" },
    only: { type: "string" },
    iterations: { type: "string", default: "300" },
    blocks: { type: "string", default: "6" },
    order: { type: "string", default: "both" },
    json: { type: "boolean", default: false },
  },
});
// graphql-js reads NODE_ENV when it loads: outside production every instanceof check also compares
// type names across realms, which the gateway in production does not pay.
if (process.env.NODE_ENV !== "production") throw new Error("run with NODE_ENV=production (as the gateway runs)");
const roots = (args.roots ?? "").split(",").filter(Boolean);
if (roots.length === 0) throw new Error("--roots A,B");
const distinctTrees = new Set(roots.map((r) => r.split("|")[0])).size;
const preserveSymlinks = process.execArgv.includes("--preserve-symlinks") || (process.env.NODE_OPTIONS ?? "").includes("--preserve-symlinks");
if (distinctTrees > 1 && !preserveSymlinks) throw new Error("two source trees need NODE_OPTIONS=--preserve-symlinks (see the header)");
if (distinctTrees > 1 && args.order === "both") {
  bothOrders(roots);
  process.exit(0);
}
const iterations = Number(args.iterations);
const blocks = Number(args.blocks);

type Gw = Pick<import("../src/server/yoga.js").Gateway, "fetch">;
interface Tree {
  root: string;
  /** Response cache on (the bench's gateway settings). */
  bench: Gw;
  /** Response cache off: every request executes. */
  exec: Gw;
  close(): Promise<void>;
}

const database = await cloneTemplate();
const databaseUrl = urlFor(database);
const size = { ...QUICK, auditEvents: 1000 };
const fixture = await seedFixture(databaseUrl, size);

async function load(spec: string, n: number): Promise<Tree> {
  const [root = "", ...overrides] = spec.split("|");
  const extra = Object.fromEntries(overrides.map((o) => o.split("=") as [string, string]));
  const { createApp, closeApp } = (await import(`${root}/src/app.ts`)) as typeof import("../src/app.js");
  const { loadConfig } = (await import(`${root}/src/config.ts`)) as typeof import("../src/config.js");
  const { createLogger } = (await import(`${root}/src/observability/log.ts`)) as typeof import("../src/observability/log.js");
  const { createGateway } = (await import(`${root}/src/server/yoga.ts`)) as typeof import("../src/server/yoga.js");
  const make = async (ttl: string) => {
    const env = {
      ...TEST_ENV,
      ...PRODUCTION_GATEWAY_ENV,
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      CACHE_NAMESPACE: `ab${process.pid}t${n}r${ttl}`,
      RESPONSE_CACHE_TTL_MS: ttl,
      ...extra,
    };
    const config = loadConfig(env);
    const { app } = await createApp(config, { log: createLogger(config, pino.destination({ dest: "/dev/null", sync: true })), migrate: false });
    return { app, yoga: createGateway(app), close: () => closeApp(app) };
  };
  const bench = await make("10000");
  const exec = await make("0");
  return { root: spec, bench: bench.yoga, exec: exec.yoga, close: async () => (await bench.close(), await exec.close()) };
}

const trees: Tree[] = [];
for (const [i, root] of roots.entries()) trees.push(await load(root, i));

const warmSet = fixture.sessions[1]?.slice(-100) ?? [];
const cycle = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

interface Case {
  id: string;
  label: string;
  gw: (t: Tree) => Gw;
  req: (i: number) => { query: string; variables?: Record<string, unknown>; token?: string };
}
const cases: Case[] = [
  { id: "W0", label: "{ __typename }", gw: (t) => t.bench, req: () => ({ query: W0_TYPENAME }) },
  { id: "W2", label: "viewer warm (response cache hit)", gw: (t) => t.bench, req: (i) => ({ query: VIEWER, token: cycle(warmSet, i).token }) },
  { id: "W4w", label: "permissions warm (response cache hit)", gw: (t) => t.bench, req: (i) => ({ query: EFFECTIVE_PERMISSIONS, token: cycle(warmSet, i).token }) },
  { id: "V", label: "viewer warm, executed", gw: (t) => t.exec, req: (i) => ({ query: VIEWER, token: cycle(warmSet, i).token }) },
  { id: "P", label: "permissions warm, executed", gw: (t) => t.exec, req: (i) => ({ query: EFFECTIVE_PERMISSIONS, token: cycle(warmSet, i).token }) },
  // Includes the argon2id verify (its thread's CPU counts in process.cpuUsage): compare with V0.
  { id: "W5", label: "sign-in, executed", gw: (t) => t.exec, req: (i) => ({ query: SIGN_IN, variables: { input: { email: cycle(fixture.emails, i), password: PASSWORD } } }) },
  { id: "U50", label: "50-user page, fragments warm, executed", gw: (t) => t.exec, req: () => ({ query: USERS_PAGE, variables: { first: 50 }, token: fixture.adminToken }) },
];
const only = args.only?.split(",");
const selected = only ? cases.filter((c) => only.includes(c.id)) : cases;

async function send(gw: Gw, r: ReturnType<Case["req"]>): Promise<void> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (r.token) headers.authorization = `Bearer ${r.token}`;
  const res = await gw.fetch("http://bench.local/graphql", { method: "POST", headers, body: JSON.stringify({ query: r.query, variables: r.variables ?? {} }) });
  const text = await res.text();
  if (res.status !== 200 || text.includes('"errors"')) throw new Error(`${r.query.slice(0, 30)}: ${text.slice(0, 300)}`);
}

async function block(c: Case, t: Tree, n: number): Promise<number> {
  const gw = c.gw(t);
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await send(gw, c.req(i));
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1000 / n;
}

try {
  for (const c of selected) {
    // Warm-up: fragments, response cache entries and the JIT.
    for (const t of trees) await block(c, t, Math.min(iterations, 200));
    const results = trees.map(() => [] as number[]);
    for (let b = 0; b < blocks; b++) {
      // Alternate which tree goes first, so drift in load favours neither.
      const order = b % 2 === 0 ? trees.map((_, i) => i) : trees.map((_, i) => trees.length - 1 - i);
      for (const i of order) results[i]?.push(await block(c, trees[i] as Tree, iterations));
    }
    if (args.json) {
      console.log(JSON.stringify({ id: c.id, label: c.label, roots: trees.map((t) => t.root), results }));
      continue;
    }
    const base = median(results[0] ?? []);
    const line = trees.map((t, i) => {
      const m = median(results[i] ?? []);
      // Paired: each block against the baseline's block next to it in time.
      const paired = median((results[i] ?? []).map((x, b) => x / (results[0]?.[b] ?? x)));
      return `${t.root.split("/").pop()} ${(m * 1000).toFixed(0)} µs${i > 0 ? ` (${(((m - base) / base) * 100).toFixed(1)} %; paired ${((paired - 1) * 100).toFixed(1)} %)` : ""}`;
    });
    console.log(`${c.id.padEnd(4)} ${c.label.padEnd(40)} ${line.join("   ")}`);
  }
} finally {
  for (const t of trees) await t.close();
  await dropDatabase(database);
}
process.exit(0);
