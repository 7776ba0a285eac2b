// The cache time box tells a slow Redis from a busy event loop: time this process could not run
// (a timer that fired late) is not counted against the reply; a reply that is simply slow while the
// process is responsive still times out.
import { describe, expect, it } from "vitest";
import { CacheTimeoutError, timeBox } from "../../src/cache/time-box.js";

const after = (ms: number): Promise<string> => new Promise((r) => setTimeout(() => r("reply"), ms));

/** Blocks the event loop, as a loaded CPU or a long GC pause does. */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

describe("cache time box", () => {
  it("times out a reply slower than the box while the process is responsive", async () => {
    await expect(timeBox(after(150), 50)).rejects.toBeInstanceOf(CacheTimeoutError);
  });

  it("does not count a stall of the event loop against the reply", async () => {
    for (let i = 0; i < 5; i++) {
      const boxed = timeBox(after(80), 50);
      stall(100); // the box's timer fires ~50 ms late: that time was ours, not Redis'
      await expect(boxed).resolves.toBe("reply");
    }
  });

  it("still gives up when the process stays too busy (the extension is bounded)", async () => {
    const boxed = timeBox(after(10_000), 20);
    stall(60);
    await expect(boxed).rejects.toBeInstanceOf(CacheTimeoutError);
  });
});
