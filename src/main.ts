// `npm start`: config -> app (database migrated and seeded, cache) -> jobs -> Yoga -> listen; graceful
// shutdown on SIGTERM.
import { ConfigError, loadConfig } from "./config.js";
import type { Config } from "./config.js";
import { closeApp, createApp } from "./app.js";
import { startJobs } from "./jobs.js";
import { createLogger } from "./observability/log.js";
import { listen } from "./server/http.js";
import { createGateway } from "./server/yoga.js";

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
  // An unreachable Redis is reported once by the cache layer itself; the gateway starts DEGRADED and
  // recovers on its own.
  startJobs(app);
  const http = await listen(createGateway(app), { port: config.PORT, host: config.HOST, log, keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS });
  log.info({ port: http.port, host: config.HOST, database: app.db.embedded ? "embedded" : app.db.target, cache: app.cache.kind }, "authgraph listening");
  console.log(`authgraph ${app.version} ready: GraphiQL at http://${config.HOST}:${http.port}/graphql`);

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    // First /ready turns 503 while everything is still served, so balancers stop sending before the
    // listener closes; then the in-flight requests drain.
    app.lifecycle.draining = true;
    if (config.SHUTDOWN_DRAIN_DELAY_MS > 0) {
      log.info({ signal, drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS }, "shutting down: /ready is 503, still serving during the drain delay");
      await new Promise((r) => setTimeout(r, config.SHUTDOWN_DRAIN_DELAY_MS));
    }
    log.info({ signal, inFlight: http.inFlight() }, "shutting down: draining in-flight requests");
    // Live streams never finish on their own: they complete now, so the drain waits only for requests.
    app.live.endStreams();
    if (!(await http.drain(config.SHUTDOWN_GRACE_MS))) {
      log.warn({ graceMs: config.SHUTDOWN_GRACE_MS }, "grace period over: dropping unfinished requests");
    }
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
