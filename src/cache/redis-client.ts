// Which Redis the configuration names (one server, a Cluster, or a Sentinel-managed master) and
// the one function that opens a client to it. The cache and anything else needing a connection
// (pub/sub) go through openRedisClient, so TLS, ACL credentials and topology are decided here once.
import { readFileSync } from "node:fs";
import { Cluster, Redis } from "ioredis";
import type { ClusterOptions, RedisOptions } from "ioredis";
import { GuardedSentinelConnector, GuardedStandaloneConnector } from "./redis-connectors.js";

export type RedisClient = Redis | Cluster;

export interface HostPort {
  host: string;
  port: number;
}

/** Credentials and TLS shared by every node (and by Sentinels, which use the same ACL here). */
export interface RedisSecurity {
  username?: string | undefined;
  password?: string | undefined;
  /** Turn TLS on for Cluster/Sentinel nodes (a `rediss://` URL turns it on for a single server). */
  tls?: boolean | undefined;
  /** PEM file of the CA that signed the server certificates (self-signed deployments). */
  caFile?: string | undefined;
}

export type RedisTarget = RedisSecurity &
  ({ kind: "single"; url: string } | { kind: "cluster"; nodes: HostPort[] } | { kind: "sentinel"; sentinels: HostPort[]; name: string });

export interface RedisTargetConfig {
  REDIS_URL?: string | undefined;
  REDIS_CLUSTER_NODES?: HostPort[] | undefined;
  REDIS_SENTINELS?: HostPort[] | undefined;
  REDIS_SENTINEL_NAME?: string | undefined;
  REDIS_USERNAME?: string | undefined;
  REDIS_PASSWORD?: string | undefined;
  REDIS_TLS?: boolean | undefined;
  REDIS_TLS_CA_FILE?: string | undefined;
}

/** Null when no Redis is configured (the in-process cache is used). */
export function redisTarget(config: RedisTargetConfig): RedisTarget | null {
  const security: RedisSecurity = {
    username: config.REDIS_USERNAME,
    password: config.REDIS_PASSWORD,
    tls: config.REDIS_TLS,
    caFile: config.REDIS_TLS_CA_FILE,
  };
  if (config.REDIS_CLUSTER_NODES?.length) return { kind: "cluster", nodes: config.REDIS_CLUSTER_NODES, ...security };
  if (config.REDIS_SENTINELS?.length) return { kind: "sentinel", sentinels: config.REDIS_SENTINELS, name: config.REDIS_SENTINEL_NAME ?? "mymaster", ...security };
  if (config.REDIS_URL) return { kind: "single", url: config.REDIS_URL, ...security };
  return null;
}

function tlsOptions(target: RedisTarget): RedisOptions["tls"] {
  const wanted = target.tls || (target.kind === "single" && target.url.startsWith("rediss:"));
  if (!wanted) return undefined;
  return target.caFile ? { ca: readFileSync(target.caFile) } : {};
}

/**
 * Opens a client for the target. `options` are per-connection settings (timeouts, retry strategy,
 * key prefix); for a Cluster they apply to every node connection, and the cluster-level ones the
 * cache needs (auto-pipelining per node, no offline queue) are set here.
 */
export function openRedisClient(target: RedisTarget, options: RedisOptions = {}): RedisClient {
  const tls = tlsOptions(target);
  const auth: RedisOptions = {
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    ...(tls ? { tls } : {}),
  };
  if (target.kind === "single") return new Redis(target.url, { ...options, ...auth, Connector: GuardedStandaloneConnector });
  if (target.kind === "sentinel") {
    return new Redis({
      ...options,
      ...auth,
      Connector: GuardedSentinelConnector,
      sentinels: target.sentinels,
      name: target.name,
      ...(target.username ? { sentinelUsername: target.username } : {}),
      ...(target.password ? { sentinelPassword: target.password } : {}),
      ...(tls ? { enableTLSForSentinelMode: true, sentinelTLS: tls } : {}),
    });
  }
  const { keyPrefix, retryStrategy, enableOfflineQueue, connectionName, ...perNode } = options;
  const clusterOptions: ClusterOptions = {
    ...(keyPrefix ? { keyPrefix } : {}),
    // Commands issued in one tick go out as one pipeline per node: a batch split per slot costs one
    // round trip per node, not one per key.
    enableAutoPipelining: true,
    enableOfflineQueue: enableOfflineQueue ?? true,
    clusterRetryStrategy: retryStrategy ? (times) => retryStrategy(times) ?? null : undefined,
    // A failover moves slots: look them up again quickly instead of failing for the default 100 ms+.
    retryDelayOnFailover: 50,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 50,
    slotsRefreshTimeout: 1000,
    redisOptions: { ...perNode, ...auth, Connector: GuardedStandaloneConnector, ...(connectionName ? { connectionName } : {}) },
    ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
  };
  return new Cluster(target.nodes, clusterOptions);
}

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}
