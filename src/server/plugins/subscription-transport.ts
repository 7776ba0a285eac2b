// Subscriptions are streamed as Server-Sent Events (or Yoga's multipart/mixed): asked for with an
// Accept header that allows neither, a stream would have no way to reach the client (Yoga answers an
// empty 406). Such a request gets a typed error instead, and the stream it opened is closed at once.
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { ErrorCode } from "../../errors.js";

const STREAMING = /text\/event-stream|multipart\/mixed|\*\/\*/;

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

export function useSubscriptionTransport(): Plugin {
  return {
    onExecutionResult({ request, result, setResult }) {
      if (!isAsyncIterable(result) || STREAMING.test(request.headers.get("accept") ?? "")) return;
      void result[Symbol.asyncIterator]().return?.();
      setResult({
        errors: [
          new GraphQLError("Subscriptions are served as Server-Sent Events: send the request with `Accept: text/event-stream`.", {
            extensions: { code: ErrorCode.OPERATION_NOT_SUPPORTED },
          }),
        ],
      });
    },
  };
}
