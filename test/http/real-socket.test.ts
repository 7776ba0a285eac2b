// What only a real socket shows: /metrics for loopback callers, oversize bodies with and without
// Content-Length, request ids on every response, JSON log lines on stdout.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../helpers/server.js";
import type { TestServer } from "../helpers/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { REQUEST_BODY_LIMIT_BYTES: "4096" } });
});
afterAll(async () => {
  await server?.close();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw node:http, so the test controls Content-Length vs chunked and sees the socket's fate. */
function send(path: string, opts: { method?: string; headers?: Record<string, string>; chunks?: string[]; chunkDelayMs?: number } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method: opts.method ?? "GET", headers: opts.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    const chunks = [...(opts.chunks ?? [])];
    const next = (): void => {
      const chunk = chunks.shift();
      if (chunk === undefined) return void req.end();
      // The server may answer and close before the whole body is sent; that is the point.
      if (req.destroyed || req.writableEnded) return;
      req.write(chunk, () => setTimeout(next, opts.chunkDelayMs ?? 0));
    };
    next();
  });
}

describe("over HTTP", () => {
  it("serves /metrics to a loopback caller when METRICS_TOKEN is unset, not to a proxied one", async () => {
    const direct = await send("/metrics");
    expect(direct.status).toBe(200);
    expect(direct.body).toContain("# TYPE authgraph_graphql_operations_total counter");
    const proxied = await send("/metrics", { headers: { "x-forwarded-for": "203.0.113.9" } });
    expect(proxied.status).toBe(403);
  });

  it("rejects a declared Content-Length over the limit with PAYLOAD_TOO_LARGE", async () => {
    const body = JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(5000) } });
    const r = await send("/graphql", { method: "POST", headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) }, chunks: [body] });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ errors: [{ extensions: { code: "PAYLOAD_TOO_LARGE", requestId: r.headers["x-request-id"] } }] });
  });

  it("counts a chunked body (no Content-Length) and rejects it past the limit", async () => {
    const head = `{"query":"{ __typename }","variables":{"pad":"`;
    const chunks = [head, ...Array.from({ length: 50 }, () => "x".repeat(1000)), `"}}`];
    const r = await send("/graphql", { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" }, chunks, chunkDelayMs: 2 });
    expect(r.status).toBe(413);
    expect(r.headers.connection).toBe("close");
    const parsed = JSON.parse(r.body) as { errors: { extensions: { code: string; requestId: string } }[] };
    expect(parsed.errors[0]?.extensions.code).toBe("PAYLOAD_TOO_LARGE");
    expect(parsed.errors[0]?.extensions.requestId).toBe(r.headers["x-request-id"]);
  });

  it("accepts a chunked body under the limit", async () => {
    const r = await send("/graphql", { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" }, chunks: ['{"query":', '"{ health { status } }"}'] });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ data: { health: { status: "OK" } } });
  });

  it("puts x-request-id on every response and logs JSON lines carrying it", async () => {
    const r = await send("/graphql", { method: "POST", headers: { "content-type": "application/json", "x-request-id": "http-test-req-0001" }, chunks: ['{"query":"{ __typename }"}'] });
    expect(r.headers["x-request-id"]).toBe("http-test-req-0001");
    for (const path of ["/health", "/ready", "/graphql?query=%7B__typename%7D"]) {
      expect((await send(path)).headers["x-request-id"], path).toMatch(/^[0-9a-f-]{36}$/);
    }
    await expect.poll(() => server.logs().find((l) => l.requestId === "http-test-req-0001")).toMatchObject({ msg: "graphql request", status: 200, level: "info" });
  });
});
