// The benchmark's data, written straight into a cloned database with multi-row INSERTs: users with
// sessions whose tokens the bench knows, roles over a permission catalogue grown to `permissions`,
// and an audit trail. Deterministic for a given size (ids and secrets derive from indexes).
import { createHash } from "node:crypto";
import { hash } from "@node-rs/argon2";
import pg from "pg";

export interface FixtureSize {
  users: number;
  sessionsPerUser: number;
  roles: number;
  permissions: number;
  auditEvents: number;
}

export const FULL: FixtureSize = { users: 10_000, sessionsPerUser: 3, roles: 20, permissions: 100, auditEvents: 100_000 };
export const QUICK: FixtureSize = { users: 1_000, sessionsPerUser: 3, roles: 20, permissions: 100, auditEvents: 10_000 };

/** OWASP's argon2id parameters, the gateway's production defaults. */
export const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
export const PASSWORD = "bench-password-1";

export interface BenchSession {
  id: string;
  userId: string;
  token: string;
}

export interface Fixture {
  size: FixtureSize;
  adminToken: string;
  /** sessions[k] holds the k-th session of every user, in user order. */
  sessions: BenchSession[][];
  emails: string[];
  passwordHash: string;
}

function uuidFrom(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function secretFrom(seed: string): string {
  return createHash("sha256").update(`secret:${seed}`).digest("base64url"); // 43 characters
}

async function insertRows(c: pg.Client, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const perStatement = Math.floor(30_000 / columns.length);
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const values: unknown[] = [];
    const tuples = chunk.map((row) => `(${row.map((v) => `$${values.push(v)}`).join(",")})`);
    await c.query(`INSERT INTO ${table} (${columns.join(",")}) VALUES ${tuples.join(",")}`, values);
  }
}

export async function seedFixture(databaseUrl: string, size: FixtureSize): Promise<Fixture> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const passwordHash = await hash(PASSWORD, { algorithm: 2, ...ARGON2 });
    const now = Date.now();
    const expires = new Date(now + 7 * 86_400_000);
    const absolute = new Date(now + 30 * 86_400_000);

    const catalogue = await c.query<{ id: string }>("SELECT id FROM permissions ORDER BY key");
    const extra = Array.from({ length: Math.max(0, size.permissions - catalogue.rowCount!) }, (_, i) => [uuidFrom(`perm${i}`), `bench${i}:read`, `bench permission ${i}`]);
    await insertRows(c, "permissions", ["id", "key", "description"], extra);
    const permissionIds = [...catalogue.rows.map((r) => r.id), ...extra.map((r) => r[0] as string)];

    const roles = Array.from({ length: size.roles }, (_, i) => [uuidFrom(`role${i}`), `bench-role-${i}`, `Bench role ${i}`, new Date(now)]);
    await insertRows(c, "roles", ["id", "key", "name", "updated_at"], roles);
    // Role i holds 8 permissions, spread over the catalogue.
    const rolePerms = roles.flatMap(([roleId], i) => Array.from({ length: 8 }, (_, k) => [roleId, permissionIds[(i * 5 + k * 11) % permissionIds.length]]));
    await insertRows(c, "role_permissions", ["role_id", "permission_id"], rolePerms);
    const member = await c.query<{ id: string }>("SELECT id FROM roles WHERE key = 'member'");
    const memberId = member.rows[0]?.id;

    const users: unknown[][] = [];
    const userRoles: unknown[][] = [];
    const emails: string[] = [];
    for (let i = 0; i < size.users; i++) {
      const id = uuidFrom(`user${i}`);
      const email = `bench${i}@bench.local`;
      emails.push(email);
      // After the seeded admin, in index order (the page order is created_at, id).
      users.push([id, email, `Bench user ${i}`, passwordHash, new Date(now - 86_400_000 + i), new Date(now)]);
      userRoles.push([id, memberId], [id, roles[i % size.roles]?.[0]], [id, roles[(i * 7 + 3) % size.roles]?.[0]]);
    }
    await insertRows(c, "users", ["id", "email", "name", "password_hash", "created_at", "updated_at"], users);
    const uniqueUserRoles = [...new Map(userRoles.map((r) => [`${r[0]}:${r[1]}`, r])).values()];
    await insertRows(c, "user_roles", ["user_id", "role_id"], uniqueUserRoles);

    const sessions: BenchSession[][] = Array.from({ length: size.sessionsPerUser }, () => []);
    const sessionRows: unknown[][] = [];
    for (let i = 0; i < size.users; i++) {
      const userId = users[i]?.[0] as string;
      for (let k = 0; k < size.sessionsPerUser; k++) {
        const id = uuidFrom(`session${i}.${k}`);
        const secret = secretFrom(`${i}.${k}`);
        sessions[k]?.push({ id, userId, token: `${id}.${secret}` });
        sessionRows.push([id, createHash("sha256").update(secret).digest("hex"), userId, new Date(now), new Date(now), expires, absolute]);
      }
    }
    const admin = await c.query<{ id: string }>("SELECT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id WHERE r.key = 'admin' LIMIT 1");
    const adminId = admin.rows[0]?.id ?? "";
    const adminSessionId = uuidFrom("admin-session");
    const adminSecret = secretFrom("admin");
    sessionRows.push([adminSessionId, createHash("sha256").update(adminSecret).digest("hex"), adminId, new Date(now), new Date(now), expires, absolute]);
    await insertRows(c, "sessions", ["id", "token_hash", "user_id", "created_at", "last_seen_at", "expires_at", "absolute_expires_at"], sessionRows);

    // The audit trail: volume for the indexes the workloads touch (not a valid hash chain; no workload verifies it).
    await c.query(
      `INSERT INTO audit_events (type, actor_user_id, subject_user_id, created_at, hash)
       SELECT 'SIGN_IN_SUCCEEDED', ids.a[1 + g % $2], ids.a[1 + g % $2], now() - (g || ' seconds')::interval, md5(g::text) || md5(g::text)
       FROM generate_series(1, $1) g, (SELECT array_agg(id ORDER BY created_at) AS a FROM users) ids`,
      [size.auditEvents, size.users],
    );
    await c.query("ANALYZE");
    return { size, adminToken: `${adminSessionId}.${adminSecret}`, sessions, emails, passwordHash };
  } finally {
    await c.end();
  }
}

/**
 * The gateway as `npm start` runs it in production (info logging, OWASP argon2id, the 50 ms cache time
 * box), with documents sent as text: `only` (the production default) would need them in the manifest.
 */
export const PRODUCTION_GATEWAY_ENV = {
  NODE_ENV: "production",
  LOG_LEVEL: "info",
  ARGON2_MEMORY_KIB: "19456",
  ARGON2_TIME_COST: "2",
  CACHE_TIMEOUT_MS: "50",
  PERSISTED_OPERATIONS: "allow",
} as const;
