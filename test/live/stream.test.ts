// The shape every live stream shares (src/modules/live/stream.ts), driven directly: a check that
// throws ends the stream with LIVE_UNAVAILABLE (its cause stays in the log), and a stream abandoned
// before its first event still gives its slot back.
import { describe, expect } from "vitest";
import { LiveUnavailableError } from "../../src/errors.js";
import { openStream } from "../../src/modules/live/stream.js";
import type { StreamSpec } from "../../src/modules/live/stream.js";
import { instanceTest } from "../helpers/fixture.js";

const test = instanceTest({ env: { LIVE_HEARTBEAT_MS: "200", LIVE_MAX_STREAMS_PER_USER: "1" } });

const quiet = (over: Partial<StreamSpec<string, string>> = {}): StreamSpec<string, string> => ({
  userId: "00000000-0000-4000-8000-000000000001",
  field: "viewerSessionEvents",
  listen: async () => () => undefined,
  handle: async (m) => ({ emit: [m] }),
  heartbeat: async () => ({ emit: [] }),
  ...over,
});

describe("openStream", () => {
  test("a heartbeat check that throws ends the stream with LIVE_UNAVAILABLE and frees the slot", async ({ t }) => {
    const stream = await openStream(t.app, quiet({ heartbeat: async () => Promise.reject(new Error("connect ECONNREFUSED 10.0.0.5:5432")) }));
    const it = stream[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value).toEqual({ error: expect.any(LiveUnavailableError) });
    expect(JSON.stringify(first.value)).not.toMatch(/ECONNREFUSED|10\.0\.0\.5/);
    expect((await it.next()).done).toBe(true);
    expect(t.app.live.streams.count()).toBe(0);
  });

  test("a stream abandoned before its first event gives its slot back", async ({ t }) => {
    const first = await openStream(t.app, quiet());
    expect(t.app.live.streams.count()).toBe(1);
    await expect(openStream(t.app, quiet())).rejects.toMatchObject({ code: "TOO_MANY_STREAMS" });
    await first[Symbol.asyncIterator]().return?.();
    expect(t.app.live.streams.count()).toBe(0);
    const again = await openStream(t.app, quiet());
    await again[Symbol.asyncIterator]().return?.();
  });
});
