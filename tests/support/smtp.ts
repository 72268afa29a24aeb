import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** What arrived: the recipient and the parsed message. */
export interface ReceivedMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface TestSmtp {
  readonly url: string;
  readonly port: number;
  readonly received: ReceivedMail[];
  /** The next `count` connections are greeted with 421, then the next `count` recipients get 451. */
  refuseTemporarily(count: number): void;
  /** Every recipient is refused with 550 until told otherwise. */
  refusePermanently(on: boolean): void;
  /** Resolves with the first mail to `to` whose subject matches (waiting for it if need be). */
  mailTo(to: string, subject: RegExp, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

type SmtpError = Error & { responseCode?: number };
const refusal = (code: number, message: string): SmtpError => Object.assign(new Error(message), { responseCode: code });

/** A real SMTP server in-process (smtp-server), read with mailparser; on `port`, or an ephemeral one. */
export async function startTestSmtp(port = 0): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const waiting = new Set<() => void>();
  let greetFailures = 0;
  let rcptFailures = 0;
  let permanent = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session: SMTPServerSession, callback: (error?: Error) => void) {
      if (greetFailures > 0) {
        greetFailures -= 1;
        return callback(refusal(421, 'Service not available, try again later'));
      }
      callback();
    },
    onRcptTo(_address, _session, callback) {
      if (permanent) return callback(refusal(550, 'No such mailbox'));
      if (rcptFailures > 0) {
        rcptFailures -= 1;
        return callback(refusal(451, 'Local error, try again later'));
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail: ParsedMail) => {
          received.push({
            to: session.envelope.rcptTo[0]?.address ?? '',
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
          });
          for (const wake of waiting) wake();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => server.listen(port, '127.0.0.1', resolve).once('error', reject));
  const actualPort = (server.server.address() as AddressInfo).port;

  const mailTo = (to: string, subject: RegExp, timeoutMs = 15_000) =>
    new Promise<ReceivedMail>((resolve, reject) => {
      const check = () => {
        const found = received.find((mail) => mail.to.toLowerCase() === to.toLowerCase() && subject.test(mail.subject));
        if (!found) return;
        waiting.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiting.delete(check);
        reject(
          new Error(
            `no mail to ${to} matching ${subject} within ${timeoutMs} ms; received: ${JSON.stringify(received.map((m) => [m.to, m.subject]))}`,
          ),
        );
      }, timeoutMs);
      waiting.add(check);
      check();
    });

  return {
    url: `smtp://127.0.0.1:${actualPort}`,
    port: actualPort,
    received,
    refuseTemporarily(count) {
      greetFailures = count;
      rcptFailures = count;
    },
    refusePermanently(on) {
      permanent = on;
    },
    mailTo,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The token in a mailed link (`…?token=…`). */
export function tokenIn(mail: ReceivedMail): string {
  const token = /token=([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
  if (!token) throw new Error(`no token in the mail "${mail.subject}"`);
  return token;
}
