// A real SMTP server for the test's duration (smtp-server, from the makers of nodemailer): what Meent sends arrives here
// over the wire, parsed by mailparser, and a test waits for a message by what it says, with a deadline.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Test } from 'tap';

export interface ReceivedMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly messageId: string;
  readonly calendar: string | undefined;
  readonly raw: string;
}

export interface MailServer {
  readonly url: string;
  readonly received: readonly ReceivedMail[];
  /** The first message (received or to come) that matches; fails the wait with what did arrive after `timeoutMs`. */
  waitFor(matches: (mail: ReceivedMail) => boolean, description: string, timeoutMs?: number): Promise<ReceivedMail>;
  /** Refuse every message until told otherwise, as a server that is down for maintenance would. */
  refuseAll(refusing: boolean): void;
  /** Settles once this many messages were refused in all; fails with how many were after `timeoutMs`. */
  waitForRefusals(count: number, timeoutMs?: number): Promise<void>;
}

const addressesOf = (parsed: ParsedMail): string => {
  const to = parsed.to;
  if (!to) return '';
  return (Array.isArray(to) ? to : [to]).flatMap((group) => group.value.map((address) => address.address ?? '')).join(', ');
};

export async function startMailServer(t: Test): Promise<MailServer> {
  const received: ReceivedMail[] = [];
  const waiting = new Set<() => void>();
  let refusing = false;
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refusing) {
          refusals += 1;
          for (const wake of waiting) wake();
          return callback(Object.assign(new Error('451 try again later'), { responseCode: 451 }));
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            const calendar = parsed.attachments.find((attachment) => attachment.contentType.startsWith('text/calendar'));
            received.push({
              to: addressesOf(parsed),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              messageId: parsed.messageId ?? '',
              calendar: calendar?.content.toString('utf8'),
              raw: raw.toString('utf8'),
            });
            for (const wake of waiting) wake();
            callback();
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuseAll: (refuse) => {
      refusing = refuse;
    },
    waitFor: (matches, description, timeoutMs = 20_000) =>
      until(
        () => received.find(matches),
        () => `no mail ${description} within ${timeoutMs} ms; received: ${received.map((mail) => `${mail.to}: ${mail.subject}`).join('; ') || 'nothing'}`,
        timeoutMs,
      ),
    waitForRefusals: async (count, timeoutMs = 20_000) => {
      await until(() => (refusals >= count ? true : undefined), () => `${count} refusals awaited; ${refusals} within ${timeoutMs} ms`, timeoutMs);
    },
  };

  /** The first answer `look` gives, asked again at each message; rejects with `failure()` after `timeoutMs`. */
  function until<Found>(look: () => Found | undefined, failure: () => string, timeoutMs: number): Promise<Found> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = look();
        if (found === undefined) return;
        clearTimeout(timer);
        waiting.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiting.delete(check);
        reject(new Error(failure()));
      }, timeoutMs);
      waiting.add(check);
      check();
    });
  }
}

/** The eight-digit code in a sign-in message. */
export function codeIn(mail: ReceivedMail): string {
  const code = /\b(\d{8})\b/.exec(mail.text)?.[1];
  if (!code) throw new Error(`no code in "${mail.subject}"`);
  return code;
}
