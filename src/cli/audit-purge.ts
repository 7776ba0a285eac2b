// `npm run audit:purge`: delete audit events older than AUDIT_RETENTION_DAYS (in bounded batches) and
// pseudonymise IPs older than AUDIT_IP_PSEUDONYMISE_DAYS, then exit.
import { loadConfig } from "../config.js";
import { createLogger } from "../observability/log.js";
import { closeApp, createApp } from "../app.js";
import { purgeAuditEvents } from "../modules/audit/retention.js";

const config = loadConfig();
const { app } = await createApp(config, { log: createLogger(config), migrate: false });
try {
  const { purgedCount, pseudonymisedCount } = await purgeAuditEvents(app);
  console.log(`Purged ${purgedCount} audit event(s) older than ${config.AUDIT_RETENTION_DAYS} day(s); pseudonymised ${pseudonymisedCount} IP(s).`);
} finally {
  await closeApp(app);
}
process.exit(0);
