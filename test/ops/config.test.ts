// Configuration: a default for every knob, one line naming the variable for a bad value, no secrets
// echoed, and every knob documented in .env.example.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("config", () => {
  it("has a default for every knob", () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(4000);
    expect(c.HOST).toBe("127.0.0.1");
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.SESSION_IDLE_TTL_SECONDS).toBe(7 * 86400);
    expect(c.CACHE_TIMEOUT_MS).toBe(50);
  });

  it("treats empty values as unset", () => {
    expect(loadConfig({ PORT: "", DATABASE_URL: "" }).PORT).toBe(4000);
  });

  it.each([
    ["PORT", "abc", /^invalid PORT: expected a whole number \(got "abc"\)$/],
    ["PORT", "70000", /^invalid PORT: .*70000/],
    ["DATABASE_URL", "mysql://x", /^invalid DATABASE_URL: expected a postgres or postgresql URL/],
    ["REDIS_URL", "not a url", /^invalid REDIS_URL: expected a URL/],
    ["SIGNUP_ENABLED", "maybe", /^invalid SIGNUP_ENABLED: expected true or false/],
    ["LOG_LEVEL", "loud", /^invalid LOG_LEVEL: /],
  ])("%s=%s fails with one line naming the variable", (name, value, pattern) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    expect(message).toMatch(pattern);
  });

  it("account mail: the .eml outbox is refused in production, SMTP_URL or MAIL_ENABLED=false starts", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/^invalid SMTP_URL: required in production while MAIL_ENABLED is true/);
    expect(loadConfig({ NODE_ENV: "production", SMTP_URL: "smtps://user:pw@mail.example.com:465" }).SMTP_URL).toBe("smtps://user:pw@mail.example.com:465");
    expect(loadConfig({ NODE_ENV: "production", MAIL_ENABLED: "false" }).MAIL_ENABLED).toBe(false);
    expect(loadConfig({}).SMTP_URL).toBeUndefined();
    expect(() => loadConfig({ REQUIRE_VERIFIED_EMAIL: "true", MAIL_ENABLED: "false" })).toThrow(/^invalid REQUIRE_VERIFIED_EMAIL: needs MAIL_ENABLED/);
    // The URL may carry a password: never echoed.
    expect(() => loadConfig({ SMTP_URL: "http://user:secret@mail" })).toThrow(/^invalid SMTP_URL: expected a smtp or smtps URL$/);
    expect(() => loadConfig({ PASSWORD_RESET_TTL_SECONDS: "7200" })).toThrow(/^invalid PASSWORD_RESET_TTL_SECONDS/);
  });

  it("never echoes secrets in errors", () => {
    expect(() => loadConfig({ ADMIN_PASSWORD: "short" })).toThrow(/^invalid ADMIN_PASSWORD: must be at least 12 characters$/);
  });

  it("documents every knob in .env.example", () => {
    const example = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
    const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const knobs = Object.keys(loadConfig({})).concat(["DATABASE_URL", "REDIS_URL", "ADMIN_PASSWORD", "AUDIT_IP_KEY", "METRICS_TOKEN", "GRAPHQL_INTROSPECTION", "CACHE_NAMESPACE", "MFA_ENCRYPTION_KEY", "CORS_ORIGINS", "PERSISTED_OPERATIONS", "SMTP_URL"]);
    const missing = knobs.filter((k) => !documented.has(k));
    expect(missing).toEqual([]);
  });
});
