// The bounded queue between a stream's sources and its generator: order kept, a clean end after
// what is queued, an error end at once, and a stream that falls behind ended instead of buffered.
import { describe, expect, it } from "vitest";
import { Mailbox } from "../../src/modules/live/mailbox.js";

describe("Mailbox", () => {
  it("hands items out in order, then the clean end after them", async () => {
    const box = new Mailbox<number>(10, () => new Error("overflow"));
    box.push(1);
    box.push(2);
    box.end(null);
    expect(box.push(3)).toBe(false);
    expect([await box.next(), await box.next(), await box.next()]).toEqual([{ item: 1 }, { item: 2 }, { error: null }]);
  });

  it("wakes a waiting reader, and an error end drops what is queued", async () => {
    const box = new Mailbox<number>(10, () => new Error("overflow"));
    const waiting = box.next();
    box.push(7);
    expect(await waiting).toEqual({ item: 7 });
    box.push(8);
    const failure = new Error("gone");
    box.end(failure);
    expect(await box.next()).toEqual({ error: failure });
  });

  it("past its capacity ends with the overflow error instead of growing", async () => {
    const box = new Mailbox<number>(2, () => new Error("fell behind"));
    expect([box.push(1), box.push(2), box.push(3)]).toEqual([true, true, false]);
    expect(box.ended).toBe(true);
    expect(await box.next()).toEqual({ error: new Error("fell behind") });
  });
});
