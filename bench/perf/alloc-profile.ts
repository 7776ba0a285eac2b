// Where a workload allocates: V8's sampling heap profiler over N in-process requests, counting objects
// the scavenger already collected too (GC churn is what a CPU profile shows as "(garbage collector)").
// Bytes by function and by package, most first.
//
//   NODE_ENV=production npx tsx bench/perf/alloc-profile.ts [--case page|viewer|permissions] [--requests 200] [--top 30]
import { Session } from "node:inspector/promises";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { closeApp, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/observability/log.js";
import { createGateway } from "../../src/server/yoga.js";
import { REDIS_URL, TEST_ENV, cloneTemplate, dropDatabase, urlFor } from "../../test/helpers/pg.js";
import { EFFECTIVE_PERMISSIONS, USERS_PAGE, VIEWER } from "./documents.js";
import { PRODUCTION_GATEWAY_ENV, QUICK, seedFixture } from "./fixture.js";

const { values: args } = parseArgs({
  options: { case: { type: "string", default: "page" }, requests: { type: "string", default: "200" }, top: { type: "string", default: "30" } },
});
if (process.env.NODE_ENV !== "production") throw new Error("run with NODE_ENV=production (as the gateway runs)");

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

const database = await cloneTemplate();
const databaseUrl = urlFor(database);
const fixture = await seedFixture(databaseUrl, { ...QUICK, auditEvents: 1000 });
const config = loadConfig({ ...TEST_ENV, ...PRODUCTION_GATEWAY_ENV, DATABASE_URL: databaseUrl, REDIS_URL, CACHE_NAMESPACE: `alloc${process.pid}`, RESPONSE_CACHE_TTL_MS: "0" });
const { app } = await createApp(config, { log: createLogger(config, pino.destination({ dest: "/dev/null", sync: true })), migrate: false });
const yoga = createGateway(app);
const token = args.case === "page" ? fixture.adminToken : (fixture.sessions[1]?.at(-1)?.token ?? "");
const body = JSON.stringify(
  args.case === "page" ? { query: USERS_PAGE, variables: { first: 50 } } : { query: args.case === "viewer" ? VIEWER : EFFECTIVE_PERMISSIONS },
);

async function send(): Promise<void> {
  const res = await yoga.fetch("http://alloc.local/graphql", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body });
  const text = await res.text();
  if (res.status !== 200 || text.includes('"errors"')) throw new Error(text.slice(0, 300));
}

const requests = Number(args.requests);
try {
  for (let i = 0; i < requests; i++) await send(); // warm-up: JIT, connections, fragments
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.startSampling", { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  for (let i = 0; i < requests; i++) await send();
  const { profile } = (await session.post("HeapProfiler.stopSampling")) as { profile: { head: SamplingNode } };
  session.disconnect();

  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  const walk = (node: SamplingNode): void => {
    const { functionName, url, lineNumber } = node.callFrame;
    if (node.selfSize > 0) {
      total += node.selfSize;
      const nm = url.lastIndexOf("node_modules/");
      const rest = nm >= 0 ? url.slice(nm + 13).split("/") : [];
      const pkg = nm >= 0 ? (rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url)) : url.includes("/src/") ? `src/${url.split("/src/")[1]?.split("/")[0]}` : url || "(native)";
      const fn = `${functionName || "(anonymous)"} ${nm >= 0 ? rest.join("/") : url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + node.selfSize);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  const top = Number(args.top);
  const print = (title: string, m: Map<string, number>): void => {
    console.log(`\n${title}`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
  };
  console.log(`${args.case}: ${(total / requests / 1024).toFixed(0)} KiB allocated per request (sampled)`);
  print("bytes by package", byPackage);
  print("bytes by function", byFunction);
} finally {
  await closeApp(app);
  await dropDatabase(database);
}
process.exit(0);
