// Queries and mutations run on graphql-js' own executor. Yoga's default (@graphql-tools/executor)
// adds incremental delivery (@defer/@stream), which this API does not offer, and costs ~5 % more CPU
// per request on a 50-user page (bench/exec-ab.ts). Subscriptions keep Yoga's executor.
import { execute } from "graphql";
import type { Plugin } from "graphql-yoga";

export function useGraphqlJsExecution(): Plugin {
  return {
    onExecute({ setExecuteFn }) {
      setExecuteFn(execute);
    },
  };
}
