// Marks a signed-in viewer as a recent writer before any mutation of theirs executes, so their
// stale-tolerant reads (server/stale-reads.ts) stay on the primary until the replicas have caught up.
import { getOperationAST } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { App } from "../../app.js";
import type { Context } from "../context.js";
import { markWrote } from "../stale-reads.js";

export function useReadYourWrites(app: App): Plugin<Context> {
  if (!app.db.replicas) return {};
  return {
    async onExecute({ args }) {
      const viewer = args.contextValue.viewer;
      const mutation = getOperationAST(args.document, args.operationName)?.operation === "mutation";
      if (viewer && mutation) await markWrote(app, viewer.user.id);
    },
  };
}
