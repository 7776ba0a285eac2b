import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

/** Files that run a second time with every gateway instance on a real Redis Cluster (test/helpers/cluster-setup.ts). */
const CLUSTER_SUITE = [
  "test/sessions/**/*.test.ts",
  "test/cache/corrupt-entries.test.ts",
  "test/cache/cross-instance-invalidation.test.ts",
  "test/cache/fragment-loader.test.ts",
  "test/rbac/permission-cache.test.ts",
  "test/credentials/brute-force.test.ts",
];

export default defineConfig({
  resolve: {
    // graphql 16 has no "exports" map: Vite would give our sources its ESM build (index.mjs) while
    // Node gives Yoga and Pothos the CJS one, so `instanceof GraphQLError` in src/yoga.ts failed in
    // tests only (expected errors came out masked as INTERNAL_SERVER_ERROR). One copy, as in production.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    pool: "forks",
    // Files share a worker's module cache instead of re-importing src/ (schema, Prisma client) each:
    // about 0.7 s a file. Safe because every file owns what it touches (its cloned database, its
    // cache namespace, its servers) through the fixtures in test/helpers/fixture.ts, closed at its end.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file gets its own database (cloned from a migrated template), so files may run in parallel.
    fileParallelism: true,
    projects: [
      { extends: true, test: { name: "default", include: ["test/**/*.test.ts"], globalSetup: ["test/helpers/global-setup.ts"], provide: { redisClusterNodes: "" } } },
      {
        extends: true,
        // Partition and race tests cut one redis-server off behind a proxy: they need a server of their own.
        test: { name: "redis-cluster", include: CLUSTER_SUITE, exclude: ["test/sessions/revocation-partition.test.ts", "test/sessions/revocation-race.test.ts"], globalSetup: ["test/helpers/global-setup.ts", "test/helpers/cluster-setup.ts"] },
      },
    ],
  },
});
