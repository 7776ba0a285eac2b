// TOTP (RFC 6238: SHA-1, 6 digits, 30 s steps) through otpauth. Enrolment stores a sealed secret and
// answers the otpauth:// URI and its QR code; a code is accepted within ±1 step of the App's clock,
// and only once: the step it matched must be newer than the last accepted one (a conditional UPDATE,
// so two instances cannot both accept it).
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";
import { z } from "zod";
import type { App, RequestMeta } from "../../app.js";
import { ConflictError, MfaNotConfiguredError } from "../../errors.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { actorFields } from "../audit/recorder.js";
import type { Viewer } from "../sessions/session.js";
import type { SecretBox } from "./secret-box.js";

const PERIOD = 30;
const DIGITS = 6;
const WINDOW = 1;

/** Six digits; spaces people type between groups are dropped. */
export const totpCodeSchema = z
  .string()
  .max(32, "must be 6 digits")
  .transform((v) => v.replace(/\s/g, ""))
  .pipe(z.string().regex(/^\d{6}$/, "must be 6 digits"));

export interface TotpEnrollment {
  secret: string;
  uri: string;
  qrCodeSvg: string;
}

function sealer(app: App): SecretBox {
  if (!app.mfaSecrets) throw new MfaNotConfiguredError();
  return app.mfaSecrets;
}

/** Starts (or restarts) enrolment; a confirmed factor must be disabled first. */
export async function enrollTotp(app: App, viewer: Viewer, request: RequestMeta): Promise<TotpEnrollment> {
  const box = sealer(app);
  const userId = viewer.user.id;
  const secret = new Secret({ size: 20 });
  await app.db.prisma.$transaction(async (tx) => {
    const existing = await tx.totpFactor.findUnique({ where: { userId }, select: { confirmedAt: true } });
    if (existing?.confirmedAt) throw new ConflictError("TOTP is already enabled; disable it first.");
    const sealed = box.encrypt(secret.base32, userId);
    const now = app.clock.now();
    await tx.totpFactor.upsert({
      where: { userId },
      create: { userId, secret: sealed, createdAt: now },
      update: { secret: sealed, confirmedAt: null, lastUsedStep: null, createdAt: now },
    });
    await app.audit.record(tx, { type: "MFA_TOTP_ENROLMENT_STARTED", ...actorFields(viewer), subjectUserId: userId }, request);
  });
  const uri = new TOTP({ issuer: app.config.TOTP_ISSUER, label: viewer.user.email, secret, digits: DIGITS, period: PERIOD }).toString();
  const qrCodeSvg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return { secret: secret.base32, uri, qrCodeSvg };
}

/** The time step `code` belongs to within ±WINDOW steps of `now`, or null. */
function matchedStep(secretBase32: string, code: string, now: Date): number | null {
  const timestamp = now.getTime();
  const delta = TOTP.validate({ token: code, secret: Secret.fromBase32(secretBase32), digits: DIGITS, period: PERIOD, timestamp, window: WINDOW });
  return delta === null ? null : TOTP.counter({ period: PERIOD, timestamp }) + delta;
}

/**
 * Accepts `code` once for the user's factor — a confirmed one, or with `confirming` the pending one
 * (which it then confirms). A secret sealed with an older key is re-sealed with the current one.
 */
export async function useTotpCode(app: App, db: Prisma.TransactionClient, userId: string, code: string, options: { confirming?: boolean } = {}): Promise<boolean> {
  const box = sealer(app);
  const confirming = options.confirming ?? false;
  const row = await db.totpFactor.findUnique({ where: { userId }, select: { secret: true, confirmedAt: true } });
  if (!row || (row.confirmedAt === null) !== confirming) return false;
  const secret = box.decrypt(row.secret, userId);
  if (secret === null) {
    app.log.error({ userId }, "a TOTP secret does not decrypt with any MFA_ENCRYPTION_KEY");
    return false;
  }
  const parsed = totpCodeSchema.safeParse(code);
  const step = parsed.success ? matchedStep(secret, parsed.data, app.clock.now()) : null;
  if (step === null) return false;
  const { count } = await db.totpFactor.updateMany({
    where: { userId, confirmedAt: confirming ? null : { not: null }, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: step } }] },
    data: {
      lastUsedStep: step,
      ...(confirming ? { confirmedAt: app.clock.now() } : {}),
      ...(box.isStale(row.secret) ? { secret: box.encrypt(secret, userId) } : {}),
    },
  });
  return count === 1;
}

/** Whether the user has a confirmed TOTP factor. */
export async function hasTotp(db: Prisma.TransactionClient, userId: string): Promise<boolean> {
  return (await db.totpFactor.count({ where: { userId, confirmedAt: { not: null } } })) > 0;
}
