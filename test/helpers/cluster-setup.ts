// Global setup of the `redis-cluster` vitest project: one private Redis Cluster (3 masters + 3
// replicas) for the run. Files share it through their own key namespaces, as they share 6379.
import type { TestProject } from "vitest/node";
import { startRedisCluster } from "./redis-cluster.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Seed nodes of the run's Redis Cluster (`host:port,...`); empty outside the redis-cluster project. */
    redisClusterNodes: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startRedisCluster();
  project.provide("redisClusterNodes", cluster.seeds);
  return () => cluster.dispose();
}
