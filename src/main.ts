// `npm start`: config -> db (migrate + seed) -> cache -> yoga -> listen; graceful shutdown on SIGTERM.
import { createServer } from "node:http";
import type { Socket } from "node:net";
import { ConfigError, loadConfig } from "./config.js";
import type { Config } from "./config.js";
import { ErrorCode } from "./errors.js";
import { createLogger } from "./observability/log.js";
import { closeApp, createApp } from "./app-factory.js";
import { createGateway } from "./server/yoga.js";
import { chooseRequestId } from "./server/plugins/request-id.js";
import { startJobs } from "./jobs.js";

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`authgraph: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

const log = createLogger(config);

/** After the drain, closing Redis, the pool and the embedded database gets this long. */
const CLOSE_TIMEOUT_MS = 10_000;

async function start(): Promise<void> {
  const { app, seeded } = await createApp(config, { log });
  if (seeded?.generatedPassword) {
    // Printed once, on the run that created the account; it is not stored anywhere in clear.
    console.log(`\n  Admin account created: ${seeded.adminEmail}\n  Password (shown once): ${seeded.generatedPassword}\n`);
  }
  // An unreachable Redis is reported once by the cache layer itself ("Redis unavailable; serving from
  // Postgres until it returns"); the gateway starts DEGRADED and recovers on its own.
  startJobs(app);

  const yoga = createGateway(app);
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let stopping = false;
  const server = createServer((req, res) => {
    inFlight++;
    res.on("close", () => inFlight--);
    // While draining, a keep-alive client must not park its next request on a socket about to close.
    if (stopping) res.setHeader("connection", "close");
    // A declared oversize body is refused before anything reads it (bodies without a length are
    // counted while Yoga reads them: src/http/protection.ts).
    const length = Number(req.headers["content-length"] ?? 0);
    if (length > config.REQUEST_BODY_LIMIT_BYTES) {
      const header = req.headers["x-request-id"];
      const requestId = chooseRequestId(typeof header === "string" ? header : null);
      res.writeHead(413, { "content-type": "application/json", connection: "close", "x-request-id": requestId });
      res.end(JSON.stringify({ errors: [{ message: `The request body exceeds ${config.REQUEST_BODY_LIMIT_BYTES} bytes.`, extensions: { code: ErrorCode.PAYLOAD_TOO_LARGE, requestId } }] }));
      return;
    }
    // The Node adapter passes { req, res } as the server context (context.ts reads req.socket).
    void yoga.requestListener(req, res);
  });
  server.requestTimeout = 30_000;
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  log.info({ port, host: config.HOST, database: app.db.embedded ? "embedded" : app.db.target, cache: app.cache.kind }, "authgraph listening");
  console.log(`authgraph ${app.version} ready: GraphiQL at http://${config.HOST}:${port}/graphql`);

  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, inFlight }, "shutting down: draining in-flight requests");
    // Stop accepting; idle keep-alive sockets go now, busy ones after their response.
    server.close();
    server.closeIdleConnections();
    const deadline = Date.now() + config.SHUTDOWN_GRACE_MS;
    while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    if (inFlight > 0) log.warn({ inFlight, graceMs: config.SHUTDOWN_GRACE_MS }, "grace period over: dropping unfinished requests");
    for (const s of sockets) s.destroy();
    // Redis, the pool and the embedded database (and its lockfile), bounded so a stuck close cannot
    // keep the process alive.
    let timer: NodeJS.Timeout | undefined;
    const clean = await Promise.race([
      closeApp(app).then(
        () => true,
        (err: unknown) => {
          log.error({ err }, "closing resources failed");
          return false;
        },
      ),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    log.info({ clean }, "stopped");
    process.exit(clean ? 0 : 1);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

start().catch((error: unknown) => {
  // One clear line for the expected failures (unreachable database, locked data dir); detail in the log.
  const message = error instanceof Error ? error.message : String(error);
  console.error(`authgraph: cannot start: ${message.split("\n")[0]}`);
  log.debug({ err: error }, "start-up failure");
  process.exit(1);
});
