// Bad input on any route answers 4xx, and no response body ever carries a stack trace or a file path,
// in development mode too. A raw socket is the only way to send a Host header no HTTP client would.
import { request } from "node:http";
import { connect } from "node:net";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { Plugin } from "graphql-yoga";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/log.js";
import { listen } from "../../src/server/http.js";
import type { HttpServer } from "../../src/server/http.js";
import { createGateway } from "../../src/server/yoga.js";
import { createTestInstance } from "../helpers/instance.js";
import type { TestInstance } from "../helpers/instance.js";
import { startServer } from "../helpers/server.js";
import type { TestServer } from "../helpers/server.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** What a leaked stack or path looks like: a frame line, a file:line:column, our sources, our dependencies. */
function leaks(text: string): string[] {
  const found: string[] = [];
  if (/^\s*at /m.test(text) || /\bat [^\n]*:\d+:\d+/.test(text)) found.push("stack frame");
  for (const needle of ["/work/", ROOT, "node_modules", ".ts:", "file://"]) if (text.includes(needle)) found.push(needle);
  return found;
}

interface RawReply {
  status: number;
  text: string;
}

/** Sends `head` as is and reads until the server closes (every request says `connection: close`). */
function raw(url: string, head: string): Promise<RawReply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    // No half-close: a client FIN would let Node drop the socket before a slower answer is written.
    const socket = connect(Number(port), hostname, () => socket.write(head));
    let text = "";
    socket.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }));
  });
}

const get = (path: string, host = "localhost"): string => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;

describe("a gateway process in development mode", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { NODE_ENV: "development" } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each([
    ["a truncated escape", "/graphiql-assets/%E0%A4%A"],
    ["a non-hex escape", "/graphiql-assets/%ZZ.js"],
    ["an overlong UTF-8 escape", "/graphiql-assets/%C0%AF.css"],
  ])("answers 400 to malformed percent-encoding under /graphiql-assets/ (%s)", async (_name, path) => {
    const r = await raw(server.url, get(path));
    expect(r.status).toBe(400);
    expect(leaks(r.text)).toEqual([]);
  });

  it.each([
    ["a space", "exa mple"],
    ["an unclosed IPv6 literal", "[::1"],
    ["a port out of range", "localhost:99999"],
    ["a path that would reroute the request", "localhost/metrics#"],
    ["userinfo", "user@localhost"],
  ])("answers 400 BAD_REQUEST with a request id to a malformed Host header (%s)", async (_name, host) => {
    const r = await raw(server.url, get("/graphql?query=%7B__typename%7D", host));
    expect(r.status).toBe(400);
    expect(leaks(r.text)).toEqual([]);
    const requestId = /^x-request-id: (.+)$/im.exec(r.text)?.[1]?.trim();
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.text).toContain(`{"errors":[{"message":"Bad request: malformed Host header.","extensions":{"code":"BAD_REQUEST","requestId":"${requestId}"}}]}`);
  });

  it("still serves a well-formed request on the same listener", async () => {
    const r = await raw(server.url, get("/health", "localhost:80"));
    expect(r.status).toBe(200);
  });
});

describe("an error thrown by a request hook", () => {
  const lines: string[] = [];
  let t: TestInstance;
  let http: HttpServer;
  const url = (): string => `http://127.0.0.1:${http.port}`;

  beforeAll(async () => {
    const log = createLogger({ LOG_LEVEL: "info" }, new Writable({ write: (chunk: Buffer, _enc, done) => void (lines.push(String(chunk)), done()) }));
    t = await createTestInstance({ log, env: { NODE_ENV: "development" } });
    // What any route (ours or the library's) could do on input nobody thought of.
    const faulty: Plugin = {
      onRequest({ url: requestUrl }) {
        if (requestUrl.pathname === "/explode") throw new TypeError(`cannot read ${ROOT}src/imaginary.ts`);
      },
    };
    http = await listen(createGateway(t.app, { plugins: [faulty] }), { port: 0, host: "127.0.0.1", log });
  });
  afterAll(async () => {
    await http?.drain(1000);
    await t?.close();
  });

  it("answers a generic 500 JSON error with the request id and logs the detail at error level", async () => {
    const reply = await new Promise<{ status: number; type: string | undefined; id: string | undefined; body: string }>((resolve, reject) => {
      request(`${url()}/explode`, { headers: { "x-request-id": "hook-failure-0001" } }, (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"], id: res.headers["x-request-id"] as string | undefined, body }));
      })
        .on("error", reject)
        .end();
    });
    expect(reply.status).toBe(500);
    expect(reply.type).toMatch(/^application\/json/);
    expect(reply.id).toBe("hook-failure-0001");
    expect(JSON.parse(reply.body)).toEqual({ errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "hook-failure-0001" } }] });
    expect(leaks(reply.body)).toEqual([]);

    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.requestId === "hook-failure-0001" && l.level === "error");
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged[0]?.err)).toContain("imaginary.ts");
  });
});
