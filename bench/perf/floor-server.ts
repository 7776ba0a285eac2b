// The raw floor: what each workload costs with nothing between node:http and the data — flat
// prepared statements on pg, a bare Redis GET, a bare argon2id verify. It parses the request body
// and checks the bearer token (sha-256, constant-time) like the gateway must, and nothing more.
//   env: DATABASE_URL, REDIS_URL, FLOOR_KEY_PREFIX, FLOOR_PASSWORD_HASH; prints "floor ready <port>".
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { verify } from "@node-rs/argon2";
import { Redis } from "ioredis";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { keyPrefix: process.env.FLOOR_KEY_PREFIX ?? "auth:floor:" });
const passwordHash = process.env.FLOOR_PASSWORD_HASH ?? "";

interface SessionRow {
  id: string;
  token_hash: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  uid: string;
  email: string;
  name: string;
  status: string;
}

const SESSION = {
  name: "floor_session",
  text: `SELECT s.id, s.token_hash, s.created_at, s.expires_at, s.revoked_at, u.id AS uid, u.email, u.name, u.status
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
};
const PERMS = {
  name: "floor_perms",
  text: `SELECT DISTINCT p.key FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id
         JOIN permissions p ON p.id = rp.permission_id WHERE ur.user_id = $1 ORDER BY p.key`,
};
const PAGE = {
  name: "floor_page",
  text: `SELECT id, email, name, status, created_at FROM users WHERE (created_at, id) > ($1::timestamptz, $2::uuid)
         ORDER BY created_at, id LIMIT $3`,
};
const PAGE_SESSIONS = {
  name: "floor_page_sessions",
  text: `SELECT id, user_id, created_at, expires_at, revoked_at FROM (SELECT s.*, row_number() OVER (PARTITION BY s.user_id ORDER BY s.created_at DESC, s.id) AS rn
         FROM sessions s WHERE s.user_id = ANY($1)) x WHERE rn <= 5`,
};
const PAGE_ROLES = {
  name: "floor_page_roles",
  text: `SELECT ur.user_id, r.key, p.key AS perm FROM user_roles ur JOIN roles r ON r.id = ur.role_id
         LEFT JOIN role_permissions rp ON rp.role_id = r.id LEFT JOIN permissions p ON p.id = rp.permission_id
         WHERE ur.user_id = ANY($1) ORDER BY ur.user_id, r.key, p.key`,
};
const REVOKE = { name: "floor_revoke", text: "UPDATE sessions SET revoked_at = now(), revoked_reason = 'bench' WHERE id = $1 RETURNING id, revoked_at" };

function tokenOf(req: IncomingMessage): { id: string; secret: string } | null {
  const m = /^Bearer ([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(req.headers.authorization ?? "");
  return m?.[1] && m[2] ? { id: m[1], secret: m[2] } : null;
}

function matches(secret: string, hex: string): boolean {
  const a = createHash("sha256").update(secret).digest();
  const b = Buffer.from(hex, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

async function viewer(req: IncomingMessage): Promise<SessionRow | null> {
  const t = tokenOf(req);
  if (!t) return null;
  const { rows } = await pool.query<SessionRow>({ ...SESSION, values: [t.id] });
  const s = rows[0];
  return s && matches(t.secret, s.token_hash) && !s.revoked_at && s.expires_at > new Date() ? s : null;
}

/** The viewer from a Redis copy of its row (one GET), falling back to SQL once to fill it. */
async function cachedViewer(req: IncomingMessage, extra?: (s: SessionRow) => Promise<Record<string, unknown>>): Promise<(SessionRow & Record<string, unknown>) | null> {
  const t = tokenOf(req);
  if (!t) return null;
  const hit = await redis.get(`v:${t.id}`);
  let s: (SessionRow & Record<string, unknown>) | null = hit ? (JSON.parse(hit) as SessionRow & Record<string, unknown>) : null;
  if (!s) {
    const row = await viewer(req);
    if (!row) return null;
    s = { ...row, ...(extra ? await extra(row) : {}) };
    await redis.set(`v:${t.id}`, JSON.stringify(s), "PX", 3_600_000);
  }
  return matches(t.secret, s.token_hash) && !s.revoked_at && new Date(s.expires_at) > new Date() ? s : null;
}

const viewerJson = (s: SessionRow) => ({
  session: { id: s.id, createdAt: s.created_at, expiresAt: s.expires_at, active: true },
  user: { id: s.uid, email: s.email, name: s.name, status: s.status },
});
const permsOf = async (uid: string): Promise<string[]> => (await pool.query<{ key: string }>({ ...PERMS, values: [uid] })).rows.map((r) => r.key);

async function page(first: number, after: string | null): Promise<unknown> {
  const [at, id] = after ? after.split("|") : ["-infinity", "00000000-0000-0000-0000-000000000000"];
  const users = (await pool.query<{ id: string; email: string; name: string; status: string; created_at: Date }>({ ...PAGE, values: [at, id, first] })).rows;
  const ids = users.map((u) => u.id);
  const [sessions, roles] = await Promise.all([
    pool.query<{ id: string; user_id: string; created_at: Date; expires_at: Date; revoked_at: Date | null }>({ ...PAGE_SESSIONS, values: [ids] }),
    pool.query<{ user_id: string; key: string; perm: string | null }>({ ...PAGE_ROLES, values: [ids] }),
  ]);
  const now = new Date();
  const byUser = new Map<string, { sessions: unknown[]; roles: Map<string, { key: string }[]> }>(ids.map((i) => [i, { sessions: [], roles: new Map() }]));
  for (const s of sessions.rows) byUser.get(s.user_id)?.sessions.push({ node: { id: s.id, createdAt: s.created_at, expiresAt: s.expires_at, active: !s.revoked_at && s.expires_at > now } });
  for (const r of roles.rows) {
    const m = byUser.get(r.user_id)?.roles;
    const list = m?.get(r.key) ?? [];
    if (r.perm) list.push({ key: r.perm });
    m?.set(r.key, list);
  }
  const last = users.at(-1);
  return {
    users: {
      edges: users.map((u) => ({
        node: { id: u.id, email: u.email, name: u.name, status: u.status, roles: [...(byUser.get(u.id)?.roles ?? [])].map(([key, permissions]) => ({ key, permissions })), sessions: { edges: byUser.get(u.id)?.sessions } },
      })),
      pageInfo: { endCursor: last ? `${last.created_at.toISOString()}|${last.id}` : null, hasNextPage: users.length === first },
    },
  };
}

type Body = { variables?: Record<string, unknown> };
const routes: Record<string, (req: IncomingMessage, body: Body) => Promise<unknown>> = {
  "/w0": async () => ({ __typename: "Query" }),
  "/w1": async (req) => {
    const s = await viewer(req);
    return { viewer: s && viewerJson(s) };
  },
  "/w2": async (req) => {
    const s = await cachedViewer(req);
    return { viewer: s && viewerJson(s) };
  },
  "/w3": async (req, body) => {
    if (!(await viewer(req))) return { users: null };
    return page(Number(body.variables?.first ?? 50), typeof body.variables?.after === "string" ? body.variables.after : null);
  },
  "/w4": async (req) => {
    const s = await viewer(req);
    return { viewer: s && { user: { id: s.uid, permissions: await permsOf(s.uid) } } };
  },
  "/w4warm": async (req) => {
    const s = await cachedViewer(req, async (row) => ({ permissions: await permsOf(row.uid) }));
    return { viewer: s && { user: { id: s.uid, permissions: s.permissions } } };
  },
  "/w5": async (_req, body) => {
    const input = body.variables?.input as { password?: string } | undefined;
    return { signIn: { ok: await verify(passwordHash, input?.password ?? "") } };
  },
  "/w6": async (req, body) => {
    if (!(await viewer(req))) return { revokeSession: null };
    const { rows } = await pool.query<{ id: string; revoked_at: Date }>({ ...REVOKE, values: [String(body.variables?.id ?? "")] });
    return { revokeSession: rows[0] ? { id: rows[0].id, revokedAt: rows[0].revoked_at } : null };
  },
};

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const route = routes[req.url ?? ""];
  if (!route) {
    res.writeHead(404).end();
    return;
  }
  const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Body) : {};
  const data = await route(req, body);
  const out = JSON.stringify({ data });
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(out) }).end(out);
}

const server = createServer((req, res) => {
  handle(req, res).catch((err: unknown) => {
    res.writeHead(500).end(JSON.stringify({ errors: [{ message: String(err) }] }));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`floor ready ${typeof address === "object" && address ? address.port : 0}`);
});
process.on("SIGTERM", () => {
  server.close();
  void Promise.all([pool.end(), redis.quit()]).finally(() => process.exit(0));
});
