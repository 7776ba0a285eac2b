// The long-lived services of one gateway instance. Built once at start (or once per test instance);
// every request's context points at it.
import type { Config } from "./config.js";
import type { Database } from "./db/client.js";
import type { Cache } from "./cache/types.js";
import type { Logger } from "./observability/log.js";
import type { Clock } from "./modules/types.js";
import type { PasswordHasher } from "./modules/credentials/passwords.js";
import type { LoginLimiter } from "./modules/credentials/login-limiter.js";

export interface App {
  config: Config;
  db: Database;
  cache: Cache;
  log: Logger;
  clock: Clock;
  passwords: PasswordHasher;
  loginLimiter: LoginLimiter;
  /** ms since epoch at start, for uptime. */
  startedAt: number;
  version: string;
  /** Background work (cleanup intervals, subscriptions) to stop on shutdown. */
  disposers: (() => Promise<void> | void)[];
}
