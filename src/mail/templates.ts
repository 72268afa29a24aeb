/** Every mail tollgate sends, text and HTML, in one place. */
export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export type MailTemplate =
  | { kind: 'password_reset'; link: string; ttlMinutes: number }
  | { kind: 'password_changed' }
  | { kind: 'email_verification'; link: string; ttlHours: number }
  | { kind: 'email_change_requested'; newEmail: string }
  | { kind: 'email_taken' }
  | { kind: 'mfa_enabled' }
  | { kind: 'mfa_disabled'; by: 'user' | 'admin' }
  | { kind: 'recovery_code_used'; remaining: number }
  | { kind: 'mfa_locked'; failures: number }
  | { kind: 'passkey_added'; name: string }
  | { kind: 'passkey_removed'; name: string };

export function renderMail(product: string, template: MailTemplate): RenderedMail {
  switch (template.kind) {
    case 'password_reset':
      return withLink(
        `Reset your ${product} password`,
        [
          `Someone (hopefully you) asked to reset the password of your ${product} account.`,
          `Choose a new password here within ${template.ttlMinutes} minutes:`,
        ],
        template.link,
        `If you did not ask for this, ignore this mail: your password stays as it is.`,
      );
    case 'email_verification':
      return withLink(
        `Confirm your ${product} email address`,
        [`Confirm that this address belongs to your ${product} account within ${template.ttlHours} hours:`],
        template.link,
        `If you did not sign up or change your address, ignore this mail.`,
      );
    case 'password_changed':
      return plain(`Your ${product} password was changed`, [
        `The password of your ${product} account was just changed and every session was signed out.`,
        `If this was not you, reset your password at once and contact support.`,
      ]);
    case 'email_change_requested':
      return plain(`Your ${product} email address is being changed`, [
        `Someone signed in to your ${product} account asked to change its email address to ${template.newEmail}.`,
        `It changes only once that address is confirmed. If this was not you, change your password now.`,
      ]);
    case 'email_taken':
      return plain(`Someone tried to use your address on ${product}`, [
        `Someone tried to move another ${product} account to this address. Nothing was changed: the address stays with your account.`,
        `No action is needed.`,
      ]);
    case 'passkey_added':
      return plain(`A passkey was added to your ${product} account`, [
        `A passkey named "${template.name}" was just added to your ${product} account; it can now sign in without the password.`,
        `If this was not you, remove it from your passkeys, reset your password at once and contact support.`,
      ]);
    case 'passkey_removed':
      return plain(`A passkey was removed from your ${product} account`, [
        `The passkey named "${template.name}" was just removed from your ${product} account; it can no longer sign in.`,
        `If this was not you, reset your password at once and contact support.`,
      ]);
    default:
      return secondFactorMail(product, template);
  }
}

/** The second-factor notices: what changed and what to do if it was not you; never a code or secret. */
function secondFactorMail(
  product: string,
  template: Extract<MailTemplate, { kind: 'mfa_enabled' | 'mfa_disabled' | 'recovery_code_used' | 'mfa_locked' }>,
): RenderedMail {
  const notYou = `If this was not you, reset your password at once and contact support.`;
  switch (template.kind) {
    case 'mfa_enabled':
      return plain(`Two-factor authentication is on for your ${product} account`, [
        `An authenticator app was just set up as the second factor of your ${product} account; signing in now needs a code from it.`,
        notYou,
      ]);
    case 'mfa_disabled': {
      const who =
        template.by === 'admin'
          ? `An administrator just removed the second factor of your ${product} account and signed out every session.`
          : `The second factor of your ${product} account was just turned off.`;
      return plain(`Two-factor authentication is off for your ${product} account`, [
        `${who} Signing in now needs only your password.`,
        notYou,
      ]);
    }
    case 'recovery_code_used': {
      const left = template.remaining === 1 ? `1 recovery code remains` : `${template.remaining} recovery codes remain`;
      return plain(`A recovery code was used to sign in to your ${product} account`, [
        `Someone signed in to your ${product} account with its password and one of its recovery codes, which is now spent. ${left}; once signed in, you can make a new set.`,
        `If this was not you, your password and a recovery code are known to someone else: reset your password at once, make a new set of recovery codes and contact support.`,
      ]);
    }
    case 'mfa_locked':
      return plain(`Too many wrong codes for your ${product} account`, [
        `${template.failures} wrong two-factor codes in a row were sent for your ${product} account, so its codes are refused for a while.`,
        `If this was not you, someone knows your password or holds one of your sessions. Reset your password at once: a completed reset signs out every session and lifts this lock, so your own codes work again at once. If you cannot reset it, an administrator can reset your second factor.`,
      ]);
  }
}

function plain(subject: string, paragraphs: readonly string[]): RenderedMail {
  return {
    subject,
    text: `${paragraphs.join('\n\n')}\n`,
    html: html(paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`)),
  };
}

/** The link stands on a line of its own in the text part (and is what the development log shows). */
function withLink(subject: string, before: readonly string[], link: string, after: string): RenderedMail {
  const text = `${before.join('\n\n')}\n\n${link}\n\n${after}\n`;
  const parts = [
    ...before.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`,
    `<p>${escapeHtml(after)}</p>`,
  ];
  return { subject, text, html: html(parts) };
}

function html(parts: readonly string[]): string {
  return `<!doctype html><html><body>${parts.join('')}</body></html>`;
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The front-end URL for a token: `{token}` replaced (base64url tokens need no escaping). */
export function linkFor(template: string, token: string): string {
  return template.split('{token}').join(token);
}
