// `Cache-Control: no-store` on every response of the GraphQL endpoint: answers are per caller (and a
// sign-in answer carries a session), so no browser or proxy cache may keep one.
import type { Plugin } from "graphql-yoga";

export function useNoStore(endpoint: string): Plugin {
  // Decided on the URL Yoga has already parsed, not by parsing it again for the response.
  const forEndpoint = new WeakSet<Request>();
  return {
    onRequest({ request, url }) {
      if (url.pathname === endpoint) forEndpoint.add(request);
    },
    onResponse({ request, response }) {
      if (forEndpoint.has(request)) response.headers.set("cache-control", "no-store");
    },
  };
}
