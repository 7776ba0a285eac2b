// Round trips per request of the bench workloads with the response cache on (as bench/run.ts runs the
// gateway): a repeated query is one MGET (the session, the cached result and their epochs, looked up
// in the same turn) and no SQL, however much SQL the result took to build; a cold request pays the
// uncached cost and one write more.
import { describe, expect } from "vitest";
import { countWorkloads } from "../../bench/perf/count.js";
import type { Counts } from "../../bench/perf/count.js";
import { seedFixture } from "../../bench/perf/fixture.js";
import type { Fixture } from "../../bench/perf/fixture.js";
import { instanceTest } from "../helpers/fixture.js";
import type { TestInstance } from "../helpers/instance.js";
import { urlFor } from "../helpers/pg.js";

const test = instanceTest({ env: { RESPONSE_CACHE_TTL_MS: "600000" } }).extend("fixture", { scope: "file" }, async ({ t }) =>
  seedFixture(urlFor(t.databaseName), { users: 60, sessionsPerUser: 3, roles: 20, permissions: 100, auditEvents: 200 }),
);

async function cost(t: TestInstance, fixture: Fixture, id: string): Promise<Counts> {
  const counts = (await countWorkloads(t.app, t.yoga, fixture, [id]))[id];
  if (!counts) throw new Error(`no counts for ${id}`);
  return counts;
}

const show = (c: Counts): string => `${c.statements.join("\n---\n")}\n=== redis: ${c.commands.join(" ")}`;

describe("round trips per request with the response cache", () => {
  test("warm viewer (W2), warm 50-user page (W3), warm permissions (W4): no SQL, one MGET", async ({ t, fixture }) => {
    for (const id of ["W2", "W3w", "W4w"]) {
      const c = await cost(t, fixture, id);
      expect({ id, sql: c.sql, commands: c.commands }, show(c)).toEqual({ id, sql: 0, commands: ["MGET"] });
    }
  });

  test("cold viewer (W1) and cold page (W3): the uncached cost, one lookup and one write more", async ({ t, fixture }) => {
    const viewer = await cost(t, fixture, "W1");
    expect([viewer.sql, viewer.commands], show(viewer)).toEqual([1, ["MGET", "EVAL", "SET"]]);
    const page = await cost(t, fixture, "W3");
    expect([page.sql, page.commands], show(page)).toEqual([4, ["MGET", "EVAL", "MGET", "SET", "SET"]]);
  });

  test("a mutation (W6) bumps the responses epoch once", async ({ t, fixture }) => {
    const c = await cost(t, fixture, "W6");
    expect(c.commands.filter((n) => n === "INCR"), show(c)).toEqual(["INCR"]);
  });
});
