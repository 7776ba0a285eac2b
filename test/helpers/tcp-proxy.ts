// A TCP proxy in front of a server (PostgreSQL, Redis), which a test uses to make the server misbehave
// for one client without touching the server itself: cut (refuse), reset (drop live connections),
// blackhole (accept and never answer) and delay (add latency per chunk, each way).
import { createConnection, createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";

export interface TcpProxy {
  readonly port: number;
  /** Drops every connection and stops listening: connects to the port are refused. */
  cut(): Promise<void>;
  /** Listens again on the same port (after cut), and ends blackhole and delay. */
  restore(): Promise<void>;
  /** Drops every live connection (a server restart or failover); new connections still work. */
  reset(): void;
  /** Connections are accepted and bytes are swallowed: no reply, no FIN (a dead host or a dropped route). */
  blackhole(): void;
  /** Adds `ms` of latency to every chunk in both directions (0 turns it off). */
  delay(ms: number): void;
  /** The next time a client sends anything, its connection is dropped instead (a server gone mid-query). */
  dropOnNextRequest(): void;
  /** Connections currently open through the proxy. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const clients = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  let dropNext = false;
  let blackholed = false;
  let delayMs = 0;

  // Forward in order, each chunk held back by the current delay.
  const forward = (from: Socket, to: Socket): void => {
    let chain = Promise.resolve();
    from.on("data", (chunk: Buffer) => {
      if (blackholed || from.destroyed) return;
      const wait = delayMs;
      chain = chain.then(async () => {
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (!to.destroyed) to.write(chunk);
      });
    });
  };

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = createServer((client) => {
        clients.add(client);
        client.on("close", () => clients.delete(client));
        const upstream = createConnection(target);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("error", () => socket.destroy());
          socket.on("close", () => {
            sockets.delete(socket);
            // One side gone: the other goes too, as with a real network failure.
            client.destroy();
            upstream.destroy();
          });
        }
        client.on("data", () => {
          if (!dropNext) return;
          dropNext = false;
          client.destroy();
        });
        forward(client, upstream);
        forward(upstream, client);
      });
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });

  const reset = (): void => {
    for (const socket of sockets) socket.destroy();
  };

  const cut = async (): Promise<void> => {
    const s = server;
    server = null;
    reset();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  return {
    get port() {
      return port;
    },
    get connections() {
      return clients.size;
    },
    cut,
    async restore() {
      blackholed = false;
      delayMs = 0;
      if (!server) await listen();
    },
    reset,
    blackhole() {
      blackholed = true;
    },
    delay(ms) {
      delayMs = ms;
    },
    dropOnNextRequest: () => {
      dropNext = true;
    },
    close: cut,
  };
}
