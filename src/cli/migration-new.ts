// `npm run db:migration:new -- <name>`: diff prisma/migrations against prisma/schema.prisma (replayed
// in a temporary shadow database on DATABASE_URL's server, dropped afterwards) and write
// prisma/migrations/<yyyymmddhhmmss>_<name>/migration.sql plus migration_lock.toml, as Prisma does.
// Review the SQL, add hand-written SQL if needed, and commit it before anyone applies it.
import { relative } from "node:path";
import { MigrationError, createMigration } from "../db/migrations/runner.js";

const databaseUrl = process.env.DATABASE_URL;
const name = process.argv.slice(2).join(" ").trim();
if (!databaseUrl) {
  console.error("DATABASE_URL is not set: creating a migration needs a PostgreSQL server for a temporary shadow database.");
  process.exit(1);
}
if (name === "") {
  console.error("Usage: npm run db:migration:new -- <name>");
  process.exit(1);
}

let exitCode = 0;
try {
  const { path } = await createMigration({ databaseUrl, name });
  console.log(path === null ? "No schema changes: no migration created" : `Created ${relative(process.cwd(), path)}`);
} catch (err) {
  console.error(err instanceof MigrationError ? err.message : `Could not create the migration: ${String(err)}`);
  exitCode = 1;
}
// The WASM engine leaves a ~10 s timer behind; do not wait for it.
process.exit(exitCode);
