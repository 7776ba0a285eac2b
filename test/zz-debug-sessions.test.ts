import { it } from "vitest";
import { createTestInstance } from "./helpers/instance.js";
import { signIn } from "./helpers/session-ops.js";
it("debug", async () => {
  const t = await createTestInstance({ env: { LOG_LEVEL: "error" } });
  const passwordHash = await t.app.passwords.hash("correct-horse-battery");
  const emails = Array.from({ length: 100 }, (_, i) => `concurrent-${i}@example.com`);
  await t.db.user.createMany({ data: emails.map((email) => ({ email, name: email, passwordHash })) });
  const results = await Promise.all(emails.map((email) => t.gql("mutation($input: SignInInput!) { signIn(input: $input) { __typename } }", { input: { email, password: "correct-horse-battery" } })));
  console.log(results.filter((r) => r.errors).length);
  void signIn;
  await t.close();
}, 60000);
