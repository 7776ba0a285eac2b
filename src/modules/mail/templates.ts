// The account messages: a subject, a plain-text body and an HTML body each, from a few fixed
// sentences and the values of one message. Every value is HTML-escaped in the HTML part.

export type MailContent =
  | { kind: "verify_email"; link: string; token: string; validFor: string }
  | { kind: "password_reset"; link: string; token: string; validFor: string }
  | { kind: "email_change_confirm"; link: string; token: string; validFor: string }
  | { kind: "email_change_notice"; newAddress: string }
  | { kind: "sign_up_existing" }
  | { kind: "account_deleted" };

export type MailKind = MailContent["kind"];

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** A message body: paragraphs, and optionally one action (a link plus the token to paste instead). */
interface Body {
  subject: string;
  paragraphs: string[];
  action?: { label: string; link: string; token: string };
  footer: string;
}

function render(body: Body): RenderedMail {
  const { action } = body;
  const text = [
    ...body.paragraphs,
    ...(action ? [`${action.label}:\n${action.link}`, `Or paste this code where you asked for it:\n${action.token}`] : []),
    body.footer,
  ].join("\n\n");
  const html = [
    "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\">",
    ...body.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(action
      ? [
          `<p><a href="${escapeHtml(action.link)}">${escapeHtml(action.label)}</a></p>`,
          `<p>Or paste this code where you asked for it:<br><code>${escapeHtml(action.token)}</code></p>`,
        ]
      : []),
    `<p style="color:#666">${escapeHtml(body.footer)}</p>`,
    "</body></html>",
  ].join("\n");
  return { subject: body.subject, text: `${text}\n`, html };
}

const IGNORE = "If you did not ask for this, you can ignore this message.";
const ALARM = "If this was not you, reset your password now and review your sessions.";

export function renderMail(content: MailContent): RenderedMail {
  switch (content.kind) {
    case "verify_email":
      return render({
        subject: "Confirm your email address",
        paragraphs: ["Please confirm that this is your email address.", `The link works once and for ${content.validFor}.`],
        action: { label: "Confirm your address", link: content.link, token: content.token },
        footer: IGNORE,
      });
    case "password_reset":
      return render({
        subject: "Reset your password",
        paragraphs: [
          "Someone asked to reset the password of the account with this email address.",
          `The link works once and for ${content.validFor}. Using it signs out every session of the account.`,
        ],
        action: { label: "Choose a new password", link: content.link, token: content.token },
        footer: IGNORE,
      });
    case "email_change_confirm":
      return render({
        subject: "Confirm your new email address",
        paragraphs: ["Confirm that the account should use this email address from now on.", `The link works once and for ${content.validFor}.`],
        action: { label: "Use this address", link: content.link, token: content.token },
        footer: IGNORE,
      });
    case "email_change_notice":
      return render({
        subject: "Your email address is about to change",
        paragraphs: [`Someone signed in to your account asked to change its email address to ${content.newAddress}.`, "It changes once the new address is confirmed."],
        footer: ALARM,
      });
    case "sign_up_existing":
      return render({
        subject: "Someone tried to sign up with your address",
        paragraphs: ["Someone tried to create an account with this email address, which already has one.", "To get in, sign in or reset your password."],
        footer: IGNORE,
      });
    case "account_deleted":
      return render({
        subject: "Your account was deleted",
        paragraphs: ["The account with this email address was deleted, with its sessions and roles."],
        footer: "If you did not expect this, contact the administrator of this service.",
      });
  }
}
