// The account knobs of the configuration: sign-up, passwords and brute-force limits, account mail,
// second factors and passkeys. Part of the one schema in config.ts.
import { z } from "zod";
import { bool, int, url } from "./config-parsers.js";

export const accountFields = {
  /** Allow self-service sign-up. */
  SIGNUP_ENABLED: bool.default(true),

  /** Passwords: argon2id cost (OWASP defaults) and length bounds. */
  ARGON2_MEMORY_KIB: int(1024, 4 * 1024 * 1024).default(19456),
  ARGON2_TIME_COST: int(1, 20).default(2),
  ARGON2_PARALLELISM: int(1, 16).default(1),
  PASSWORD_MIN_LENGTH: int(8, 128).default(12),
  PASSWORD_MAX_LENGTH: int(16, 4096).default(256),

  /** Brute force: failures per account / per IP in the window, window length, lockout. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: int(1, 1000).default(10),
  LOGIN_MAX_FAILURES_PER_IP: int(1, 100_000).default(100),
  LOGIN_WINDOW_SECONDS: int(1, 86400).default(900),
  LOCKOUT_AFTER_FAILURES: int(1, 1000).default(5),
  LOCKOUT_SECONDS: int(1, 30 * 86400).default(900),
  /** A lockout does not stop a source (IP, or IPv6 /64) that signed in to the account within this many days (0 = off). */
  LOGIN_KNOWN_SOURCE_DAYS: int(0, 365).default(30),
  /** Sign-ups per client address per window, and per minute overall. */
  SIGNUP_MAX_PER_IP: int(1, 100_000).default(10),
  SIGNUP_WINDOW_SECONDS: int(1, 86400).default(3600),
  SIGNUP_MAX_PER_MINUTE: int(1, 1_000_000).default(300),

  /** Account mail (verification, password reset, email change, notices). Off: those flows answer MAIL_DISABLED. */
  MAIL_ENABLED: bool.default(true),
  /** SMTP server, e.g. smtp://user:pass@host:587 (STARTTLS when offered) or smtps://host:465. Unset: .eml files in MAIL_OUTBOX_DIR (development only). */
  SMTP_URL: url(["smtp", "smtps"]).optional(),
  MAIL_FROM: z.string().trim().min(3).max(320).default("authgraph <no-reply@authgraph.local>"),
  /** Where the development outbox writes one .eml file per message when SMTP_URL is unset. */
  MAIL_OUTBOX_DIR: z.string().min(1).default(".data/outbox"),
  /** Links in messages: `<base>/verify-email#token=…`, `/reset-password#…`, `/confirm-email#…` (the token stays out of server logs). */
  MAIL_LINK_BASE_URL: url(["http", "https"]).default("http://127.0.0.1:4000/account"),
  /** Delivery: attempts per message, first retry delay (doubling, capped at an hour), and the retry sweep interval (0 = off). */
  MAIL_MAX_ATTEMPTS: int(1, 100).default(10),
  MAIL_RETRY_SECONDS: int(1, 3600).default(30),
  MAIL_DRAIN_INTERVAL_SECONDS: int(0, 3600).default(30),
  /** Unverified accounts are refused at sign-in (EMAIL_NOT_VERIFIED after the right password), and sign-up never reveals a taken address. */
  REQUIRE_VERIFIED_EMAIL: bool.default(false),
  /** Lifetimes of the single-use tokens (seconds). */
  EMAIL_VERIFICATION_TTL_SECONDS: int(300, 7 * 86400).default(86400),
  PASSWORD_RESET_TTL_SECONDS: int(900, 3600).default(1800),
  EMAIL_CHANGE_TTL_SECONDS: int(900, 86400).default(3600),
  /** Account mail requests per address and per client address in the window (seconds). */
  ACCOUNT_MAIL_MAX_PER_ADDRESS: int(1, 1000).default(3),
  ACCOUNT_MAIL_MAX_PER_IP: int(1, 100_000).default(20),
  ACCOUNT_MAIL_WINDOW_SECONDS: int(1, 86400).default(3600),

  /**
   * Keys encrypting TOTP secrets (AES-256-GCM): comma-separated, each 32 bytes as 64 hex digits or
   * base64. The first encrypts; all decrypt (rotation). Unset: TOTP enrolment is refused.
   */
  MFA_ENCRYPTION_KEY: z
    .string()
    .refine((v) => v.split(",").every((k) => /^[0-9a-fA-F]{64}$/.test(k.trim()) || Buffer.from(k.trim(), "base64").length === 32), "expected 32-byte keys (64 hex digits or base64), comma-separated")
    .optional(),
  /** Sensitive mutations need a second factor proved within this many seconds (when the actor has one). */
  STEP_UP_MAX_AGE_SECONDS: int(10, 86400).default(600),
  /** Lifetime of sign-in, passkey and step-up challenge tokens (seconds). */
  MFA_CHALLENGE_TTL_SECONDS: int(10, 3600).default(300),
  /** Issuer shown in authenticator apps. */
  TOTP_ISSUER: z.string().min(1).max(64).default("authgraph"),
  /** WebAuthn relying party: its id (a registrable domain, `localhost` in development), name, and the origins pages call from. */
  WEBAUTHN_RP_ID: z.string().regex(/^[a-z0-9.-]{1,253}$/, "expected a host name").default("localhost"),
  WEBAUTHN_RP_NAME: z.string().min(1).max(64).default("authgraph"),
  WEBAUTHN_ORIGINS: z
    .string()
    .refine((v) => v.split(",").every((o) => /^https?:\/\/[^/\s]+$/.test(o.trim())), "expected comma-separated origins like https://app.example.com")
    .default("http://localhost:4000"),
};
