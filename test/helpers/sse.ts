// GraphQL subscriptions over Server-Sent Events against a gateway listening on a real port: the
// helper reads the `text/event-stream` body as it arrives and hands out each `next` result, in order.
import type { App } from "../../src/app.js";
import { listen } from "../../src/server/http.js";
import type { Gateway } from "../../src/server/yoga.js";
import type { GraphQLResponse } from "./instance.js";

export interface Served {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  close(): Promise<void>;
}

/** Puts a test instance's gateway on a free port (the same listener `npm start` uses). */
export async function serve(instance: { app: App; yoga: Gateway }): Promise<Served> {
  const http = await listen(instance.yoga, { port: 0, host: "127.0.0.1", log: instance.app.log });
  return {
    url: `http://127.0.0.1:${http.port}`,
    close: async () => {
      await http.drain(0);
    },
  };
}

export interface Stream<T> {
  /** HTTP status and content type of the response. */
  status: number;
  contentType: string | null;
  /** The next `next` result; rejects after `timeoutMs` without one, or when the stream completed. */
  next(timeoutMs?: number): Promise<GraphQLResponse<T>>;
  /** Resolves with the results not yet taken once the server ends the stream (`complete` or EOF). */
  ended(timeoutMs?: number): Promise<GraphQLResponse<T>[]>;
  close(): void;
}

export interface SubscribeOptions {
  token?: string;
  headers?: Record<string, string>;
  method?: "POST" | "GET";
  /** Send this trusted-document id (extensions.persistedQuery) instead of the query text. */
  persistedId?: string;
}

export async function subscribe<T = Record<string, unknown>>(baseUrl: string, query: string, variables: Record<string, unknown> = {}, opts: SubscribeOptions = {}): Promise<Stream<T>> {
  const controller = new AbortController();
  const headers: Record<string, string> = { accept: "text/event-stream", ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let url = `${baseUrl}/graphql`;
  let body: string | undefined;
  const params: Record<string, unknown> = opts.persistedId
    ? { variables, extensions: { persistedQuery: { version: 1, sha256Hash: opts.persistedId } } }
    : { query, variables };
  if (opts.method === "GET") {
    const search = Object.entries(params).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]);
    url += `?${new URLSearchParams(search).toString()}`;
  } else {
    headers["content-type"] = "application/json";
    body = JSON.stringify(params);
  }
  const res = await fetch(url, { method: opts.method ?? "POST", headers, body, signal: controller.signal });
  const results: GraphQLResponse<T>[] = [];
  const waiters: (() => void)[] = [];
  let done = false;
  const wake = (): void => waiters.splice(0).forEach((w) => w());
  const isStream = res.headers.get("content-type")?.startsWith("text/event-stream") ?? false;

  void (async () => {
    if (!isStream || !res.body) {
      // A refusal before streaming (e.g. a CSRF or persisted-operation error) is a plain JSON answer.
      results.push((await res.json().catch(() => ({ errors: [{ message: "unreadable body" }] }))) as GraphQLResponse<T>);
      done = true;
      return wake();
    }
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const lines = block.split("\n");
          const event = lines.find((l) => l.startsWith("event:"))?.slice(6).trim();
          const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("\n");
          if (event === "complete") done = true;
          else if (data) results.push(JSON.parse(data) as GraphQLResponse<T>);
          wake();
        }
      }
    } catch {
      // Aborted by close(), or the server dropped the connection: either way the stream is over.
    }
    done = true;
    wake();
  })();

  const wait = (timeoutMs: number, ready: () => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (ready()) {
          clearTimeout(timer);
          resolve();
        } else waiters.push(check);
      };
      const timer = setTimeout(() => reject(new Error(`no SSE event within ${timeoutMs} ms`)), timeoutMs);
      check();
    });

  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    async next(timeoutMs = 5000) {
      await wait(timeoutMs, () => results.length > 0 || done);
      const r = results.shift();
      if (!r) throw new Error("the stream ended without another result");
      return r;
    },
    async ended(timeoutMs = 5000) {
      await wait(timeoutMs, () => done);
      return results.splice(0);
    },
    close: () => controller.abort(),
  };
}
