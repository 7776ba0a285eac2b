// Prisma CLI configuration. Only `prisma generate` is used from the CLI: migrations run through the
// project's own offline runner (src/db/migrate.ts), because the native engine cannot be downloaded.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
});
