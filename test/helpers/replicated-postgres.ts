// A private PostgreSQL primary, migrated and seeded like the test template, with a streaming replica
// of it: for the read-replica tests and the many-instances bench.
import { loadConfig } from "../../src/config.js";
import { createDatabase } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrations/apply.js";
import { seed } from "../../src/db/seed.js";
import { createPasswordHasher } from "../../src/modules/credentials/passwords.js";
import { createLogger } from "../../src/observability/log.js";
import { TEST_ADMIN, TEST_ENV } from "./pg.js";
import { startPostgresServer } from "./postgres-server.js";
import type { PostgresServer } from "./postgres-server.js";

export interface ReplicatedPostgres {
  primary: PostgresServer;
  replica: PostgresServer;
  dispose(): Promise<void>;
}

/** `preload`: shared_preload_libraries for both (e.g. pg_stat_statements), set before the replica is cloned. */
export async function startReplicatedPostgres(options: { preload?: string } = {}): Promise<ReplicatedPostgres> {
  const primary = await startPostgresServer();
  if (options.preload) {
    const pg = (await import("pg")).default;
    const c = new pg.Client({ connectionString: primary.url });
    await c.connect();
    await c.query(`ALTER SYSTEM SET shared_preload_libraries = '${options.preload}'`);
    await c.end();
    await primary.stop("SIGINT");
    await primary.start();
  }
  const config = loadConfig({ ...TEST_ENV, DATABASE_URL: primary.url });
  const db = await createDatabase(config);
  try {
    await migrateDatabase(db, createLogger(config));
    await seed(db.prisma, createPasswordHasher(config), TEST_ADMIN);
  } finally {
    await db.close();
  }
  const replica = await primary.startReplica();
  return {
    primary,
    replica,
    async dispose() {
      await replica.dispose();
      await primary.dispose();
    },
  };
}
