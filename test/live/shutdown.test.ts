// A real gateway process with an open live stream: /metrics counts it, and SIGTERM completes it
// (no error) before the drain, so the process exits 0 without waiting out a long grace period.
import { describe, expect, it } from "vitest";
import { TEST_ADMIN } from "../helpers/pg.js";
import { startServer } from "../helpers/server.js";
import { subscribe } from "../helpers/sse.js";

async function metric(url: string, line: RegExp): Promise<number | null> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const found = text.split("\n").find((l) => line.test(l));
  return found ? Number(found.split(" ").at(-1)) : null;
}

describe("live streams in a real process", () => {
  it("are counted in /metrics and completed by SIGTERM, which exits 0 within the kill timeout", async () => {
    // A grace period longer than the helper's SIGKILL timeout: a drain waiting on the stream would show.
    const server = await startServer({ env: { SHUTDOWN_GRACE_MS: "60000", LIVE_HEARTBEAT_MS: "60000" } });
    try {
      const res = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "mutation($i: SignInInput!) { signIn(input: $i) { ... on SignInSuccess { token } } }", variables: { i: TEST_ADMIN } }),
      });
      const token = ((await res.json()) as { data: { signIn: { token: string } } }).data.signIn.token;
      const stream = await subscribe(server.url, `subscription { viewerSessionEvents { kind } }`, {}, { token });
      await expect.poll(() => metric(server.url, /^authgraph_live_streams\{field="viewerSessionEvents"\}/)).toBe(1);
      const status = await server.close();
      expect(await stream.ended()).toEqual([]);
      expect(status).toEqual({ code: 0, signal: null });
    } finally {
      await server.close();
    }
  });
});
