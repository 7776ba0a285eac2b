// A private redis-server that speaks only TLS (certificates made here with openssl: a throwaway CA
// and a server certificate for 127.0.0.1) and requires an ACL user: `app`, who may touch only keys
// and channels under `auth:`. Stopped by PID; never touches the shared Redis on 6379.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { readFileSync } from "node:fs";
import { freePort } from "./spawn.js";

export const ACL_USER = "app";
export const ACL_PASSWORD = "s3cret-acl-password";

export interface TlsRedisServer {
  port: number;
  /** PEM of the CA that signed the server certificate. */
  caFile: string;
  /** `rediss://app:<password>@127.0.0.1:<port>`. */
  url: string;
  dispose(): Promise<void>;
}

export function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync("openssl", args, { stdio: "ignore" });
  };
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", file("ca.key"), "-out", file("ca.crt"), "-days", "2", "-subj", "/CN=authgraph-test-ca");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", "/CN=127.0.0.1");
  writeFileSync(file("san.ext"), "subjectAltName=IP:127.0.0.1\n");
  openssl("x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial", "-out", file("server.crt"), "-days", "2", "-extfile", file("san.ext"));
  return { ca: file("ca.crt"), cert: file("server.crt"), key: file("server.key") };
}

function answersOverTls(port: number, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, ca: readFileSync(ca) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on("error", () => done(false));
    socket.once("secureConnect", () => socket.write("PING\r\n"));
    // The default user is off: an unauthenticated PING is refused, which still proves the server is up.
    socket.once("data", (d) => done(d.toString().startsWith("-NOAUTH") || d.toString().startsWith("+PONG")));
  });
}

export async function startTlsRedis(): Promise<TlsRedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "authgraph-redis-tls-"));
  const certs = makeCertificates(dir);
  const port = await freePort();
  const args = ["--port", "0", "--tls-port", String(port), "--bind", "127.0.0.1", "--tls-cert-file", certs.cert, "--tls-key-file", certs.key];
  args.push("--tls-ca-cert-file", certs.ca, "--tls-auth-clients", "no", "--save", "", "--appendonly", "no", "--dir", dir, "--loglevel", "warning");
  // No anonymous access; `app` gets every command except the dangerous ones, on auth: keys and channels only.
  args.push("--user", "default", "off", "--user", ACL_USER, "on", `>${ACL_PASSWORD}`, "~auth:*", "&auth:*", "+@all", "-@dangerous");
  const proc = spawn("redis-server", args, { stdio: ["ignore", "ignore", "inherit"] });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const killOnExit = (): void => {
    proc.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", killOnExit);
  const deadline = Date.now() + 5000;
  while (!(await answersOverTls(port, certs.ca))) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      killOnExit();
      throw new Error(`TLS redis-server did not start on ${port}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    port,
    caFile: certs.ca,
    url: `rediss://${ACL_USER}:${ACL_PASSWORD}@127.0.0.1:${port}`,
    async dispose() {
      if (proc.exitCode === null && proc.pid !== undefined) process.kill(proc.pid, "SIGKILL");
      await exited;
      process.off("exit", killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
