// One id per HTTP request, decided before anything else runs, so every response (including those
// rejected before a context exists: CSRF, body size, parse errors) carries `x-request-id`, and the
// context, the error extensions and the log lines all quote the same id.
import { randomUUID } from "node:crypto";
import type { Plugin } from "graphql-yoga";

const ids = new WeakMap<Request, string>();

// A caller's id is kept only if it looks like one, so it cannot inject anything into the logs.
const ACCEPTABLE = /^[\w.-]{8,128}$/;

/** The caller's `x-request-id` when well-formed, else a fresh one. */
export function chooseRequestId(incoming: string | null | undefined): string {
  return incoming && ACCEPTABLE.test(incoming) ? incoming : randomUUID();
}

export function requestIdOf(request: Request): string {
  let id = ids.get(request);
  if (!id) {
    id = chooseRequestId(request.headers.get("x-request-id"));
    ids.set(request, id);
  }
  return id;
}

export function useRequestId(): Plugin {
  return {
    onRequest({ request }) {
      requestIdOf(request);
    },
    onResponse({ request, response }) {
      response.headers.set("x-request-id", requestIdOf(request));
    },
  };
}
