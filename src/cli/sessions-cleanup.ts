// `npm run sessions:cleanup`: delete expired/revoked sessions in bounded batches, then exit.
import { loadConfig } from "../config.js";
import { createLogger } from "../observability/log.js";
import { closeApp, createApp } from "../app-factory.js";
import { cleanupExpiredSessions } from "../modules/sessions/lifecycle.js";

const config = loadConfig();
const { app } = await createApp(config, { log: createLogger(config), migrate: false });
try {
  const deleted = await cleanupExpiredSessions(app, { userId: null, request: null });
  console.log(`Deleted ${deleted} expired or revoked session(s).`);
} finally {
  await closeApp(app);
}
process.exit(0);
