// Start-up migration for a running Database. On the embedded server (one connection only) this must
// run before the app's first query: the runner opens and closes its own single connection.
import type { Logger } from "../../observability/log.js";
import type { Database } from "../client.js";
import { applyMigrations } from "./runner.js";

export async function migrateDatabase(db: Database, log: Pick<Logger, "debug">): Promise<string[]> {
  const { applied } = await applyMigrations({ databaseUrl: db.url, log: (message) => log.debug({ migration: message }, "migrate") });
  return applied;
}
