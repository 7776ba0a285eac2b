// A small HTTP load generator over keep-alive node:http: closed loop (N connections, each sending
// its next request when the last answered) and open loop (a fixed rate, latency counted from the
// scheduled send time, so a stall shows in p99 instead of slowing the sender down).
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";

export interface Req {
  path: string;
  headers?: Record<string, string>;
  body: string;
}

/** The next request of a run, or null when the workload has no more (e.g. sessions to revoke). */
export type NextRequest = (i: number) => Req | null;

export interface RunResult {
  requests: number;
  errors: number;
  firstError: string | null;
  durationMs: number;
  /** Per-request latency, ms. */
  latencies: number[];
}

function send(agent: Agent, base: URL, req: Req): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request(
      { agent, host: base.hostname, port: base.port, path: req.path, method: "POST", headers: { "content-type": "application/json", ...req.headers, "content-length": Buffer.byteLength(req.body) } },
      (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (c: string) => (body += c)).on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    r.on("error", reject);
    r.end(req.body);
  });
}

// A GraphQL error, or a typed error (every expected failure carries a `code`; no success selection does).
const failed = (status: number, body: string): boolean => status !== 200 || body.includes('"errors"') || body.includes('"code"');

export async function closedLoop(baseUrl: string, next: NextRequest, opts: { connections: number; durationMs: number }): Promise<RunResult> {
  const base = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  const result: RunResult = { requests: 0, errors: 0, firstError: null, durationMs: 0, latencies: [] };
  let i = 0;
  const started = performance.now();
  const deadline = started + opts.durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const req = next(i++);
      if (!req) return;
      const t0 = performance.now();
      const res = await send(agent, base, req).catch((e: unknown) => ({ status: 0, body: String(e) }));
      result.latencies.push(performance.now() - t0);
      result.requests++;
      if (failed(res.status, res.body)) {
        result.errors++;
        result.firstError ??= res.body.slice(0, 300);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, worker));
  result.durationMs = performance.now() - started;
  agent.destroy();
  return result;
}

export async function openLoop(baseUrl: string, next: NextRequest, opts: { rate: number; durationMs: number }): Promise<RunResult> {
  const base = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const result: RunResult = { requests: 0, errors: 0, firstError: null, durationMs: 0, latencies: [] };
  const total = Math.max(1, Math.round((opts.rate * opts.durationMs) / 1000));
  const interval = 1000 / opts.rate;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const req = next(i);
    if (!req) break;
    inflight.push(
      send(agent, base, req)
        .catch((e: unknown) => ({ status: 0, body: String(e) }))
        .then((res) => {
          result.latencies.push(performance.now() - due);
          result.requests++;
          if (failed(res.status, res.body)) {
            result.errors++;
            result.firstError ??= res.body.slice(0, 300);
          }
        }),
    );
  }
  await Promise.all(inflight);
  result.durationMs = performance.now() - started;
  agent.destroy();
  return result;
}

export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return 0;
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}
