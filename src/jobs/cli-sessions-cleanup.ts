// `npm run sessions:cleanup`: delete expired/revoked sessions in bounded batches, then exit.
import { loadConfig } from "../config.js";
import { createLogger } from "../log.js";
import { closeApp, createApp } from "../bootstrap.js";
import { cleanupExpiredSessions } from "../auth/sessions.js";

const config = loadConfig();
const { app } = await createApp(config, { log: createLogger(config), migrate: false });
try {
  const deleted = await cleanupExpiredSessions(app, { userId: null, request: null });
  console.log(`Deleted ${deleted} expired or revoked session(s).`);
} finally {
  await closeApp(app);
}
process.exit(0);
