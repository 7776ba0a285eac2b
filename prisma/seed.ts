// `npm run db:seed`: idempotent seed against DATABASE_URL (or the embedded database).
import { loadConfig } from "../src/config.js";
import { createDatabase } from "../src/db/client.js";
import { seed } from "../src/db/seed.js";
import { createPasswordHasher } from "../src/modules/credentials/passwords.js";

const config = loadConfig();
const db = await createDatabase(config);
try {
  const result = await seed(db.prisma, createPasswordHasher(config), { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD });
  console.log(
    result.createdAdmin
      ? `Seeded. Admin ${result.adminEmail}${result.generatedPassword ? ` with generated password: ${result.generatedPassword}` : ""}`
      : `Seeded. Admin ${result.adminEmail} already exists (password unchanged).`,
  );
} finally {
  await db.close();
}
process.exit(0);
