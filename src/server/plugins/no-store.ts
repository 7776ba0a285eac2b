// `Cache-Control: no-store` on every response of the GraphQL endpoint: answers are per caller (and a
// sign-in answer carries a session), so no browser or proxy cache may keep one.
import type { Plugin } from "graphql-yoga";

export function useNoStore(endpoint: string): Plugin {
  return {
    onResponse({ request, response }) {
      if (new URL(request.url).pathname === endpoint) response.headers.set("cache-control", "no-store");
    },
  };
}
