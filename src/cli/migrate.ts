// `npm run db:migrate`: apply the pending migrations in prisma/migrations to DATABASE_URL.
// `npm run db:migrate -- --rolled-back <migration>`: mark a failed migration rolled back (after fixing
// the database by hand), like `prisma migrate resolve --rolled-back`, so the next run can proceed.
import { MigrationError, applyMigrations, markMigrationRolledBack } from "../db/migrations/runner.js";

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error("DATABASE_URL is not set: the embedded database is migrated automatically by `npm start`.");
  process.exit(1);
}

const args = process.argv.slice(2);
let exitCode = 0;
try {
  if (args[0] === "--rolled-back") {
    const name = args[1];
    if (!name) throw new MigrationError("Usage: npm run db:migrate -- --rolled-back <migration name>");
    await markMigrationRolledBack({ databaseUrl, name });
    console.log(`Marked ${name} rolled back; run \`npm run db:migrate\` again to apply it.`);
  } else if (args.length > 0) {
    throw new MigrationError(`Unknown argument ${args[0]}. Usage: npm run db:migrate [-- --rolled-back <migration>]`);
  } else {
    const { applied } = await applyMigrations({ databaseUrl });
    if (applied.length === 0) console.log("No pending migrations");
    for (const name of applied) console.log(`Applied ${name}`);
  }
} catch (err) {
  console.error(err instanceof MigrationError ? err.message : `Migration failed: ${String(err)}`);
  exitCode = 1;
}
// The WASM engine leaves a ~10 s timer behind; do not wait for it.
process.exit(exitCode);
