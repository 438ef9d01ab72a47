// How messages leave: through the SMTP server the deployment names, or, where none is named (development, `pnpm
// start`), as `.eml` files in the data directory that any mail client opens.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { OutgoingMessage } from './outbox.js';

export interface MailSettings {
  /** `smtp://user:password@host:587` or `smtps://…:465`; unset: files in `fileDirectory`. */
  readonly smtpUrl: string | undefined;
  /** The From of every message: `Meent <noreply@example.org>`. */
  readonly from: string;
  readonly fileDirectory: string;
}

export interface Mailer {
  send(message: OutgoingMessage): Promise<void>;
  close(): void;
}

/** The Message-ID a message always goes out with, from its id: a retry is recognisable as the same message. */
export function messageIdOf(message: Pick<OutgoingMessage, 'id'>, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'meent.invalid';
  return `<${message.id.replace(/[^A-Za-z0-9.-]/g, '.')}@${domain}>`;
}

function mailOf(message: OutgoingMessage, from: string) {
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    messageId: messageIdOf(message, from),
    ...(message.calendar
      ? { attachments: [{ filename: 'invite.ics', content: message.calendar, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' }] }
      : {}),
  };
}

export function createMailer(settings: MailSettings): Mailer {
  if (settings.smtpUrl) {
    const transport = nodemailer.createTransport(settings.smtpUrl);
    return {
      send: async (message) => {
        await transport.sendMail(mailOf(message, settings.from));
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    send: async (message) => {
      const { message: raw } = (await transport.sendMail(mailOf(message, settings.from))) as { message: Buffer };
      await mkdir(settings.fileDirectory, { recursive: true, mode: 0o700 });
      // Named by the message's id: the same message sent twice leaves one file.
      await writeFile(join(settings.fileDirectory, `${message.id.replace(/[^A-Za-z0-9.-]/g, '_')}.eml`), raw, { mode: 0o600 });
    },
    close: () => transport.close(),
  };
}
