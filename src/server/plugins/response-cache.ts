// Whole query results cached per session (RESPONSE_CACHE_TTL_MS; off at 0), through
// @envelop/response-cache with the epoch-stamped store of cache/responses.ts. (Not Yoga's wrapper of
// it: that one keys the lookup in onParams, before our context has validated the viewer.) Why a hit is
// never stale in a way that matters:
// - only signed-in requests use it, and the key holds the session and user id: the viewer is
//   validated on every request before the lookup, so a revoked or expired session never reaches it;
// - every mutation bumps the responses epoch before its response is sent (a changed user, a revoked
//   session, a new role all come from mutations), and every permission change bumps the permission
//   epoch; a cached result stamped with an older epoch is a miss;
// - what changes without a mutation (sliding expiry's lastSeenAt, cleanup jobs) shows after the TTL.
// If Redis does not confirm a bump, this instance stops using cached results for one TTL.
import { useResponseCache } from "@envelop/response-cache";
import { getOperationAST } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { App } from "../../app.js";
import { bumpResponsesEpoch, requestResponseStore } from "../../cache/responses.js";
import type { ResponseStore } from "../../cache/responses.js";
import type { Context } from "../context.js";

export function useViewerResponseCache(app: App): Plugin[] {
  const ttl = app.config.RESPONSE_CACHE_TTL_MS;
  if (ttl <= 0) return [];
  let bypassUntil = 0;
  const bump = async (): Promise<void> => {
    if (await bumpResponsesEpoch(app.cache)) return;
    bypassUntil = Date.now() + ttl;
    app.log.warn({ ttlMs: ttl }, "responses epoch bump not confirmed; this instance bypasses cached responses for one TTL");
  };
  const stores = new WeakMap<object, ResponseStore>();
  const storeFor = (ctx: object): ResponseStore => {
    let store = stores.get(ctx);
    if (!store) {
      store = requestResponseStore(app.cache, bump);
      stores.set(ctx, store);
    }
    return store;
  };
  return [
    {
      // Any mutation, whatever its selection, result or errors: its effects are committed before the
      // response is sent, so the bump must be too.
      onExecute({ args }) {
        if (getOperationAST(args.document, args.operationName)?.operation !== "mutation") return;
        return { onExecuteDone: () => bump() };
      },
    },
    useResponseCache<Context>({
      ttl,
      // Called with the execution context, after the viewer was validated for this request.
      session: (ctx) => (ctx.viewer ? `${ctx.viewer.session.id}:${ctx.viewer.user.id}` : null),
      enabled: (ctx) => Boolean(ctx.viewer) && Date.now() >= bypassUntil,
      cache: (ctx) => storeFor(ctx),
      // The mutation hook above invalidates by epoch, whatever the mutation selected.
      invalidateViaMutation: false,
      includeExtensionMetadata: false,
    }) as Plugin,
  ];
}
