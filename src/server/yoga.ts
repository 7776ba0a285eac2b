// The GraphQL server: Yoga with the Pothos schema, masked errors, request guards, metrics, locally
// served GraphiQL and probes. Exported so tests call `yoga.fetch` without opening a port.
import { createYoga } from "graphql-yoga";
import type { Plugin, YogaServerInstance } from "graphql-yoga";
import type { App } from "../app.js";
import { createContext } from "./context.js";
import type { Context, ServerContext } from "./context.js";
import { checkPostgres } from "../modules/health/checks.js";
import { useCsrfPrevention } from "./plugins/csrf.js";
import { MASKED_MESSAGE, isHandledError, maskError, useErrorReporting } from "./plugins/error-masking.js";
import { graphiqlAsset, renderGraphiQL } from "./graphiql.js";
import { useMetrics } from "./plugins/prometheus.js";
import { useBatchLimit, useBodyLimit, useTokenLimit, useValidationLimits } from "./plugins/document-limits.js";
import { requestIdOf, useRequestId } from "./plugins/request-id.js";
import { schema } from "../graphql/index.js";

export type Gateway = YogaServerInstance<ServerContext, Context>;

const GRAPHQL_ENDPOINT = "/graphql";

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

export function createGateway(app: App): Gateway {
  const { config } = app;
  return createYoga<ServerContext, Context>({
    schema,
    context: async ({ request, ...server }) => {
      const context = await createContext(app, request, server as ServerContext);
      // The id chosen when the request arrived, so the context, the header and the logs agree.
      context.request.requestId = requestIdOf(request);
      return context;
    },
    maskedErrors: { maskError, errorMessage: MASKED_MESSAGE },
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    healthCheckEndpoint: "/health",
    landingPage: false,
    graphiql: { title: "authgraph", defaultQuery: "{\n  health {\n    status\n  }\n}\n" },
    renderGraphiQL,
    // No uploads in this API: multipart would only be another simple (CSRF-able) content type to parse.
    multipart: false,
    // Yoga's own guards stay as a backstop; ours (useBatchLimit, useBodyLimit) run first with registry codes.
    batching: config.GRAPHQL_MAX_BATCH > 0 ? { limit: config.GRAPHQL_MAX_BATCH } : false,
    maxRequestBodySize: config.REQUEST_BODY_LIMIT_BYTES,
    logging: {
      debug: (...args) => app.log.debug({ args }, "yoga"),
      info: (...args) => app.log.info({ args }, "yoga"),
      warn: (...args) => app.log.warn({ args }, "yoga"),
      // Errors maskError dealt with are expected, or logged by http/errors.ts with their request id.
      error: (...args) => {
        const [first] = args;
        if (isHandledError(first)) return;
        if (first instanceof Error) app.log.error({ err: first }, "yoga");
        else app.log.error({ args }, "yoga");
      },
    },
    // Hooks run in registration order: error reporting settles codes and request ids before metrics
    // count them; the guards run before Yoga's built-in ones.
    plugins: [
      useRequestId(),
      useErrorReporting(app),
      probesAndAssets(app),
      useMetrics(app, GRAPHQL_ENDPOINT),
      useCsrfPrevention(),
      useBodyLimit(config.REQUEST_BODY_LIMIT_BYTES),
      useBatchLimit(config.GRAPHQL_MAX_BATCH),
      useTokenLimit(config.GRAPHQL_MAX_TOKENS),
      useValidationLimits(config),
    ],
  });
}
