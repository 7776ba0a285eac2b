// Whole query results cached per session (RESPONSE_CACHE_TTL_MS; off at 0) in the epoch-stamped store
// of cache/responses.ts. Why a hit is never stale in a way that matters:
// - only signed-in requests use it, and the key holds the session and user id: the viewer is
//   validated on every request before the lookup, so a revoked or expired session never reaches it;
// - every mutation bumps the responses epoch before its response is sent (a changed user, a revoked
//   session, a new role all come from mutations), and every permission change bumps the permission
//   epoch; a cached result stamped with an older epoch is a miss;
// - what changes without a mutation (sliding expiry's lastSeenAt, cleanup jobs) shows after the TTL.
// If Redis does not confirm a bump, this instance stops using cached results for one TTL.
// Not @envelop/response-cache: its per-entity bookkeeping (a rewritten document and a walk of every
// result) cost 17 % of a cold 50-user page, for invalidation the epochs already do.
import { createHash } from "node:crypto";
import { Kind, getOperationAST, print } from "graphql";
import type { DocumentNode, ExecutionResult, OperationDefinitionNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { App } from "../../app.js";
import { bumpResponsesEpoch, requestResponseStore } from "../../cache/responses.js";
import type { Context } from "../context.js";

// Yoga's parse cache hands out one DocumentNode per distinct source, so printing once per document is enough.
const printed = new WeakMap<DocumentNode, string>();
function documentText(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

function responseKey(sessionKey: string, document: DocumentNode, operationName: string | null | undefined, variables: unknown): string {
  return createHash("sha256")
    .update(`${sessionKey}\0${operationName ?? ""}\0${documentText(document)}\0${JSON.stringify(variables ?? {})}`)
    .digest("hex");
}

// Answers that must be live whoever asks: dependency health and the audit chain's verification.
const LIVE_ROOT_FIELDS = new Set(["health", "auditIntegrity"]);

/** Only plain root fields, none of them live (a root fragment is not looked into: not cached). */
function cacheable(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && !LIVE_ROOT_FIELDS.has(s.name.value));
}

const isResult = (r: unknown): r is ExecutionResult => typeof r === "object" && r !== null && !(Symbol.asyncIterator in r);

export function useViewerResponseCache(app: App): Plugin[] {
  const ttl = app.config.RESPONSE_CACHE_TTL_MS;
  if (ttl <= 0) return [];
  let bypassUntil = 0;
  const bump = async (): Promise<void> => {
    if (await bumpResponsesEpoch(app.cache)) return;
    bypassUntil = Date.now() + ttl;
    app.log.warn({ ttlMs: ttl }, "responses epoch bump not confirmed; this instance bypasses cached responses for one TTL");
  };
  return [
    {
      async onExecute({ args, setResultAndStopExecution }) {
        const operation = getOperationAST(args.document, args.operationName);
        // Any mutation, whatever its selection, result or errors: its effects are committed before the
        // response is sent, so the bump must be too.
        if (operation?.operation === "mutation") return { onExecuteDone: () => bump() };
        // The execution context: the viewer was validated for this request before execution started.
        const { viewer } = args.contextValue as Partial<Pick<Context, "viewer">>;
        if (operation?.operation !== "query" || !viewer || Date.now() < bypassUntil || !cacheable(operation)) return;
        const store = requestResponseStore(app.cache);
        const key = responseKey(`${viewer.session.id}:${viewer.user.id}`, args.document, args.operationName, args.variableValues);
        const hit = await store.get(key);
        if (hit) {
          setResultAndStopExecution(hit);
          return;
        }
        return {
          onExecuteDone({ result }) {
            if (isResult(result) && !result.errors?.length) void store.set(key, result, ttl);
          },
        };
      },
    },
  ];
}
