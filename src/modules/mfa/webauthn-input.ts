// What clients send from the browser's WebAuthn calls (`credential.toJSON()`), checked for shape
// before @simplewebauthn/server sees it: anything else is a typed ValidationError, never a 500.
import { z } from "zod";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";

const b64url = z.string().min(1).max(16_384).regex(/^[A-Za-z0-9_-]+={0,2}$/, "must be base64url");
const common = {
  id: b64url.max(1024),
  rawId: b64url.max(1024),
  type: z.literal("public-key"),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  // Extension outputs are not used; dropped rather than passed on unchecked.
  clientExtensionResults: z.object({}).optional().transform(() => ({})),
};

export const registrationResponseSchema = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url,
    attestationObject: b64url,
    transports: z.array(z.string().max(32)).max(10).optional(),
  }),
}) satisfies z.ZodType<RegistrationResponseJSON, unknown>;

export const authenticationResponseSchema = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    userHandle: b64url.optional(),
  }),
}) satisfies z.ZodType<AuthenticationResponseJSON, unknown>;

export const passkeyNameSchema = z.string().trim().min(1, "is required").max(64, "must be at most 64 characters");
