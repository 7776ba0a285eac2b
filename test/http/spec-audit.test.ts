// The GraphQL-over-HTTP specification's audit (graphql-http's serverAudits) against a real gateway
// process: every MUST and SHOULD passes. GET queries need the CSRF header (a simple cross-site GET
// must not run an operation), and with it every MAY passes too.
import { serverAudits } from "graphql-http";
import type { AuditResult } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../helpers/server.js";
import type { TestServer } from "../helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

async function audit(fetchFn: typeof fetch = fetch): Promise<string[]> {
  const results: AuditResult[] = [];
  for (const a of serverAudits({ url: `${server.url}/graphql`, fetchFn })) results.push(await a.fn());
  return results.filter((r) => r.status !== "ok").map((r) => `${r.status} ${r.id} ${r.name}: ${r.reason}`);
}

describe("GraphQL over HTTP audit", () => {
  it("passes every MUST and SHOULD; what it does not do is a MAY about GET without the CSRF header", async () => {
    const notOk = await audit();
    expect(notOk.filter((r) => !r.startsWith("notice"))).toEqual([]);
    expect(notOk.every((r) => / MAY .* GET/.test(r)), notOk.join("\n")).toBe(true);
  });

  it("passes every audit, MAYs included, for a client that sends the CSRF header", async () => {
    const withHeader: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set("x-graphql-csrf", "1");
      return fetch(input, { ...init, headers });
    };
    expect(await audit(withHeader)).toEqual([]);
  });
});
