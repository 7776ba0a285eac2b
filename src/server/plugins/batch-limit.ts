// Operations per batched request. Runs before Yoga's own batching guard (user plugins come first),
// so the rejection carries BATCH_TOO_LARGE instead of Yoga's generic BAD_REQUEST.
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { ErrorCode } from "../../errors.js";

/** maxBatch 0 = batching disabled. */
export function useBatchLimit(maxBatch: number): Plugin {
  const reject = (message: string, status: number) => new GraphQLError(message, { extensions: { code: ErrorCode.BATCH_TOO_LARGE, http: { status } } });
  return {
    onRequestParse() {
      return {
        onRequestParseDone({ requestParserResult }) {
          if (!Array.isArray(requestParserResult)) return;
          if (maxBatch === 0) throw reject("Batched requests are disabled on this server.", 400);
          if (requestParserResult.length > maxBatch) throw reject(`A batch may hold at most ${maxBatch} operations (got ${requestParserResult.length}).`, 413);
        },
      };
    },
  };
}
