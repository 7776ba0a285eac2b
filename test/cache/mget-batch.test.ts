// Reads asked for in one turn of the event loop share one MGET: each caller gets its own keys in its
// own order, a key asked for by several callers is sent once, a failed batch is a miss for every caller
// in it, and a read made after the batch left starts a batch of its own.
import { describe, expect, it } from "vitest";
import { turnBatched } from "../../src/cache/mget-batch.js";

function store(values: Record<string, string>) {
  const sent: string[][] = [];
  const read = turnBatched(async (keys) => {
    sent.push([...keys]);
    return keys.map((k) => values[k] ?? null);
  });
  return { sent, read };
}

describe("reads batched per turn of the event loop", () => {
  it("sends the reads of one turn as one command, each key once, and answers each caller in its order", async () => {
    const { sent, read } = store({ epoch: "3", a: "A", b: "B" });
    const [first, second, third] = await Promise.all([read(["epoch", "a"]), read(["b", "epoch", "missing"]), read(["a"])]);
    expect(sent).toEqual([["epoch", "a", "b", "missing"]]);
    expect(first).toEqual(["3", "A"]);
    expect(second).toEqual(["B", "3", null]);
    expect(third).toEqual(["A"]);
  });

  it("takes in reads made by later callbacks of the same turn, as requests parsed in one poll are", async () => {
    const { sent, read } = store({ a: "A", b: "B" });
    // Queued before the batch exists, so it runs in the same check phase, before the batch leaves.
    const later = new Promise<(string | null)[] | null>((resolve) => setImmediate(() => resolve(read(["b"]))));
    const first = read(["a"]);
    expect(await Promise.all([first, later])).toEqual([["A"], ["B"]]);
    expect(sent).toEqual([["a", "b"]]);
  });

  it("starts a new batch for a read made after the last one left", async () => {
    const { sent, read } = store({ a: "A" });
    await read(["a"]);
    await read(["a"]);
    expect(sent).toEqual([["a"], ["a"]]);
  });

  it("answers null to every caller of a batch that failed, and the next batch is unaffected", async () => {
    let fail = true;
    const read = turnBatched(async (keys) => {
      if (fail) throw new Error("connection lost");
      return keys.map(() => "v");
    });
    expect(await Promise.all([read(["a"]), read(["b"])])).toEqual([null, null]);
    fail = false;
    expect(await read(["a"])).toEqual(["v"]);
  });

  it("splits a tick's reads past a thousand distinct keys", async () => {
    const { sent, read } = store({});
    const keys = Array.from({ length: 1500 }, (_, i) => `k${i}`);
    const answers = await Promise.all([read(keys.slice(0, 1000)), read(keys.slice(1000))]);
    expect(sent.map((batch) => batch.length)).toEqual([1000, 500]);
    expect(answers.map((a) => a?.length)).toEqual([1000, 500]);
  });
});
