// The gateway on real PostgreSQL and Redis answers health and signs the seeded admin in.
import { describe, expect } from "vitest";
import { test } from "../helpers/fixture.js";

describe("gateway smoke", () => {
  test("answers health OK on real Postgres and Redis", async ({ t }) => {
    const res = await t.gql<{ health: { status: string; postgres: { status: string }; redis: { status: string } } }>(
      "{ health { status postgres { status latencyMs } redis { status message } uptimeSeconds version } }",
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.health.status).toBe("OK");
    expect(res.data?.health.redis.status).toBe("OK");
  });

  test("signs the admin in and resolves the viewer", async ({ t, admin }) => {
    const res = await t.gql<{ viewer: { user: { email: string; permissions: string[] }; session: { current: boolean } } }>(
      "{ viewer { user { email permissions } session { current active } } }",
      {},
      { token: admin.token },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.viewer.user.email).toBe("admin@test.local");
    expect(res.data?.viewer.user.permissions).toContain("system:admin");
    expect(res.data?.viewer.session.current).toBe(true);
  });
});
