// `npm run sessions:cleanup`: delete expired/revoked sessions in bounded batches, then exit.
import { loadConfig } from "../config.js";
import { createLogger } from "../observability/log.js";
import { closeApp, createApp } from "../app.js";
import { cleanupExpiredSessions } from "../modules/sessions/cleanup.js";
import { SYSTEM_ACTOR } from "../modules/audit/recorder.js";

const config = loadConfig();
const { app } = await createApp(config, { log: createLogger(config), migrate: false });
try {
  const { deleted } = await cleanupExpiredSessions(app, SYSTEM_ACTOR);
  console.log(`Deleted ${deleted} expired or revoked session(s).`);
} finally {
  await closeApp(app);
}
process.exit(0);
