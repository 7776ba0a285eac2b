// The optional peer: PostGraphile v5 (Amber preset) over the bench database's public schema, served by
// grafserv on node:http — run by bench/run.ts as a child process on loopback next to the floor and the
// gateway. It runs on the same Node 20 as they do, with the one Node 22 API it needs added by
// ./node22-polyfill.ts (README "Speed" says why not a Node 22 binary).
//   env: DATABASE_URL; PEER_COUNT_STATEMENTS=1 also serves GET/DELETE /statements (the SQL statements
//   sent since the last DELETE, each client.query counted as the gateway's counter does); prints
//   "postgraphile ready <port>".
import "./node22-polyfill.js";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import pg from "pg";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const counting = process.env.PEER_COUNT_STATEMENTS === "1";
const statements: string[] = [];
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
pool.on("error", (err) => console.error(`pool: ${err.message}`));
if (counting) {
  pool.on("connect", (client) => {
    const original = client.query;
    client.query = function (this: pg.PoolClient, ...args: unknown[]): unknown {
      const q = args[0];
      statements.push(typeof q === "string" ? q : q && typeof q === "object" && "text" in q ? String(q.text) : "<unknown>");
      return Reflect.apply(original, this, args);
    } as typeof client.query;
  });
}

const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ pool, schemas: ["public"] })],
  grafserv: { graphqlPath: "/graphql", graphiql: false, watch: false },
  grafast: { explain: false },
});
const serv = pgl.createServ(grafserv);

const stats = (req: IncomingMessage, res: ServerResponse): void => {
  const body = JSON.stringify({ count: statements.length, statements });
  if (req.method === "DELETE") statements.length = 0;
  res.writeHead(200, { "content-type": "application/json" }).end(body);
};
// The timed server is wired as grafserv documents it (addTo); the counting one routes /statements first.
const server = createServer();
server.keepAliveTimeout = 60_000;
if (counting) {
  const handler = serv.createHandler();
  server.on("request", (req, res) => (req.url === "/statements" ? stats(req, res) : handler(req, res)));
} else {
  await serv.addTo(server, false);
}
// The schema is built from the database on start: answer only once it is ready.
await pgl.getSchema();
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`postgraphile ready ${typeof address === "object" && address ? address.port : 0}`);
});
process.on("SIGTERM", () => {
  server.close();
  void Promise.all([pgl.release(), pool.end()]).finally(() => process.exit(0));
});
