// A browser names the page that sent a request in `Origin`. Only the gateway's own origin and
// CORS_ORIGINS may act through the API: with the session cookie in particular, a page of another
// origin (another subdomain of the same site gets the SameSite=Lax cookie) must not act as the user.
// Non-browser clients send no Origin and are not affected; csrf.ts makes sure the request is not a
// simple one, so a browser has asked (preflight) before sending it.
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Config } from "../../config.js";
import { ErrorCode } from "../../errors.js";
import { isAllowedOrigin } from "../origins.js";

export function useOriginCheck(config: Pick<Config, "NODE_ENV" | "PORT" | "CORS_ORIGINS" | "CORS_MAX_AGE_SECONDS">): Plugin {
  return {
    onRequestParse({ request, url }) {
      const origin = request.headers.get("origin");
      if (origin === null || isAllowedOrigin(config, origin, url)) return;
      throw new GraphQLError("This origin may not call the API: the gateway accepts requests from its own origin and from CORS_ORIGINS.", {
        extensions: { code: ErrorCode.CSRF_REJECTED, http: { status: 403 } },
      });
    },
  };
}
