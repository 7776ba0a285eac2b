// A TCP proxy in front of a server (here: the shared PostgreSQL), which a test can cut and restore to
// make the server unreachable for one instance without touching the server itself.
import { createConnection, createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";

export interface TcpProxy {
  readonly port: number;
  /** Drops every connection and stops listening: connects to the port are refused. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  /** The next time a client sends anything, its connection is dropped instead (a server gone mid-query). */
  dropOnNextRequest(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  let dropNext = false;

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = createServer((client) => {
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
        client.on("data", (chunk: Buffer) => {
          if (dropNext) {
            dropNext = false;
            client.destroy();
            return;
          }
          upstream.write(chunk);
        });
        upstream.pipe(client);
      });
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });

  const cut = async (): Promise<void> => {
    const s = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  return {
    get port() {
      return port;
    },
    cut,
    restore: listen,
    dropOnNextRequest: () => {
      dropNext = true;
    },
    close: cut,
  };
}
