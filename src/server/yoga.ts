// The GraphQL server: Yoga with the Pothos schema, masked errors, request guards, metrics, locally
// served GraphiQL and probes. Exported so tests call `yoga.fetch` without opening a port.
import { useCookies } from "@whatwg-node/server-plugin-cookies";
import { createYoga } from "graphql-yoga";
import type { Plugin, YogaServerInstance } from "graphql-yoga";
import type { App } from "../app.js";
import { schema } from "../graphql/index.js";
import { createContext } from "./context.js";
import type { Context, ServerContext } from "./context.js";
import { useAccountPage } from "./account-page.js";
import { renderGraphiQL, useGraphiQLAssets } from "./graphiql.js";
import { corsPolicy } from "./origins.js";
import { useBatchLimit } from "./plugins/batch-limit.js";
import { useBodyLimit } from "./plugins/body-limit.js";
import { useCsrfPrevention } from "./plugins/csrf.js";
import { useDocumentLimits } from "./plugins/document-limits.js";
import { MASKED_MESSAGE, isHandledError, maskError, useErrorReporting } from "./plugins/error-masking.js";
import { useInputStrings } from "./plugins/input-strings.js";
import { useMetricsEndpoint } from "./plugins/metrics-endpoint.js";
import { useNoStore } from "./plugins/no-store.js";
import { useOriginCheck } from "./plugins/origin-check.js";
import { loadManifest, persistedOperationsMode, usePersistedOperationsPolicy } from "./plugins/persisted-operations.js";
import { useReadYourWrites } from "./plugins/read-your-writes.js";
import { useReadiness } from "./plugins/readiness.js";
import { useRequestBudget } from "./plugins/request-budget.js";
import { useRequestId } from "./plugins/request-id.js";
import { useRequestMetrics } from "./plugins/request-metrics.js";
import { useViewerResponseCache } from "./plugins/response-cache.js";
import { useSubscriptionTransport } from "./plugins/subscription-transport.js";

export type Gateway = YogaServerInstance<ServerContext, Context>;

const GRAPHQL_ENDPOINT = "/graphql";

export interface GatewayOptions {
  /** Appended after the gateway's own plugins (tests use it to observe the pipeline). */
  plugins?: Plugin[];
}

export function createGateway(app: App, options: GatewayOptions = {}): Gateway {
  const { config } = app;
  const persisted = persistedOperationsMode(config);
  return createYoga<ServerContext, Context>({
    schema,
    context: ({ request, params, ...server }) => createContext(app, request, server as ServerContext, params),
    maskedErrors: { maskError, errorMessage: MASKED_MESSAGE },
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    healthCheckEndpoint: "/health",
    landingPage: false,
    // Credentials and CORS headers for CORS_ORIGINS only; plugins/origin-check.ts refuses the rest.
    cors: corsPolicy(config),
    graphiql: { title: "authgraph", defaultQuery: "{\n  health {\n    status\n  }\n}\n" },
    renderGraphiQL,
    // No uploads in this API: multipart would only be another simple (CSRF-able) content type to parse.
    multipart: false,
    // Yoga's batching guard stays as a backstop; useBatchLimit runs first with the registry's code.
    batching: config.GRAPHQL_MAX_BATCH > 0 ? { limit: config.GRAPHQL_MAX_BATCH } : false,
    // The body-size limit is plugins/body-limit.ts (it reads a body with a declared length unwrapped).
    maxRequestBodySize: false,
    logging: {
      debug: (...args) => app.log.debug({ args }, "yoga"),
      info: (...args) => app.log.info({ args }, "yoga"),
      warn: (...args) => app.log.warn({ args }, "yoga"),
      // Errors maskError dealt with are expected, or logged by error-masking.ts with their request id.
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
      useNoStore(GRAPHQL_ENDPOINT),
      useCookies(),
      useErrorReporting(app),
      useReadiness(app),
      useGraphiQLAssets(),
      useAccountPage(),
      useMetricsEndpoint(app),
      useRequestMetrics(app, GRAPHQL_ENDPOINT),
      useCsrfPrevention(),
      useOriginCheck(config),
      ...usePersistedOperationsPolicy(persisted, persisted === "off" ? new Map() : loadManifest()),
      useBatchLimit(config.GRAPHQL_MAX_BATCH),
      useRequestBudget(config),
      useDocumentLimits(config),
      useInputStrings(config),
      useReadYourWrites(app),
      ...useViewerResponseCache(app),
      useSubscriptionTransport(),
      ...(options.plugins ?? []),
      useBodyLimit(config.REQUEST_BODY_LIMIT_BYTES),
    ],
  });
}
