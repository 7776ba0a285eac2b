// A tiny typed client: send a generated document (client/generated) and get the operation's result
// type back. It authenticates with a bearer token, or with the gateway's session cookie (browsers:
// `signIn(input: { …, cookie: true })`, then `credentials` decides whether fetch sends it).
// Stock clients take the same documents: see README "Use it from a client".
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import type { DocumentNode } from "graphql";
import generatedPossibleTypes from "./generated/possible-types.js";

export * from "./generated/graphql.js";

/** Which object types each union and interface can be, for Apollo Client's `InMemoryCache({ possibleTypes })`. */
// Marked pure so a bundle that does not use it (the account page) leaves the map out.
export const possibleTypes = /* @__PURE__ */ (() => generatedPossibleTypes.possibleTypes)();

export interface GraphQLErrorPayload {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; requestId?: string } & Record<string, unknown>;
}

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLErrorPayload[];
}

/** The server answered with `errors` (or not with GraphQL at all). */
export class GraphQLRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errors: GraphQLErrorPayload[],
    /** From the `x-request-id` header: quote it when reporting a problem. */
    readonly requestId: string | null,
  ) {
    super(errors.map((e) => (e.extensions?.code ? `${e.extensions.code}: ${e.message}` : e.message)).join("; ") || `HTTP ${status}`);
    this.name = "GraphQLRequestError";
  }

  /** The first error's registry code (e.g. UNAUTHENTICATED, QUERY_TOO_DEEP), if any. */
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

export interface ClientOptions {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql (a path such as /graphql in a page). */
  url: string;
  token?: string | null;
  headers?: Record<string, string>;
  /** Whether fetch sends cookies: "same-origin" (fetch's default) or "include" for a page on a listed CORS origin. */
  credentials?: "omit" | "same-origin" | "include";
  fetch?: typeof fetch;
}

/** Operations without required variables may omit them. */
type VariablesArg<V> = Record<string, never> extends V ? [variables?: V] : [variables: V];

export interface Client {
  /** Resolves with `data`; rejects with GraphQLRequestError when the response has any `errors`. */
  request<R, V>(document: TypedDocumentNode<R, V>, ...variables: VariablesArg<V>): Promise<R>;
  /** The raw response (partial data and errors together), plus the request id. */
  execute<R, V>(document: TypedDocumentNode<R, V>, ...variables: VariablesArg<V>): Promise<GraphQLResponse<R> & { status: number; requestId: string | null }>;
  /**
   * A subscription over Server-Sent Events: `onResult` gets each result in order; resolves when the
   * server ends the stream (after its last result, which may be an error with a code) or `signal` aborts.
   */
  subscribe<R, V>(document: TypedDocumentNode<R, V>, variables: V, onResult: (result: GraphQLResponse<R>) => void, signal?: AbortSignal): Promise<void>;
  /** Token for the following requests (null to go anonymous, or to rely on the session cookie). */
  setToken(token: string | null): void;
  readonly token: string | null;
}

const printed = new WeakMap<object, string>();

function source(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

/**
 * The trusted-document hash codegen embeds in each generated document: sent along, so a gateway
 * with PERSISTED_OPERATIONS=only runs it from its manifest (any other mode runs the text).
 */
export function persistedHash(document: object): string | null {
  if (!("__meta__" in document) || typeof document.__meta__ !== "object" || document.__meta__ === null) return null;
  const meta = document.__meta__;
  return "hash" in meta && typeof meta.hash === "string" ? meta.hash.replace(/^sha256:/, "") : null;
}

export function createClient(options: ClientOptions): Client {
  let token = options.token ?? null;
  const send = options.fetch ?? fetch;

  const post = (document: DocumentNode, variables: unknown, accept: string, signal?: AbortSignal): Promise<Response> => {
    const hash = persistedHash(document);
    return send(options.url, {
      method: "POST",
      credentials: options.credentials ?? "same-origin",
      headers: {
        // JSON POSTs are CSRF-safe for the server (browsers preflight them).
        "content-type": "application/json",
        accept,
        ...options.headers,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({
        query: source(document),
        variables: variables ?? {},
        ...(hash ? { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } } : {}),
      }),
      ...(signal ? { signal } : {}),
    });
  };

  const execute: Client["execute"] = async (document, ...[variables]) => {
    const res = await post(document, variables, "application/graphql-response+json, application/json");
    const requestId = res.headers.get("x-request-id");
    const text = await res.text();
    let body: GraphQLResponse<never>;
    try {
      body = JSON.parse(text) as GraphQLResponse<never>;
    } catch {
      throw new GraphQLRequestError(res.status, [{ message: `Non-JSON response (HTTP ${res.status}): ${text.slice(0, 200)}` }], requestId);
    }
    return { ...body, status: res.status, requestId };
  };

  return {
    execute,
    async request(document, ...variables) {
      const res = await execute(document, ...variables);
      if (res.errors?.length || res.data == null) throw new GraphQLRequestError(res.status, res.errors ?? [], res.requestId);
      return res.data;
    },
    async subscribe(document, variables, onResult, signal) {
      const res = await post(document, variables, "text/event-stream", signal);
      if (!res.headers.get("content-type")?.startsWith("text/event-stream") || !res.body) {
        // Refused before streaming (CSRF, trusted documents): one JSON answer.
        onResult((await res.json()) as GraphQLResponse<never>);
        return;
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const lines = buffer.slice(0, cut).split("\n");
          buffer = buffer.slice(cut + 2);
          if (lines.some((l) => l.startsWith("event: complete"))) return void reader.cancel();
          const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("\n");
          if (data) onResult(JSON.parse(data) as GraphQLResponse<never>);
        }
      }
    },
    setToken(next) {
      token = next;
    },
    get token() {
      return token;
    },
  };
}
