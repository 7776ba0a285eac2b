// MGETs asked for in one turn of the event loop leave as one command, sent once the turn's I/O callbacks
// have run (setImmediate): a request's session and response-cache lookups, and the lookups of every
// request whose bytes arrived in the same poll, cost one write and one reply instead of one each. Keys
// asked for twice in a batch (the epochs every lookup reads) are sent once. Each batch is independent:
// a slow reply holds up only the callers in its own batch.

/** Values in key order, or null when the batch failed (the caller treats that as all misses). */
export type BatchRead = (keys: readonly string[]) => Promise<(string | null)[] | null>;

interface Batch {
  index: Map<string, number>;
  keys: string[];
  waiters: { keys: readonly string[]; resolve: (values: (string | null)[] | null) => void }[];
}

/** Past this many distinct keys a batch is sent as it is and the next one starts. */
const MAX_BATCH_KEYS = 1000;

export function turnBatched(read: (keys: readonly string[]) => Promise<readonly (string | null)[] | null>): BatchRead {
  let open: Batch | null = null;

  const send = async (batch: Batch): Promise<void> => {
    const values = await read(batch.keys).catch(() => null);
    for (const w of batch.waiters) w.resolve(values ? w.keys.map((k) => values[batch.index.get(k) ?? -1] ?? null) : null);
  };

  return (keys) =>
    new Promise((resolve) => {
      if (!open || open.keys.length >= MAX_BATCH_KEYS) {
        const batch: Batch = { index: new Map(), keys: [], waiters: [] };
        open = batch;
        setImmediate(() => {
          if (open === batch) open = null;
          void send(batch);
        });
      }
      const batch = open;
      for (const k of keys) {
        if (!batch.index.has(k)) {
          batch.index.set(k, batch.keys.length);
          batch.keys.push(k);
        }
      }
      batch.waiters.push({ keys, resolve });
    });
}
