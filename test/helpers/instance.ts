// The one test-instance factory: a gateway (`yoga`, used through yoga.fetch) on a cloned, migrated
// and seeded database, the real cache, a statement counter and `signInAs()`.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import type { App } from "../../src/app.js";
import { closeApp, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import type { Config } from "../../src/config.js";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { createLogger } from "../../src/observability/log.js";
import type { Logger } from "../../src/observability/log.js";
import { createGateway } from "../../src/server/yoga.js";
import type { Gateway } from "../../src/server/yoga.js";
import type { Clock } from "../../src/app.js";
import { ADMIN_ROLE_KEY } from "../../src/modules/rbac/catalogue.js";
import { REDIS_URL, TEST_ADMIN, TEST_ENV, cloneTemplate, dropDatabase, urlFor } from "./pg.js";

export type Env = Partial<Record<keyof Config, string>>;

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } & Record<string, unknown> }[];
}

export interface SignedIn {
  token: string;
  userId: string;
  /** Relay global id of the user. */
  userGid: string;
  sessionId: string;
  sessionGid: string;
  email: string;
  password: string;
}

export class TestClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface TestInstance {
  app: App;
  yoga: Gateway;
  db: PrismaClient;
  clock: TestClock;
  /** Statements sent by this instance's Prisma client. */
  statements: App["db"]["statements"];
  databaseName: string;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, opts?: { token?: string | null; headers?: Record<string, string> }): Promise<GraphQLResponse<T>>;
  signInAs(who: "admin" | { email?: string; password?: string; roles?: string[]; permissions?: string[] }): Promise<SignedIn>;
  /** Another gateway on the same database and cache namespace (as a second instance would be). */
  sibling(env?: Env): Promise<TestInstance>;
  close(): Promise<void>;
}

export interface InstanceOptions {
  env?: Env;
  /** Use the in-process cache instead of Redis. */
  memoryCache?: boolean;
  /** Share a database (for siblings); otherwise a fresh clone is made and dropped on close. */
  databaseName?: string;
  cacheNamespace?: string;
  /** Logger for the instance (e.g. one writing to a captured stream); default: createLogger(config). */
  log?: Logger;
}

/** The shared Redis of the run: 6379, or the run's Redis Cluster in the redis-cluster project. */
export function sharedRedis(): Env {
  const nodes = inject("redisClusterNodes");
  return nodes ? { REDIS_CLUSTER_NODES: nodes } : { REDIS_URL };
}

export async function createTestInstance(options: InstanceOptions = {}): Promise<TestInstance> {
  const ownsDatabase = !options.databaseName;
  const databaseName = options.databaseName ?? (await cloneTemplate());
  const cacheNamespace = options.cacheNamespace ?? `t${randomBytes(4).toString("hex")}`;
  const config = loadConfig({
    ...TEST_ENV,
    DATABASE_URL: urlFor(databaseName),
    ...(options.memoryCache || options.env?.REDIS_URL || options.env?.REDIS_CLUSTER_NODES || options.env?.REDIS_SENTINELS ? {} : sharedRedis()),
    CACHE_NAMESPACE: cacheNamespace,
    ...options.env,
  });
  const clock = new TestClock();
  const { app } = await createApp(config, { log: options.log ?? createLogger(config), clock, migrate: false });
  const yoga = createGateway(app);
  const siblings: TestInstance[] = [];

  const gql: TestInstance["gql"] = async (query, variables, opts = {}) => {
    const headers: Record<string, string> = { "content-type": "application/json", ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const res = await yoga.fetch("http://authgraph.test/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as GraphQLResponse<never>;
  };

  let counter = 0;
  const signInAs: TestInstance["signInAs"] = async (who) => {
    let email = TEST_ADMIN.email;
    let password = TEST_ADMIN.password;
    if (who !== "admin") {
      email = who.email ?? `user${++counter}-${randomBytes(3).toString("hex")}@test.local`;
      password = who.password ?? "correct-horse-battery";
      await ensureUser(app, email, password, who.roles ?? ["member"], who.permissions ?? []);
    }
    const res = await gql<{ signIn: { __typename: string; token?: string; user?: { id: string }; session?: { id: string } } }>(
      `mutation($input: SignInInput!) { signIn(input: $input) { __typename ... on SignInSuccess { token user { id } session { id } } ... on Error { message code } } }`,
      { input: { email, password } },
    );
    const r = res.data?.signIn;
    if (!r?.token || !r.user || !r.session) throw new Error(`signInAs(${email}) failed: ${JSON.stringify(res)}`);
    const [sessionId] = r.token.split(".");
    const user = await app.db.prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
    return { token: r.token, userId: user.id, userGid: r.user.id, sessionId: sessionId ?? "", sessionGid: r.session.id, email, password };
  };

  const instance: TestInstance = {
    app,
    yoga,
    db: app.db.prisma,
    clock,
    statements: app.db.statements,
    databaseName,
    gql,
    signInAs,
    async sibling(env) {
      const s = await createTestInstance({ ...options, env: { ...options.env, ...env }, databaseName, cacheNamespace });
      siblings.push(s);
      return s;
    },
    async close() {
      for (const s of siblings) await s.close();
      await closeApp(app);
      if (ownsDatabase) await dropDatabase(databaseName);
    },
  };
  return instance;
}

/** Create (or reuse) a user with the given roles; `permissions` adds a dedicated role holding them. */
async function ensureUser(app: App, email: string, password: string, roles: string[], permissions: string[]): Promise<void> {
  const db = app.db.prisma;
  const passwordHash = await app.passwords.hash(password);
  const user = await db.user.upsert({ where: { email }, create: { email, passwordHash, name: email.split("@")[0] ?? "" }, update: { passwordHash } });
  const roleKeys = [...roles];
  if (permissions.length > 0) {
    const key = `test-${randomBytes(4).toString("hex")}`;
    const perms = await db.permission.findMany({ where: { key: { in: permissions } } });
    await db.role.create({ data: { key, name: key, permissions: { create: perms.map((p) => ({ permissionId: p.id })) } } });
    roleKeys.push(key);
  }
  for (const key of roleKeys) {
    const role = await db.role.findUniqueOrThrow({ where: { key } });
    await db.userRole.upsert({ where: { userId_roleId: { userId: user.id, roleId: role.id } }, create: { userId: user.id, roleId: role.id }, update: {} });
  }
}

export { ADMIN_ROLE_KEY };

/**
 * A superuser connection to the instance's database, closed after `fn`: for what only a database
 * owner could do (install a trigger, bypass one).
 */
export async function asSuperuser<T>(t: Pick<TestInstance, "databaseName">, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlFor(t.databaseName) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
