// What the HTTP GraphQL framework costs by itself on W0 (`{ __typename }`), in Node CPU per request:
// bare node:http answering the same bytes; graphql-yoga with a one-field schema, with its defaults and
// with the gateway's transport settings (no multipart, no streamed body limit, no batching); and the
// gateway as `npm run bench` runs it. It shows how much of W0 is the framework and how much is ours.
//   npm run bench:framework -- [--rounds 3] [--duration 6000] [--connections 10]
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { parseArgs } from "node:util";
import { REDIS_URL, TEST_ENV, cloneTemplate, dropDatabase, urlFor } from "../test/helpers/pg.js";
import { PRODUCTION_GATEWAY_ENV } from "./perf/fixture.js";
import { closedLoop } from "./perf/load.js";
import { cpuMs } from "./perf/proc.js";
import { heapFlags, startGateway } from "./perf/servers.js";

const { values: args } = parseArgs({
  options: { rounds: { type: "string", default: "3" }, duration: { type: "string", default: "6000" }, connections: { type: "string", default: "10" } },
});

const SERVERS: Record<string, string> = {
  "bare node:http": `
    import { createServer } from "node:http";
    const body = JSON.stringify({ data: { __typename: "Query" } });
    const s = createServer((req, res) => {
      let raw = "";
      req.setEncoding("utf8").on("data", (c) => (raw += c)).on("end", () => {
        JSON.parse(raw);
        res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
        res.end(body);
      });
    });
    s.listen(0, "127.0.0.1", () => console.log("ready " + s.address().port));`,
  "bare graphql-yoga": `
    import { createServer } from "node:http";
    import { createSchema, createYoga } from "graphql-yoga";
    const yoga = createYoga({ schema: createSchema({ typeDefs: "type Query { ok: Boolean }" }), logging: false, landingPage: false, graphiql: false });
    const s = createServer(yoga);
    s.listen(0, "127.0.0.1", () => console.log("ready " + s.address().port));`,
  "graphql-yoga, the gateway's transport settings": `
    import { createServer } from "node:http";
    import { createSchema, createYoga } from "graphql-yoga";
    const yoga = createYoga({ schema: createSchema({ typeDefs: "type Query { ok: Boolean }" }), logging: false, landingPage: false, graphiql: false,
      multipart: false, maxRequestBodySize: false, batching: false });
    const s = createServer(yoga);
    s.listen(0, "127.0.0.1", () => console.log("ready " + s.address().port));`,
};

async function startScript(source: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...heapFlags(), "--input-type=module", "-e", source], { env: { ...process.env, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding("utf8").on("data", (c: string) => {
      const m = /ready (\d+)/.exec(c);
      if (m?.[1]) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`server exited ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

const W0 = { path: "/graphql", body: JSON.stringify({ query: "{ __typename }" }) };
const durationMs = Number(args.duration);
const connections = Number(args.connections);
const running: { name: string; pid: number; url: string; stop(): void | Promise<void> }[] = [];
for (const [name, src] of Object.entries(SERVERS)) {
  const { child, url } = await startScript(src);
  running.push({ name, pid: child.pid ?? -1, url, stop: () => void child.kill("SIGTERM") });
}
// The gateway as the bench runs it (production mode, real Redis), on a migrated empty database.
const database = await cloneTemplate();
const gateway = await startGateway({ ...TEST_ENV, ...PRODUCTION_GATEWAY_ENV, HOST: "127.0.0.1", PORT: "0", DATABASE_URL: urlFor(database), REDIS_URL, CACHE_NAMESPACE: `ff${process.pid}` });
running.push({ name: "authgraph gateway", pid: gateway.pid, url: gateway.url, stop: () => gateway.stop() });
const rows = new Map<string, number[]>();
for (const s of running) await closedLoop(s.url, () => W0, { connections, durationMs: 1500 }); // warm-up
for (let round = 0; round < Number(args.rounds); round++) {
  for (const s of running) {
    const pid = s.pid;
    const before = cpuMs(pid);
    const r = await closedLoop(s.url, () => W0, { connections, durationMs });
    if (r.errors) throw new Error(`${s.name}: ${r.firstError}`);
    rows.set(s.name, [...(rows.get(s.name) ?? []), (cpuMs(pid) - before) / r.requests]);
  }
}
for (const s of running) await s.stop();
await dropDatabase(database);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const floor = median(rows.get("bare node:http") ?? []);
console.log("| server | CPU ms/req (median) | ×bare http |\n|---|---|---|");
for (const [name, xs] of rows) console.log(`| ${name} | ${median(xs).toFixed(3)} | ×${(median(xs) / floor).toFixed(1)} |`);
