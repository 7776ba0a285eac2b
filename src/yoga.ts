// The GraphQL server: Yoga with the Pothos schema, masked errors, locally served GraphiQL, probes.
// Exported so tests call `yoga.fetch` without opening a port.
import { GraphQLError, NoSchemaIntrospectionCustomRule } from "graphql";
import { createYoga } from "graphql-yoga";
import type { Plugin, YogaServerInstance } from "graphql-yoga";
import type { App } from "./app.js";
import { createContext } from "./context.js";
import type { Context, ServerContext } from "./context.js";
import { AppError, ErrorCode } from "./errors.js";
import { checkPostgres } from "./health.js";
import { graphiqlAsset, renderGraphiQL } from "./http/graphiql.js";
import { schema } from "./schema/index.js";

export type Gateway = YogaServerInstance<ServerContext, Context>;

const requestIds = new WeakMap<Request, string>();

function probesAndAssets(app: App): Plugin<Context> {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname === "/ready") {
        // Ready only when Postgres answers: a load balancer stops routing here while it cannot.
        const pg = await checkPostgres(app);
        endResponse(
          Response.json({ status: pg.status === "OK" ? "ready" : "unavailable", postgres: pg }, { status: pg.status === "OK" ? 200 : 503 }),
        );
        return;
      }
      if (request.method === "GET") {
        const asset = await graphiqlAsset(url.pathname);
        if (asset) endResponse(asset);
      }
    },
  };
}

function introspectionSwitch(app: App): Plugin<Context> {
  const enabled = app.config.GRAPHQL_INTROSPECTION ?? app.config.NODE_ENV !== "production";
  return {
    onValidate({ addValidationRule }) {
      if (!enabled) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

function requestIdHeader(): Plugin<Context> {
  return {
    onContextBuilding({ context }) {
      return ({ context: built }) => {
        const req = (context as { request?: Request }).request;
        if (req) requestIds.set(req, built.request.requestId);
      };
    },
    onResponse({ request, response }) {
      const id = requestIds.get(request);
      if (id) response.headers.set("x-request-id", id);
    },
  };
}

export function createGateway(app: App): Gateway {
  const maskError = (error: unknown, message: string): Error => {
    // Pothos and graphql-js may wrap an error more than once; the domain error is the innermost.
    let original: unknown = error;
    while (original instanceof GraphQLError && original.originalError) original = original.originalError;
    if (original === error && error instanceof GraphQLError) original = null;
    if (original instanceof AppError) {
      return new GraphQLError(original.message, {
        ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
        extensions: { code: original.code },
      });
    }
    // Parse/validation errors carry no original error and are safe to show as they are.
    if (error instanceof GraphQLError && !error.originalError) return error;
    app.log.error({ err: original ?? error, path: error instanceof GraphQLError ? error.path : undefined }, "internal error");
    return new GraphQLError(message, {
      ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
      // The request id is in the x-request-id response header and in the log line above.
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    });
  };

  return createYoga<ServerContext, Context>({
    schema,
    context: ({ request, ...server }) => createContext(app, request, server as ServerContext),
    maskedErrors: { maskError, errorMessage: "Internal server error" },
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/health",
    landingPage: false,
    graphiql: { title: "authgraph", defaultQuery: "{\n  health {\n    status\n  }\n}\n" },
    renderGraphiQL,
    batching: app.config.GRAPHQL_MAX_BATCH > 0 ? { limit: app.config.GRAPHQL_MAX_BATCH } : false,
    logging: {
      debug: (...args) => app.log.debug({ args }, "yoga"),
      info: (...args) => app.log.info({ args }, "yoga"),
      warn: (...args) => app.log.warn({ args }, "yoga"),
      error: (...args) => app.log.error({ args }, "yoga"),
    },
    plugins: [probesAndAssets(app), introspectionSwitch(app), requestIdHeader()],
  });
}
