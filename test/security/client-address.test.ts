// Which address a request is counted against: behind TRUST_PROXY_HOPS proxies the client is that many
// X-Forwarded-For entries from the right (the left ones are the client's own words), and an IPv6
// client is limited per /64.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { addressBucket } from "../../src/modules/credentials/login-limiter.js";
import { clientAddress } from "../../src/server/context.js";
import { instanceTest } from "../helpers/fixture.js";

const behindProxy = instanceTest({ env: { TRUST_PROXY: "true", LOGIN_MAX_FAILURES_PER_IP: "3" } });

describe("client address", () => {
  const config = (hops: string) => loadConfig({ TRUST_PROXY: "true", TRUST_PROXY_HOPS: hops });

  it("takes the entry the trusted proxies added, not the one the client wrote", () => {
    expect(clientAddress(config("1"), "6.6.6.6, 203.0.113.5", "10.0.0.1")).toBe("203.0.113.5");
    expect(clientAddress(config("2"), "6.6.6.6, 203.0.113.5, 10.0.0.2", "10.0.0.1")).toBe("203.0.113.5");
    // Not an address, or fewer entries than hops: the socket's address.
    expect(clientAddress(config("1"), "6.6.6.6, not-an-ip", "10.0.0.1")).toBe("10.0.0.1");
    expect(clientAddress(config("3"), "203.0.113.5", "10.0.0.1")).toBe("10.0.0.1");
    expect(clientAddress(loadConfig({}), "203.0.113.5", "10.0.0.1")).toBe("10.0.0.1");
  });

  it("buckets IPv6 per /64 and IPv4-mapped addresses as IPv4", () => {
    expect(addressBucket("2001:db8:1:2:aaaa::1")).toBe(addressBucket("2001:db8:1:2:ffff:ffff:ffff:ffff"));
    expect(addressBucket("2001:db8:1:2::1")).not.toBe(addressBucket("2001:db8:1:3::1"));
    expect(addressBucket("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(addressBucket("192.0.2.7")).toBe("192.0.2.7");
  });

  behindProxy("a spoofed leftmost X-Forwarded-For does not escape the per-address limit; a /64 shares one", async ({ t }) => {
    const signIn = (xff: string, i: number) =>
      t.gql<{ signIn: { __typename: string } }>(`mutation { signIn(input: { email: "probe${i}@example.com", password: "wrong-password-1" }) { __typename } }`, {}, { headers: { "x-forwarded-for": xff } });
    const spoofed = await Promise.all([0, 1, 2, 3].map((i) => signIn(`10.9.9.${i}, 203.0.113.77`, i)));
    const typenames = spoofed.map((r) => r.data?.signIn.__typename);
    expect(typenames.filter((n) => n === "RateLimitedError")).toHaveLength(1);
    expect(typenames.filter((n) => n === "InvalidCredentialsError")).toHaveLength(3);
    const v6 = [];
    for (const [i, host] of ["::1", "::2", "::3", "::4"].entries()) v6.push(await signIn(`2001:db8:aa:bb${host}`, 10 + i));
    expect(v6.map((r) => r.data?.signIn.__typename)).toEqual(["InvalidCredentialsError", "InvalidCredentialsError", "InvalidCredentialsError", "RateLimitedError"]);
  });
});
