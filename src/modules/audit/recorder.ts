import type { App } from "../../app.js";
import type { AuditOptions } from "./append.js";

// Without AUDIT_IP_KEY the IP digest is still keyed, but with a public constant: set the variable in
// production so pseudonymised IPs cannot be recovered by hashing all IPv4 addresses.
const DEFAULT_IP_KEY = "authgraph-audit-ip-digest-v1";

export function auditOptions(app: App): AuditOptions {
  return { ipKey: app.config.AUDIT_IP_KEY ?? DEFAULT_IP_KEY, metadataMaxBytes: app.config.AUDIT_METADATA_MAX_BYTES };
}
