// The request body limit (REQUEST_BODY_LIMIT_BYTES), in place of Yoga's maxRequestBodySize. A declared
// Content-Length is checked before anything is read, and then trusted: Node's HTTP parser never hands
// over more bytes than it declares. Only a body without one (chunked) is piped through a counting
// stream — Yoga pipes every body, which costs a stream, a Request copy and an AbortSignal per request.
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { ErrorCode } from "../../errors.js";

const CONTENT_LENGTH = /^\d{1,15}$/;

const tooLarge = (limit: number): GraphQLError =>
  new GraphQLError(`The request body is larger than ${limit} bytes.`, { extensions: { code: ErrorCode.PAYLOAD_TOO_LARGE, http: { status: 413 } } });

function counted(request: Request, limit: number): Request {
  const body = request.body;
  if (!body) return request;
  let bytes = 0;
  const limited = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        if (bytes > limit) controller.error(tooLarge(limit));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Request(request.url, { method: request.method, headers: request.headers, signal: request.signal, body: limited, duplex: "half" } as RequestInit);
}

/** Register last among the plugins: it wraps whichever request parser was chosen. */
export function useBodyLimit(limit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser }) {
      const declared = request.headers.get("content-length");
      if (declared !== null) {
        if (!CONTENT_LENGTH.test(declared)) {
          throw new GraphQLError("Content-Length header is invalid.", { extensions: { code: ErrorCode.BAD_REQUEST, http: { status: 400 } } });
        }
        if (Number(declared) > limit) throw tooLarge(limit);
        return;
      }
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser((req) => parse(counted(req, limit)));
    },
  };
}
