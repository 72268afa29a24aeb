import nodemailer from 'nodemailer';
import type { Logger } from '../logger';
import type { MailConfig } from '../config';

export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Temporary failures are retried later; permanent ones mark the mail failed at once. */
export type SendOutcome = { ok: true } | { ok: false; permanent: boolean; reason: string };

export interface MailSender {
  send(mail: OutgoingMail): Promise<SendOutcome>;
  close(): void;
}

/** SMTP through nodemailer when SMTP_URL is set; otherwise (development only: config refuses it in production) the log. */
export function createMailSender(config: MailConfig, logger: Logger): MailSender {
  return config.smtpUrl === undefined
    ? logSender(logger)
    : smtpSender(config.smtpUrl, config.from, config.allowPlaintext);
}

function smtpSender(url: string, from: string, allowPlaintext: boolean): MailSender {
  // smtps:// is TLS from the start. On smtp:// nodemailer uses STARTTLS when the server offers it and
  // otherwise sends in clear; requireTLS makes a server without STARTTLS a failed delivery instead.
  const transport = nodemailer.createTransport({
    url,
    requireTLS: !allowPlaintext,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail) {
      try {
        await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
        return { ok: true };
      } catch (error) {
        return classify(error);
      }
    },
    close: () => transport.close(),
  };
}

/**
 * A 5xx reply is the server's final word (unknown mailbox, refused sender, bad credentials). A 4xx
 * reply (421 busy, 451 try later), a refused connection or a timeout may pass: try again.
 */
export function classify(error: unknown): SendOutcome {
  const { responseCode, code } = (typeof error === 'object' && error !== null ? error : {}) as {
    responseCode?: unknown;
    code?: unknown;
  };
  // TLS refused or not offered (requireTLS): the server's configuration, not the mail, is wrong; once
  // it is fixed (or plaintext allowed) the mail must still go, whatever the reply code was.
  if (code === 'ETLS') return { ok: false, permanent: false, reason: 'ETLS' };
  const reason =
    typeof responseCode === 'number' ? `smtp ${responseCode}` : typeof code === 'string' ? code : 'unknown error';
  if (typeof responseCode === 'number') return { ok: false, permanent: responseCode >= 500, reason };
  // A message nodemailer cannot even build (no recipient, bad address) will never go out.
  return { ok: false, permanent: code === 'EENVELOPE' || code === 'EMESSAGE', reason };
}

/**
 * Development without SMTP_URL: one structured line per mail, so `npm start` shows the whole flow.
 * The link is logged on purpose, and only here: this transport exists only outside production.
 */
function logSender(logger: Logger): MailSender {
  return {
    async send(mail) {
      const link = /https?:\/\/\S+/.exec(mail.text)?.[0];
      logger.info(
        { mail: 'development', to: mail.to, subject: mail.subject, link },
        'mail not sent (no SMTP_URL; development log transport)',
      );
      return { ok: true };
    },
    close: () => undefined,
  };
}
