// The Node HTTP listener in front of Yoga, with a drain for graceful shutdown: stop accepting, let
// in-flight requests finish within a grace period, then drop what is left. It is also the last
// resort: the adapter's own listener answers anything thrown outside GraphQL execution (a request
// hook, an unparseable URL) with a 500 whose body is the error's stack, in every mode. This one
// checks what the adapter needs first, and answers whatever still goes wrong with a generic JSON error.
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { sendNodeResponse } from "@whatwg-node/server";
import { ErrorCode } from "../errors.js";
import type { Logger } from "../observability/log.js";
import { MASKED_MESSAGE } from "./plugins/error-masking.js";
import { chooseRequestId } from "./plugins/request-id.js";
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

export interface ListenOptions {
  port: number;
  host: string;
  log: Logger;
  requestTimeoutMs?: number;
  /** Idle keep-alive sockets are kept this long (HTTP_KEEP_ALIVE_TIMEOUT_MS); Node's 5 s default is shorter than most balancers'. */
  keepAliveTimeoutMs?: number;
}

// RFC 3986 host (a name or an IP literal) and port, nothing else: a "/", "?", "#" or "@" would move
// the path the adapter builds from `http://${host}${url}`, so routing would no longer see the real one.
const HOST = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** True when the adapter can build the request URL the way it does (from Host and the target). */
export function hasUsableUrl(req: IncomingMessage): boolean {
  const host = req.headers.host;
  // No Host: Node refuses it itself on HTTP/1.1; on HTTP/1.0 the adapter falls back to the socket.
  if (host === undefined) return true;
  return HOST.test(host) && URL.canParse(`http://${host}${req.url ?? "/"}`);
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string, requestId: string): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code, requestId } }] });
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "x-request-id": requestId,
    connection: "close",
  });
  res.end(body);
}

export async function listen(yoga: Gateway, options: ListenOptions): Promise<HttpServer> {
  const { log } = options;
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let draining = false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Decided here so the last-resort answer quotes the id Yoga would have used (request-id.ts keeps it).
    const incoming = req.headers["x-request-id"];
    const requestId = chooseRequestId(typeof incoming === "string" ? incoming : undefined);
    req.headers["x-request-id"] = requestId;
    if (!hasUsableUrl(req)) {
      log.info({ requestId, method: req.method, status: 400 }, "malformed Host header");
      return sendError(res, 400, ErrorCode.BAD_REQUEST, "Bad request: malformed Host header.", requestId);
    }
    try {
      // The server context, as the adapter's own listener would pass it (context.ts reads req.socket).
      const response = await yoga.handleNodeRequestAndResponse(req, res, { req });
      await sendNodeResponse(response, res, req, true);
    } catch (err) {
      log.error({ requestId, err, method: req.method }, "unhandled request error");
      if (!res.headersSent) sendError(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, MASKED_MESSAGE, requestId);
      else res.destroy();
    }
  };

  const server = createServer((req, res) => {
    inFlight++;
    res.on("close", () => inFlight--);
    // While draining, a keep-alive client must not park its next request on a socket about to close.
    if (draining) res.setHeader("connection", "close");
    void handle(req, res);
  });
  server.requestTimeout = options.requestTimeoutMs ?? 30_000;
  // A balancer reusing a socket we closed while idle gets a reset and answers 502: stay open longer than it.
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 65_000;
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
