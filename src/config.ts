// Every knob, read once from the environment and validated with zod. Each has a default and a doc
// line (mirrored in .env.example); the account knobs are in config-accounts.ts. A malformed value fails start-up with ONE line naming the variable.
import { z } from "zod";
import { accountFields } from "./config-accounts.js";
import { bool, hostList, int, isOrigin, url } from "./config-parsers.js";

const fields = z.object({
  /** Environment name; `production` turns off introspection and dev conveniences unless overridden. */
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** HTTP port. 0 picks a free port. */
  PORT: int(0, 65535).default(4000),
  /** Address to bind. */
  HOST: z.string().min(1).default("127.0.0.1"),
  /** PostgreSQL URL. Unset: embedded PGlite in DATA_DIR. */
  DATABASE_URL: url(["postgres", "postgresql"]).optional(),
  /** Pool size for DATABASE_URL (the embedded database always uses exactly one connection). */
  DATABASE_POOL_MAX: int(1, 200).default(10),
  /**
   * The one bound on waiting for the database: a pooled connection (a new one included) and the start
   * of a transaction. Past it a request answers SERVICE_UNAVAILABLE with Retry-After (ms).
   */
  DATABASE_POOL_WAIT_MS: int(100, 60_000).default(3000),
  /** A statement with no reply for this long fails (a blackholed server sends neither data nor FIN) (ms). */
  DATABASE_QUERY_TIMEOUT_MS: int(100, 600_000).default(15_000),
  /** Start-up keeps retrying an unreachable database with backoff for this long before exiting (ms; 0 = one try). */
  DATABASE_START_TIMEOUT_MS: int(0, 3_600_000).default(60_000),
  /** Read replicas (comma-separated PostgreSQL URLs) for reads that may be stale; see README "Scaling". */
  DATABASE_REPLICA_URLS: z.string().transform((v, ctx) => v.split(",").map((u) => u.trim()).filter((u) => {
    const ok = /^postgres(ql)?:\/\//.test(u) && URL.canParse(u);
    if (!ok) ctx.addIssue({ code: "custom", message: "expected comma-separated postgres URLs" });
    return ok;
  })).optional(),
  /** A replica further behind than this (or unreachable) is not read from; its reads go to the primary. */
  DATABASE_REPLICA_MAX_LAG_SECONDS: int(0, 3600).default(5),
  /** Redis URL (`rediss://` for TLS, `redis://user:pass@host` for ACL). Unset, with no Cluster or Sentinels: an in-process cache (single instance only). */
  REDIS_URL: url(["redis", "rediss"]).optional(),
  /** Redis Cluster seed nodes, `host:port,host:port` (instead of REDIS_URL). */
  REDIS_CLUSTER_NODES: hostList.optional(),
  /** Redis Sentinels, `host:port,...`, and the monitored master's name (instead of REDIS_URL). */
  REDIS_SENTINELS: hostList.optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).default("mymaster"),
  /** ACL user and password for Cluster/Sentinel nodes (a REDIS_URL carries its own). */
  REDIS_USERNAME: z.string().min(1).optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  /** TLS to Cluster/Sentinel nodes, and a CA file (PEM) for self-signed certificates (also used by rediss://). */
  REDIS_TLS: bool.default(false),
  REDIS_TLS_CA_FILE: z.string().min(1).optional(),
  /** Where the embedded database keeps its files. */
  DATA_DIR: z.string().min(1).default(".data/pglite"),
  /** Log level for the JSON logs. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Admin account created by the seed. Unset on the embedded default: a password is generated and printed once. */
  ADMIN_EMAIL: z.string().email("expected an email address").default("admin@authgraph.local"),
  ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").max(256).optional(),
  /** Apply pending migrations and seed at start-up. */
  MIGRATE_ON_START: bool.default(true),

  /** Sessions: idle TTL, absolute lifetime, and how often use may extend a session (seconds). */
  SESSION_IDLE_TTL_SECONDS: int(60, 365 * 86400).default(7 * 86400),
  SESSION_ABSOLUTE_TTL_SECONDS: int(60, 3 * 365 * 86400).default(30 * 86400),
  SESSION_REFRESH_INTERVAL_SECONDS: int(1, 86400).default(3600),
  /** Revoked/expired sessions are kept this long before the cleanup deletes them (seconds). */
  SESSION_RETENTION_SECONDS: int(0, 365 * 86400).default(7 * 86400),
  /** Cleanup: rows per DELETE batch and interval of the in-process job (0 = off). */
  SESSION_CLEANUP_BATCH_SIZE: int(1, 100_000).default(1000),
  SESSION_CLEANUP_INTERVAL_SECONDS: int(0, 7 * 86400).default(3600),
  /** Pause between cleanup batches, so request traffic gets the pool in between (ms). */
  SESSION_CLEANUP_PAUSE_MS: int(0, 60_000).default(50),
  /** The cleanup mutation waits this long, then answers with the progress while the job goes on (ms). */
  SESSION_CLEANUP_WAIT_MS: int(0, 60_000).default(1000),
  /** Trust X-Forwarded-For for the client IP (only behind proxies you control). */
  TRUST_PROXY: bool.default(false),
  /** Proxies in front of the gateway that append to X-Forwarded-For; the client is that many entries from the right. */
  TRUST_PROXY_HOPS: int(1, 10).default(1),

  /** Optional sub-namespace: keys become `auth:<ns>:...` (several deployments, or test isolation, on one Redis). */
  CACHE_NAMESPACE: z.string().regex(/^[a-z0-9_-]{1,32}$/, "expected 1-32 of a-z 0-9 _ -").optional(),
  /** Cache TTLs per kind (seconds) and the per-call time box / breaker (milliseconds). */
  CACHE_USER_TTL_SECONDS: int(1, 86400).default(300),
  CACHE_PERMS_TTL_SECONDS: int(1, 86400).default(3600),
  // Whole query results per session (plugins/response-cache.ts); 0 = off. Bounds how long a change
  // made outside a mutation (sliding expiry, background jobs) can stay invisible to a repeated query.
  RESPONSE_CACHE_TTL_MS: int(0, 3_600_000).default(0),
  CACHE_TIMEOUT_MS: int(1, 10_000).default(50),
  CACHE_BREAKER_FAILURES: int(1, 1000).default(5),
  CACHE_BREAKER_COOLDOWN_MS: int(100, 600_000).default(5000),
  /** Every instance drains the invalidation outbox (tombstones another instance could not write) this often (ms). */
  CACHE_OUTBOX_INTERVAL_MS: int(10, 60_000).default(250),
  /** A revoke whose tombstone Redis did not confirm waits this long for another instance to write it (ms). */
  CACHE_INVALIDATION_WAIT_MS: int(0, 60_000).default(2000),

  /** Audit: retention, purge batch, purge interval (0 = off), IP pseudonymisation after N days (0 = never). */
  AUDIT_RETENTION_DAYS: int(1, 36500).default(365),
  AUDIT_PURGE_BATCH_SIZE: int(1, 100_000).default(1000),
  AUDIT_PURGE_INTERVAL_SECONDS: int(0, 7 * 86400).default(86400),
  AUDIT_IP_PSEUDONYMISE_DAYS: int(0, 36500).default(0),
  /** Key for keyed IP digests in the audit chain (required when pseudonymising; fix it before the first event). */
  AUDIT_IP_KEY: z.string().min(16).optional(),
  /** Key signing the audit chain head kept outside the table. Unset: a per-process random key. */
  AUDIT_HEAD_KEY: z.string().min(32).optional(),
  /** How often the signed chain head is checkpointed (seconds, 0 = off). */
  AUDIT_HEAD_INTERVAL_SECONDS: int(0, 86400).default(10),
  AUDIT_METADATA_MAX_BYTES: int(64, 1_000_000).default(4096),
  /** Every instance links committed audit events this often (ms) besides right after its own commits; auditIntegrity flags one unlinked past the max delay. */
  AUDIT_LINK_INTERVAL_MS: int(10, 60_000).default(1000),
  AUDIT_LINK_MAX_DELAY_MS: int(100, 3_600_000).default(10_000),

  /** Size of a session's metadata (its JSON text, bytes). */
  SESSION_METADATA_MAX_BYTES: int(2, 1_000_000).default(4096),

  /** GraphQL protection. */
  GRAPHQL_MAX_DEPTH: int(1, 100).default(10),
  GRAPHQL_MAX_COMPLEXITY: int(1, 1_000_000).default(5000),
  GRAPHQL_MAX_ALIASES: int(1, 1000).default(30),
  GRAPHQL_MAX_DIRECTIVES: int(1, 1000).default(50),
  /** Tokens per document, and per request: a batch's documents share one budget. */
  GRAPHQL_MAX_TOKENS: int(10, 1_000_000).default(5000),
  /** Fields per document (fragments counted once), checked before validation. */
  GRAPHQL_MAX_FIELDS: int(1, 100_000).default(250),
  /** Bytes of GraphQL source per request (the `query` strings of a batch added up). */
  GRAPHQL_MAX_DOCUMENT_BYTES: int(256, 50 * 1024 * 1024).default(64 * 1024),
  GRAPHQL_MAX_PAGE_SIZE: int(1, 1000).default(100),
  /** Characters of any string the client sends, in variables or in the document. */
  GRAPHQL_MAX_STRING_LENGTH: int(16, 50 * 1024 * 1024).default(10_000),
  GRAPHQL_MAX_BATCH: int(0, 100).default(10),
  GRAPHQL_INTROSPECTION: bool.optional(),
  REQUEST_BODY_LIMIT_BYTES: int(1024, 50 * 1024 * 1024).default(1024 * 1024),
  /**
   * Browser origins (scheme://host[:port], comma-separated) that may call the API with credentials.
   * Unset: none in production; in development the gateway's own http://127.0.0.1 and localhost origins.
   */
  CORS_ORIGINS: z
    .string()
    .transform((v, ctx) => {
      const origins = v.split(",").map((o) => o.trim()).filter((o) => o !== "");
      for (const o of origins) {
        if (!isOrigin(o)) ctx.addIssue({ code: "custom", message: `"${o}" is not an origin (scheme://host[:port], no path; "*" and "null" are not allowed)` });
      }
      return origins;
    })
    .optional(),
  /** How long browsers may cache a CORS preflight (seconds). */
  CORS_MAX_AGE_SECONDS: int(0, 86400).default(600),
  /** Trusted documents: off (any document), allow (manifest ids and any document), only (manifest documents only). Unset: only in production, allow otherwise. */
  PERSISTED_OPERATIONS: z.enum(["off", "allow", "only"]).optional(),
  /** Bearer token for /metrics. Unset: /metrics answers only on loopback. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** In-flight requests get this long to finish on SIGTERM (ms). */
  SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),

  /** Live streams (subscriptions over SSE): how often an open stream re-validates its session and permission (ms). */
  LIVE_HEARTBEAT_MS: int(100, 600_000).default(15_000),
  /** Open streams per user and in total, on one instance; more are refused with TOO_MANY_STREAMS. */
  LIVE_MAX_STREAMS_PER_USER: int(1, 1000).default(5),
  LIVE_MAX_STREAMS: int(1, 1_000_000).default(10_000),
  /** Events queued for one slow stream before it is ended with LIVE_UNAVAILABLE (it resumes from its cursor). */
  LIVE_QUEUE_MAX: int(1, 100_000).default(1000),
  /** On SIGTERM, /ready answers 503 and requests are still served for this long before the listener closes (ms). */
  SHUTDOWN_DRAIN_DELAY_MS: int(0, 120_000).default(5000),
  /** Idle keep-alive connections are kept this long; longer than a load balancer's idle timeout (ms). */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(1000, 600_000).default(65_000),

  ...accountFields,
});

