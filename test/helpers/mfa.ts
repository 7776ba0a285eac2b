// Shared by the second-factor tests: GraphQL documents, TOTP codes on the instance's clock, and
// enabling TOTP for a signed-in user.
import { Secret, TOTP } from "otpauth";
import type { SignedIn, TestInstance } from "./instance.js";
import { mutate } from "./session-ops.js";
import type { Result } from "./session-ops.js";

const ERROR = "... on Error { __typename message code }";
const SESSION = "id authMethods mfaAt current";

export const M = {
  signIn: `mutation($input: SignInInput!) { signIn(input: $input) { __typename
    ... on SignInSuccess { token session { ${SESSION} } }
    ... on MfaRequired { challengeToken methods passkeyOptions expiresAt }
    ... on AccountLockedError { lockedUntil }
    ${ERROR} } }`,
  completeSignIn: `mutation($input: CompleteSignInInput!) { completeSignIn(input: $input) { __typename
    ... on SignInSuccess { token session { ${SESSION} } user { id email } }
    ... on AccountLockedError { lockedUntil }
    ... on ValidationError { fieldErrors { path message } }
    ${ERROR} } }`,
  enrollTotp: `mutation { enrollTotp { __typename ... on TotpEnrollment { secret uri qrCodeSvg } ${ERROR} } }`,
  confirmTotp: `mutation($code: String!) { confirmTotp(code: $code) { __typename ... on RecoveryCodes { recoveryCodes } ${ERROR} } }`,
  disableTotp: `mutation($input: DisableTotpInput!) { disableTotp(input: $input) { __typename ... on DisableTotpSuccess { ok } ${ERROR} } }`,
  stepUp: `mutation($input: StepUpInput!) { stepUp(input: $input) { __typename ... on Session { ${SESSION} } ... on StepUpRequiredError { maxAgeSeconds } ${ERROR} } }`,
  changePassword: `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { __typename
    ... on ChangePasswordSuccess { revokedSessionCount } ... on StepUpRequiredError { maxAgeSeconds } ${ERROR} } }`,
  factors: `{ viewer { session { ${SESSION} } user { secondFactors { totpEnabled recoveryCodesLeft passkeys { id name } } } } }`,
} as const;

export interface MfaResult extends Result {
  challengeToken?: string;
  methods?: string[];
  passkeyOptions?: Record<string, unknown> | null;
  expiresAt?: string;
  secret?: string;
  uri?: string;
  qrCodeSvg?: string;
  recoveryCodes?: string[];
  maxAgeSeconds?: number;
  authMethods?: string[];
  mfaAt?: string | null;
  session?: Result["session"] & { authMethods: string[]; mfaAt: string | null };
}

export async function run(t: TestInstance, doc: string, vars: Record<string, unknown> = {}, token?: string | null): Promise<MfaResult> {
  return (await mutate(t, doc, vars, token)) as MfaResult;
}

/** The code of the current 30 s step of the instance's clock (`steps` away from it). */
export function totpCode(t: TestInstance, secret: string, steps = 0): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: t.clock.now().getTime() + steps * 30_000 });
}

/** Moves the clock to the next step and returns its code: a code is accepted once per step. */
export function nextTotpCode(t: TestInstance, secret: string): string {
  t.clock.advance(30_000);
  return totpCode(t, secret);
}

/** Enrols and confirms TOTP for `user`; the confirming session counts as having proved MFA. */
export async function enableTotp(t: TestInstance, user: SignedIn): Promise<{ secret: string; recoveryCodes: string[] }> {
  const enrolment = await run(t, M.enrollTotp, {}, user.token);
  if (!enrolment.secret) throw new Error(`enrollTotp failed: ${JSON.stringify(enrolment)}`);
  const confirmed = await run(t, M.confirmTotp, { code: totpCode(t, enrolment.secret) }, user.token);
  if (!confirmed.recoveryCodes) throw new Error(`confirmTotp failed: ${JSON.stringify(confirmed)}`);
  return { secret: enrolment.secret, recoveryCodes: confirmed.recoveryCodes };
}

/** signIn with the password, expecting MfaRequired: the challenge token. */
export async function passwordStep(t: TestInstance, user: Pick<SignedIn, "email" | "password">): Promise<MfaResult> {
  const r = await run(t, M.signIn, { input: { email: user.email, password: user.password } });
  if (r.__typename !== "MfaRequired") throw new Error(`expected MfaRequired: ${JSON.stringify(r)}`);
  return r;
}
