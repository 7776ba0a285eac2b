// Benchmark: Node CPU per request for a nested 50-user page (users -> roles -> permissions,
// effective permissions, sessions), through the full gateway (Yoga + Pothos + Prisma + cache),
// against the raw-SQL floor (pg, the same data in 3 statements, JSON built by hand) IN THE SAME RUN,
// so the ratio is what to compare across machines and commits.
//
//   npm run bench   (= NODE_ENV=production tsx bench/page.ts; needs the test PostgreSQL + Redis, creates
//                    and drops its own database). NODE_ENV=production matters: graphql-js skips its
//                    development-only instanceof checks, as it does in a deployed gateway.
import { performance } from "node:perf_hooks";
import pg from "pg";
import { closeApp, createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/observability/log.js";
import { createGateway } from "../src/server/yoga.js";
import { REDIS_URL, TEST_ENV, cloneTemplate, dropDatabase, urlFor } from "../test/helpers/pg.js";

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const WARMUP = 30;
const QUERY = `{ users(first: 50) { edges { node { id email name status permissions
  roles { key permissions { key } }
  sessions(first: 5) { edges { node { id createdAt expiresAt active } } } } } } }`;

async function measure(name: string, run: () => Promise<unknown>): Promise<{ name: string; cpuMs: number; wallMs: number }> {
  for (let i = 0; i < WARMUP; i++) await run();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < ITERATIONS; i++) await run();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { name, cpuMs: (cpu.user + cpu.system) / 1000 / ITERATIONS, wallMs: wall / ITERATIONS };
}

const database = await cloneTemplate();
const config = loadConfig({ ...TEST_ENV, DATABASE_URL: urlFor(database), REDIS_URL, CACHE_NAMESPACE: `bench${process.pid}` });
const { app } = await createApp(config, { log: createLogger(config), migrate: false });
const pool = new pg.Pool({ connectionString: urlFor(database), max: 4 });
try {
  // 50 members with 3 sessions each (and the seeded admin).
  const member = await app.db.prisma.role.findUniqueOrThrow({ where: { key: "member" } });
  const now = Date.now();
  for (let i = 0; i < 50; i++) {
    await app.db.prisma.user.create({
      data: {
        email: `bench${i}@bench.local`,
        name: `Bench ${i}`,
        roles: { create: { roleId: member.id } },
        sessions: {
          create: [0, 1, 2].map((j) => ({
            tokenHash: `${i}`.padStart(4, "0") + `${j}`.padStart(60, "0"),
            expiresAt: new Date(now + 86400_000),
            absoluteExpiresAt: new Date(now + 30 * 86400_000),
          })),
        },
      },
    });
  }
  const yoga = createGateway(app);
  const signIn = await yoga.fetch("http://bench/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: `mutation { signIn(input: { email: "${TEST_ENV.ADMIN_EMAIL}", password: "${TEST_ENV.ADMIN_PASSWORD}" }) { ... on SignInSuccess { token } } }` }),
  });
  const token = ((await signIn.json()) as { data: { signIn: { token: string } } }).data.signIn.token;
  const gateway = async () => {
    const res = await yoga.fetch("http://bench/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERY }),
    });
    const body = (await res.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };

  const raw = async () => {
    const users = await pool.query<{ id: string; email: string; name: string; status: string }>(
      "SELECT id, email, name, status FROM users ORDER BY created_at, id LIMIT 50",
    );
    const ids = users.rows.map((u) => u.id);
    const [sessions, roles] = await Promise.all([
      pool.query<{ id: string; user_id: string; created_at: Date; expires_at: Date; revoked_at: Date | null }>(
        `SELECT * FROM (SELECT s.id, s.user_id, s.created_at, s.expires_at, s.revoked_at,
           row_number() OVER (PARTITION BY s.user_id ORDER BY s.created_at DESC) AS rn
         FROM sessions s WHERE s.user_id = ANY($1)) x WHERE rn <= 5`,
        [ids],
      ),
      pool.query<{ user_id: string; key: string; perm: string | null }>(
        `SELECT ur.user_id, r.key, p.key AS perm FROM user_roles ur JOIN roles r ON r.id = ur.role_id
         LEFT JOIN role_permissions rp ON rp.role_id = r.id LEFT JOIN permissions p ON p.id = rp.permission_id
         WHERE ur.user_id = ANY($1)`,
        [ids],
      ),
    ]);
    const nowDate = new Date();
    const body = JSON.stringify({
      data: {
        users: {
          edges: users.rows.map((u) => {
            const rs = roles.rows.filter((r) => r.user_id === u.id);
            const byRole = new Map<string, string[]>();
            for (const r of rs) {
              const list = byRole.get(r.key) ?? [];
              if (r.perm) list.push(r.perm);
              byRole.set(r.key, list);
            }
            return {
              node: {
                ...u,
                permissions: [...new Set(rs.flatMap((r) => (r.perm ? [r.perm] : [])))].sort(),
                roles: [...byRole].map(([key, perms]) => ({ key, permissions: perms.map((k) => ({ key: k })) })),
                sessions: {
                  edges: sessions.rows
                    .filter((s) => s.user_id === u.id)
                    .map((s) => ({ node: { id: s.id, createdAt: s.created_at, expiresAt: s.expires_at, active: !s.revoked_at && s.expires_at > nowDate } })),
                },
              },
            };
          }),
        },
      },
    });
    if (body.length < 100) throw new Error("empty");
  };

  const results = [await measure("raw SQL (pg, 3 statements)", raw), await measure("authgraph gateway (warm cache)", gateway)];
  app.db.statements.reset();
  await gateway();
  const statements = app.db.statements.count;
  const floor = results[0]?.cpuMs ?? 1;
  console.log(`nested 50-user page, ${ITERATIONS} iterations, node ${process.version}`);
  for (const r of results) {
    console.log(`${r.name.padEnd(34)} cpu ${r.cpuMs.toFixed(2).padStart(7)} ms/req  wall ${r.wallMs.toFixed(2).padStart(7)} ms/req  ratio ${(r.cpuMs / floor).toFixed(1)}x`);
  }
  console.log(`SQL statements per gateway request: ${statements}`);
} finally {
  await pool.end();
  await closeApp(app);
  await dropDatabase(database);
}
process.exit(0);
