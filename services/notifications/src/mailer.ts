// How messages leave: through the SMTP server the deployment names, or, where none is named (development, `pnpm
// start`), as `.eml` files in the data directory that any mail client opens.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadModelStore } from '@meent/eventsourcing';
import nodemailer from 'nodemailer';
import { DeliveryLoop, failureText } from './delivery.js';
import type { Outbox, OutgoingMessage } from './outbox.js';

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

const BATCH = 25;

export interface MailDeliveryOptions {
  readonly outbox: Outbox;
  readonly mailer: Mailer;
  readonly readModels: ReadModelStore;
  readonly clock: () => Date;
  /** Told of each failed attempt, by message id and kind: never the address or the content. */
  readonly onFailure?: (failure: { id: string; kind: string; attempts: number; error: string }) => void;
  readonly onStoreError?: (error: unknown) => void;
}

/** Hands the outbox's messages to the mail server, apart from every command. */
export function startMailDelivery(options: MailDeliveryOptions): DeliveryLoop {
  const { outbox, mailer, clock } = options;
  return DeliveryLoop.start({
    name: 'outbox/mail',
    readModels: options.readModels,
    nextQueued: (signal) => outbox.nextQueued(signal),
    onStoreError: options.onStoreError,
    onClose: () => mailer.close(),
    deliverDue: async () => {
      const due = await outbox.due(clock(), BATCH);
      for (const message of due) {
        try {
          await mailer.send(message);
        } catch (error) {
          await outbox.failed(message, failureText(error), clock());
          options.onFailure?.({ id: message.id, kind: message.kind, attempts: message.attempts + 1, error: failureText(error) });
          continue;
        }
        await outbox.sent(message.id, clock());
      }
      return due.length === BATCH;
    },
  });
}
