// CORS from an allowlist (CORS_ORIGINS): a listed origin gets its own origin back with credentials, the
// exposed x-request-id and a preflight max-age; an unlisted origin and `null` get no CORS headers at
// all (and their requests are refused); the default is none in production and the gateway's own
// loopback origins (where GraphiQL runs) in development.
import { describe, expect } from "vitest";
import { corsOrigins } from "../../src/server/origins.js";
import { loadConfig } from "../../src/config.js";
import { instanceTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";

const LISTED = "https://app.example.test";
const test = instanceTest({ env: { CORS_ORIGINS: `${LISTED}, http://localhost:5173`, CORS_MAX_AGE_SECONDS: "900" } });

async function preflight(t: TestInstance, origin: string): Promise<Response> {
  return await t.yoga.fetch("http://gateway.test/graphql", {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type, authorization" },
  });
}

async function post(t: TestInstance, origin: string): Promise<Response> {
  return await t.yoga.fetch("http://gateway.test/graphql", { method: "POST", headers: { origin, "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
}

describe("a listed origin", () => {
  test("gets its origin, credentials, the allowed methods and headers, and a max-age on the preflight", async ({ t }) => {
    const res = await preflight(t, LISTED);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(LISTED);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-allow-methods")).toBe("GET, POST");
    expect(res.headers.get("access-control-allow-headers")?.split(", ")).toEqual(expect.arrayContaining(["content-type", "authorization", "x-graphql-csrf"]));
    expect(res.headers.get("access-control-max-age")).toBe("900");
  });

  test("reads the response, x-request-id included", async ({ t }) => {
    const res = await post(t, "http://localhost:5173");
    expect(await res.json()).toEqual({ data: { __typename: "Query" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-expose-headers")).toBe("x-request-id");
  });
});

describe("an unlisted origin", () => {
  test.for(["https://evil.example.test", "null", "https://app.example.test.evil.test", "http://app.example.test"])("%s gets no CORS headers and its request is refused", async (origin, { t }) => {
    const pre = await preflight(t, origin);
    for (const header of ["access-control-allow-origin", "access-control-allow-credentials", "access-control-expose-headers"]) expect(pre.headers.get(header)).toBeNull();
    const res = await post(t, origin);
    expect(res.status).toBe(403);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe("CSRF_REJECTED");
  });

  test("a request without Origin (a server, curl) is not a browser's and is answered", async ({ t }) => {
    const res = await t.yoga.fetch("http://gateway.test/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
    expect(await res.json()).toEqual({ data: { __typename: "Query" } });
  });

  test("the gateway's own origin needs no CORS headers and is answered", async ({ t }) => {
    const res = await post(t, "http://gateway.test");
    expect(await res.json()).toEqual({ data: { __typename: "Query" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("defaults", () => {
  test("none in production; the gateway's own loopback origins in development", () => {
    expect(corsOrigins(loadConfig({ NODE_ENV: "production", MAIL_ENABLED: "false" }))).toEqual([]);
    expect(corsOrigins(loadConfig({ NODE_ENV: "development", PORT: "4000" }))).toEqual(["http://127.0.0.1:4000", "http://localhost:4000"]);
    expect(corsOrigins(loadConfig({ NODE_ENV: "production", MAIL_ENABLED: "false", CORS_ORIGINS: "https://a.test,https://b.test:8443" }))).toEqual(["https://a.test", "https://b.test:8443"]);
  });

  test.for(["*", "null", "https://a.test/path", "ftp://a.test", "a.test"])("CORS_ORIGINS=%s is refused at start-up", (value) => {
    expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(/^invalid CORS_ORIGINS: /);
  });
});
