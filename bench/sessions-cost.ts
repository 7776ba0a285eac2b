// What sign-in and session validation cost: argon2id hash and verify with the default (OWASP)
// parameters, the whole signIn mutation (success, wrong password, unknown email: the last two should
// cost about the same, since an unknown email is verified against a dummy hash), and the SQL
// statements of a cached and an uncached `viewer`. Prints figures; asserts nothing.
//
//   npm run bench:sessions   (needs the test PostgreSQL + Redis; creates and drops its own database)
import { keys } from "../src/cache/keys.js";
import { createPasswordHasher } from "../src/modules/credentials/passwords.js";
import { setup } from "../test/helpers/global-setup.js";
import { createTestInstance } from "../test/helpers/instance.js";
import type { TestInstance } from "../test/helpers/instance.js";
import { signIn } from "../test/helpers/session-ops.js";
import { summarise, timeEach } from "./stats.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const VIEWER = "{ viewer { session { id createdAt lastSeenAt expiresAt revokedAt ip userAgent current active } user { id email name status createdAt lastLoginAt } } }";
const VIEWER_PERMS = "{ viewer { session { id current active } user { id email permissions } } }";

async function statements(t: TestInstance, query: string, token: string): Promise<number> {
  t.statements.reset();
  const res = await t.gql(query, {}, { token });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return t.statements.count;
}

await setup();
// Undo the cheap test parameters: 19 MiB, t=2, p=1 are the config defaults.
const t = await createTestInstance({ env: { ARGON2_MEMORY_KIB: "19456", ARGON2_TIME_COST: "2", ARGON2_PARALLELISM: "1", LOGIN_MAX_FAILURES_PER_ACCOUNT: "1000", LOCKOUT_AFTER_FAILURES: "1000" } });
try {
  const hasher = createPasswordHasher(t.app.config);
  let hash = "";
  const hashMs = await timeEach(5, async () => {
    hash = await hasher.hash("correct-horse-battery");
  });
  const verifyMs = await timeEach(ROUNDS, () => hasher.verify(hash, "correct-horse-battery"));

  const u = await t.signInAs({}); // hashed with the instance's (default) parameters
  const expectType = async (p: Promise<{ __typename: string }>, type: string): Promise<void> => {
    const r = await p;
    if (r.__typename !== type) throw new Error(`expected ${type}, got ${r.__typename}`);
  };
  const success = await timeEach(ROUNDS, () => expectType(signIn(t, u.email, u.password), "SignInSuccess"));
  const wrong = await timeEach(ROUNDS, () => expectType(signIn(t, u.email, "wrong-password"), "InvalidCredentialsError"));
  const unknown = await timeEach(ROUNDS, (i) => expectType(signIn(t, `nobody-${i}@example.com`, "wrong-password"), "InvalidCredentialsError"));

  await t.app.cache.del([keys.session(u.sessionId), keys.perms(u.userId)]);
  const sql = {
    viewerUncached: await statements(t, VIEWER, u.token),
    viewerCached: await statements(t, VIEWER, u.token),
    withPermissionsUncached: await (async () => {
      await t.app.cache.del([keys.session(u.sessionId), keys.perms(u.userId)]);
      return statements(t, VIEWER_PERMS, u.token);
    })(),
    withPermissionsCached: await statements(t, VIEWER_PERMS, u.token),
  };

  console.log(`argon2id m=${t.app.config.ARGON2_MEMORY_KIB} KiB, t=${t.app.config.ARGON2_TIME_COST}, p=${t.app.config.ARGON2_PARALLELISM}; ${ROUNDS} rounds`);
  console.log("ms                        n   median      p95      min      max");
  const row = (name: string, samples: number[]): void => {
    const s = summarise(samples);
    console.log(`${name.padEnd(22)}${String(s.n).padStart(5)}${[s.median, s.p95, s.min, s.max].map((v) => v.toFixed(1).padStart(9)).join("")}`);
  };
  row("hash", hashMs);
  row("verify", verifyMs);
  row("signIn success", success);
  row("signIn wrong password", wrong);
  row("signIn unknown email", unknown);
  console.log(`unknown email / wrong password (median): ${(summarise(unknown).median / summarise(wrong).median).toFixed(2)}`);
  console.log(`SQL statements per viewer request: ${JSON.stringify(sql)}`);
} finally {
  await t.close();
}