const schema = fields.superRefine((c, ctx) => {
  // Without its own key a pseudonym is a public function of the IP: every IPv4 address can be tried.
  if (c.AUDIT_IP_PSEUDONYMISE_DAYS > 0 && !c.AUDIT_IP_KEY) {
    ctx.addIssue({ code: "custom", path: ["AUDIT_IP_KEY"], message: "required when AUDIT_IP_PSEUDONYMISE_DAYS is set" });
  }
  // The .eml outbox is for development: in production account mail would silently go nowhere.
  if (c.NODE_ENV === "production" && c.MAIL_ENABLED && !c.SMTP_URL) {
    ctx.addIssue({ code: "custom", path: ["SMTP_URL"], message: "required in production while MAIL_ENABLED is true (or set MAIL_ENABLED=false)" });
  }
  if ([c.REDIS_URL, c.REDIS_CLUSTER_NODES, c.REDIS_SENTINELS].filter(Boolean).length > 1) {
    ctx.addIssue({ code: "custom", path: ["REDIS_URL"], message: "set only one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS" });
  }
  if (c.REQUIRE_VERIFIED_EMAIL && !c.MAIL_ENABLED) {
    ctx.addIssue({ code: "custom", path: ["REQUIRE_VERIFIED_EMAIL"], message: "needs MAIL_ENABLED: nobody could verify an address" });
  }
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

/** Parses `env` (default process.env). Throws ConfigError with one line per bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset: `FOO=` in a .env file should mean "use the default".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  const seen = new Set<string>();
  // One line per variable: its first problem is the one to fix.
  const firstPerVariable = parsed.error.issues.filter((i) => {
    const name = String(i.path[0] ?? "config");
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
  const lines = firstPerVariable.map((i) => {
    const name = String(i.path[0] ?? "config");
    const raw = cleaned[name];
    const shown = name.includes("PASSWORD") || name.includes("TOKEN") || name.includes("KEY") || name === "SMTP_URL" || name === "DATABASE_REPLICA_URLS" ? "" : ` (got ${JSON.stringify(raw)})`;
    return `invalid ${name}: ${i.message}${shown}`;
  });
  throw new ConfigError(lines.join("\n"));
}
