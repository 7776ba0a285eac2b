// The Node HTTP listener in front of Yoga, with a drain for graceful shutdown: stop accepting, let
// in-flight requests finish within a grace period, then drop what is left.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { Socket } from "node:net";
import type { Gateway } from "./yoga.js";

export interface HttpServer {
  server: Server;
  /** The port actually bound (PORT=0 picks a free one). */
  port: number;
  /** Requests still running. */
  inFlight(): number;
  /** Stops accepting and waits up to `graceMs` for in-flight requests; true when none was dropped. */
  drain(graceMs: number): Promise<boolean>;
}

export async function listen(yoga: Gateway, options: { port: number; host: string; requestTimeoutMs?: number }): Promise<HttpServer> {
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let draining = false;
  // The Node adapter passes { req, res } as the server context (context.ts reads req.socket).
  const server = createServer((req, res) => {
    inFlight++;
    res.on("close", () => inFlight--);
    // While draining, a keep-alive client must not park its next request on a socket about to close.
    if (draining) res.setHeader("connection", "close");
    void yoga.requestListener(req, res);
  });
  server.requestTimeout = options.requestTimeoutMs ?? 30_000;
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;

  return {
    server,
    port,
    inFlight: () => inFlight,
    async drain(graceMs) {
      draining = true;
      // Idle keep-alive sockets go now, busy ones after their response.
      server.close();
      server.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      const clean = inFlight === 0;
      for (const s of sockets) s.destroy();
      return clean;
    },
  };
}
