// CSRF prevention for browser requests. A page on another origin can make a browser send a "simple"
// request (GET, or POST with a form/text content type) carrying the user's cookies or basic auth
// without a CORS preflight. Such requests are refused unless they carry a header only a script that
// passed a preflight could set. JSON POSTs (every GraphQL client, GraphiQL included) are preflighted
// by browsers and pass untouched. Same idea as Apollo's and Yoga's csrf-prevention, with our code.
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { ErrorCode } from "../../errors.js";

/** Any one of these marks a request as sent by a script (browsers never add them to simple requests). */
export const CSRF_HEADERS = ["x-graphql-csrf", "x-graphql-yoga-csrf", "apollo-require-preflight"] as const;

const SIMPLE_CONTENT_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]);

/** Whether a browser would have sent a CORS preflight before this request. */
function preflighted(request: Request): boolean {
  if (request.method !== "GET" && request.method !== "HEAD" && request.method !== "POST") return true;
  const type = request.headers.get("content-type");
  if (type === null) return false;
  const essence = type.split(";")[0]?.trim().toLowerCase() ?? "";
  return !SIMPLE_CONTENT_TYPES.has(essence);
}

export function useCsrfPrevention(): Plugin {
  return {
    onRequestParse({ request }) {
      if (preflighted(request) || CSRF_HEADERS.some((h) => request.headers.has(h))) return;
      throw new GraphQLError(
        `This request could be a cross-site request forgery. Send it as POST with content-type application/json, or add the header "${CSRF_HEADERS[0]}: 1".`,
        { extensions: { code: ErrorCode.CSRF_REJECTED, http: { status: 403 } } },
      );
    },
  };
}
