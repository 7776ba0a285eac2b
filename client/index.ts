// A tiny typed client: send a generated document (client/generated) with the bearer token, get the
// operation's result type back. No dependencies beyond `fetch`.
import type { TypedDocumentString } from "./generated/graphql.js";

export * from "./generated/graphql.js";

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
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  token?: string | null;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

/** Operations without required variables may omit them. */
type VariablesArg<V> = Record<string, never> extends V ? [variables?: V] : [variables: V];

export interface Client {
  /** Resolves with `data`; rejects with GraphQLRequestError when the response has any `errors`. */
  request<R, V>(document: TypedDocumentString<R, V>, ...variables: VariablesArg<V>): Promise<R>;
  /** The raw response (partial data and errors together), plus the request id. */
  execute<R, V>(document: TypedDocumentString<R, V>, ...variables: VariablesArg<V>): Promise<GraphQLResponse<R> & { status: number; requestId: string | null }>;
  /** Token for the following requests (null to go anonymous). */
  setToken(token: string | null): void;
  readonly token: string | null;
}

export function createClient(options: ClientOptions): Client {
  let token = options.token ?? null;
  const send = options.fetch ?? fetch;

  const execute: Client["execute"] = async (document, ...[variables]) => {
    const res = await send(options.url, {
      method: "POST",
      headers: {
        // JSON POSTs are CSRF-safe for the server (browsers preflight them).
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
        ...options.headers,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
    });
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
    setToken(next) {
      token = next;
    },
    get token() {
      return token;
    },
  };
}
