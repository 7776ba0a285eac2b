// Whole query results cached per session (RESPONSE_CACHE_TTL_MS; off at 0) in the epoch-stamped store
// of cache/responses.ts. Why a hit is never stale in a way that matters:
// - only signed-in requests use it, and the key holds the session and user id: the viewer is
//   validated on every request before the lookup, so a revoked or expired session never reaches it;
// - every mutation bumps the responses epoch before its response is sent (a changed user, a revoked
//   session, a new role all come from mutations), and every permission change bumps the permission
//   epoch; a cached result stamped with an older epoch is a miss;
// - what changes without a mutation (sliding expiry's lastSeenAt, cleanup jobs) shows after the TTL.
// If Redis does not confirm a bump, this instance stops using cached results for one TTL.
// The lookup is started in the turn of the request's session lookup (context.ts), so both leave as one
// MGET (cache/mget-batch.ts); it is used only once the viewer is validated, and only for the same key.
// Not @envelop/response-cache: its per-entity bookkeeping (a rewritten document and a walk of every
// result) cost 17 % of a cold 50-user page, for invalidation the epochs already do.
import { createHash } from "node:crypto";
import { Kind, getOperationAST } from "graphql";
import type { ExecutionResult, OperationDefinitionNode } from "graphql";
import type { GraphQLParams, Plugin } from "graphql-yoga";
import type { App } from "../../app.js";
import { bumpResponsesEpoch, requestResponseStore } from "../../cache/responses.js";
import type { ResponseStore } from "../../cache/responses.js";
import type { Context } from "../context.js";

// Answers that must be live whoever asks: dependency health and the audit chain's verification.
const LIVE_ROOT_FIELDS = new Set(["health", "auditIntegrity"]);

// Only a gate for starting the lookup early: a document that may hold a mutation, a subscription or a
// live field is looked up after execution starts, if at all, where the parsed operation decides.
const MAYBE_NOT_CACHEABLE = new RegExp(`\\b(?:mutation|subscription|${[...LIVE_ROOT_FIELDS].join("|")})\\b`);

/** A lookup started before the viewer was validated (see context.ts). */
export interface ResponsePrefetch {
  key: string;
  /** What the key was made of, so execution reuses it rather than hashing the operation again. */
  sessionId: string;
  params: Partial<GraphQLParams>;
  store: ResponseStore;
  hit: Promise<string | null>;
}

/**
 * The entry's key: the session (which never changes user), and the operation as the client sent it.
 * Null without a query text (nothing to cache by).
 */
function responseKey(sessionId: string, params: Partial<GraphQLParams> | undefined): string | null {
  if (typeof params?.query !== "string") return null;
  return createHash("sha256")
    .update(`${sessionId}\0${params.operationName ?? ""}\0${params.query}\0${JSON.stringify(params.variables ?? {})}`)
    .digest("hex");
}

/** Starts the lookup for `sessionId` (a token's, not yet validated) when the response cache is on. */
export function prefetchResponse(app: App, sessionId: string, params: Partial<GraphQLParams> | undefined): ResponsePrefetch | null {
  if (app.config.RESPONSE_CACHE_TTL_MS <= 0 || typeof params?.query !== "string" || MAYBE_NOT_CACHEABLE.test(params.query)) return null;
  const key = responseKey(sessionId, params);
  if (!key) return null;
  const store = requestResponseStore(app.cache);
  // Never left rejected and unobserved (the viewer may turn out invalid): a failed lookup is a miss.
  return { key, sessionId, params, store, hit: store.get(key).catch(() => null) };
}

/** Only plain root fields, none of them live (a root fragment is not looked into: not cached). */
function cacheable(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && !LIVE_ROOT_FIELDS.has(s.name.value));
}

const isResult = (r: unknown): r is ExecutionResult => typeof r === "object" && r !== null && !(Symbol.asyncIterator in r);

/** Yoga serialises a result with its `stringify` when it has one (its ExecutionResultWithSerializer). */
type AnsweredResult = ExecutionResult & { stringify: (result: ExecutionResult) => string };

/**
 * A result answered as `json`, its JSON text (Yoga serialises a result with its own `stringify`): the
 * text is made once for both the response and the cache. A copy another plugin makes of the result
 * (to add errors or extensions) is serialised as usual; `data` is parsed only if something reads it.
 */
function answeredAs(json: string, result?: ExecutionResult): AnsweredResult {
  let data = result?.data;
  const answer: AnsweredResult = {
    get data() {
      return (data ??= (JSON.parse(json) as ExecutionResult).data);
    },
    stringify: (r) => (r === answer ? json : JSON.stringify(r)),
  };
  return answer;
}

/** Cached only as `{ data }`: no errors, and no extensions that could belong to one request. */
const storable = (r: ExecutionResult): boolean => !r.errors?.length && r.extensions === undefined && r.data != null;

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
        const { viewer, params, responsePrefetch } = args.contextValue as Partial<Pick<Context, "viewer" | "responsePrefetch"> & { params: GraphQLParams }>;
        if (operation?.operation !== "query" || !viewer || Date.now() < bypassUntil || !cacheable(operation)) return;
        const early = responsePrefetch?.sessionId === viewer.session.id && responsePrefetch.params === params ? responsePrefetch : null;
        const key = early?.key ?? responseKey(viewer.session.id, params);
        if (!key) return;
        const store = early?.store ?? requestResponseStore(app.cache);
        const hit = await (early?.hit ?? store.get(key));
        if (hit !== null) {
          setResultAndStopExecution(answeredAs(hit));
          return;
        }
        return {
          onExecuteDone({ result, setResult }) {
            if (!isResult(result) || !storable(result)) return;
            const json = JSON.stringify({ data: result.data });
            void store.set(key, json, ttl);
            setResult(answeredAs(json, result));
          },
        };
      },
    },
  ];
}
