// The PostGraphile peer's side of the bench that is not timed: the `after` cursors of its user pages,
// and the SQL statements one request of each workload costs, counted by a second peer process started
// with PEER_COUNT_STATEMENTS=1 (every client.query, as the gateway's counter counts; the timed peer
// carries no counting code).
import { PEER_USERS_PAGE } from "./peer-documents.js";
import type { Req } from "./load.js";
import { startPeer } from "./servers.js";
import type { Workload } from "./workloads.js";

async function post(url: string, req: Req): Promise<string> {
  const res = await fetch(`${url}${req.path}`, { method: "POST", headers: { "content-type": "application/json", ...req.headers }, body: req.body });
  const text = await res.text();
  if (res.status !== 200 || text.includes('"errors"')) throw new Error(`postgraphile: ${res.status} ${text.slice(0, 300)}`);
  return text;
}

/** The `after` cursor of every 50-user page, as PostGraphile spells them. */
export async function peerCursors(url: string, users: number): Promise<(string | null)[]> {
  const cursors: (string | null)[] = [null];
  const pages = Math.floor(users / 50);
  for (let p = 1; p < pages; p++) {
    const text = await post(url, { path: "/graphql", body: JSON.stringify({ query: PEER_USERS_PAGE, variables: { first: 50, after: cursors.at(-1) } }) });
    cursors.push((JSON.parse(text) as { data: { allUsers: { pageInfo: { endCursor: string } } } }).data.allUsers.pageInfo.endCursor);
  }
  return cursors;
}

export interface PeerCounts {
  sql: number;
  statements: string[];
}

/**
 * The second request of each workload with a peer document, counted after the first (uncounted: a
 * pooled connection's one-time `set jit_optimize_above_cost` is not per request).
 */
export async function countPeer(env: NodeJS.ProcessEnv, selected: readonly Workload[]): Promise<Record<string, PeerCounts>> {
  const peer = await startPeer({ ...env, PEER_COUNT_STATEMENTS: "1" });
  const out: Record<string, PeerCounts> = {};
  try {
    for (const w of selected) {
      const gen = w.requests().peer;
      const first = gen?.(0);
      if (!gen || !first) continue;
      await post(peer.url, first);
      await fetch(`${peer.url}/statements`, { method: "DELETE" });
      await post(peer.url, gen(1) ?? first);
      const counted = (await (await fetch(`${peer.url}/statements`)).json()) as { count: number; statements: string[] };
      out[w.id] = { sql: counted.count, statements: counted.statements };
    }
  } finally {
    await peer.stop();
  }
  return out;
}
