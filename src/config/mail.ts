import type { EnvReader } from './env-reader';

/** Mail settings, read by loadConfig into `config.mail`. */
export interface MailConfig {
  /** smtp:// or smtps:// URL; undefined = development log transport (refused in production). */
  readonly smtpUrl: string | undefined;
  /**
   * smtp:// may go unencrypted when the server offers no STARTTLS. False: STARTTLS is required
   * (smtps:// is TLS anyway). SMTP_ALLOW_PLAINTEXT; true by default outside production only.
   */
  readonly allowPlaintext: boolean;
  readonly from: string;
  /** Shown in subjects and bodies. */
  readonly productName: string;
  /** Link templates containing `{token}`; by default our own pages, `{PUBLIC_URL}/ui/reset-password?token={token}` and `/ui/verify-email`. */
  readonly passwordResetUrl: string;
  readonly emailVerificationUrl: string;
  /** Seconds. */
  readonly passwordResetTtl: number;
  readonly emailVerificationTtl: number;
  readonly requireVerifiedEmail: boolean;
  /** Reset or verification requests per address, and per client IP, within `window` seconds. */
  readonly maxPerAddress: number;
  readonly maxPerIp: number;
  readonly window: number;
  /** Email changes (PATCH /users/me) per user within `window`: each one mails the current address. */
  readonly maxChangesPerUser: number;
  /** Delivery: tries before a mail is marked failed, first retry delay (doubling), claim lease (seconds). */
  readonly maxAttempts: number;
  readonly retryBase: number;
  readonly lease: number;
  /** Milliseconds between looks at the outbox while it has work (an idle worker looks up to 30 times less often). */
  readonly pollInterval: number;
}

export interface MailSettings {
  /** SMTP, links, token lifetimes and limits of the password-reset and email-verification flows. */
  readonly mail: MailConfig;
}

/** `pages`: where our own pages are (`pagesBaseUrl`), which the links lead to unless set otherwise. */
export function readMailConfig(read: EnvReader, production: boolean, pages: string): MailSettings {
  const { env, problems } = read;
  const integer = read.integer.bind(read);
  const flag = read.boolean.bind(read);
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl !== undefined && !/^smtps?:\/\/[^/]+/.test(smtpUrl)) problems.push(`SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://… (got "${redact(smtpUrl)}")`);
  if (production) {
    // The reset, verification and email-change flows all mail: without a transport they cannot work.
    // Their links need nothing more: they lead to our own pages under PUBLIC_URL, which production requires.
    for (const name of ['SMTP_URL', 'MAIL_FROM']) {
      if (!env[name]) problems.push(`${name} must be set when NODE_ENV=production (password reset and email verification send mail)`);
    }
  }
  return { mail: {
    smtpUrl,
    // Reset and verification links are bearer secrets: in production they never cross the network in clear unless asked.
    allowPlaintext: flag('SMTP_ALLOW_PLAINTEXT', !production),
    from: env.MAIL_FROM || 'tollgate <no-reply@localhost>',
    productName: env.PRODUCT_NAME || 'tollgate',
    passwordResetUrl: linkTemplate('PASSWORD_RESET_URL', env.PASSWORD_RESET_URL || `${pages}/ui/reset-password?token={token}`, problems),
    emailVerificationUrl: linkTemplate('EMAIL_VERIFICATION_URL', env.EMAIL_VERIFICATION_URL || `${pages}/ui/verify-email?token={token}`, problems),
    passwordResetTtl: integer('PASSWORD_RESET_TTL', 3600, 60, 7 * 86400),
    emailVerificationTtl: integer('EMAIL_VERIFICATION_TTL', 86400, 60, 30 * 86400),
    requireVerifiedEmail: flag('REQUIRE_VERIFIED_EMAIL', false),
    maxPerAddress: integer('EMAIL_MAX_PER_ADDRESS', 5, 1, 1000),
    maxPerIp: integer('EMAIL_REQUESTS_MAX_PER_IP', 30, 1, 1_000_000),
    window: integer('EMAIL_WINDOW', 3600, 1, 86400),
    maxChangesPerUser: integer('EMAIL_CHANGE_MAX_PER_USER', 5, 1, 1000),
    maxAttempts: integer('MAIL_MAX_ATTEMPTS', 8, 1, 100),
    retryBase: integer('MAIL_RETRY_BASE', 30, 1, 3600),
    lease: integer('MAIL_LEASE', 120, 1, 3600),
    pollInterval: integer('MAIL_POLL_INTERVAL', 1000, 10, 60_000),
  } };
}

function linkTemplate(name: string, raw: string, problems: string[]): string {
  if (!/^https?:\/\/[^\s]+$/.test(raw) || !raw.includes('{token}')) problems.push(`${name} must be an http(s) URL containing {token} (got "${raw}")`);
  return raw;
}

/** Problems are printed: the SMTP password never appears in them. */
function redact(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}
