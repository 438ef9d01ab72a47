// How messages leave: through the SMTP server the deployment names, or, where none is named (development, `pnpm
// start`), as `.eml` files in the data directory that any mail client opens.
import { mkdir, rename, writeFile } from 'node:fs/promises';
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
      // Named by the message's id: the same message sent twice leaves one file. Written beside it and renamed, so a
      // mail client or a script watching the directory never opens a file half written.
      const path = join(settings.fileDirectory, `${message.id.replace(/[^A-Za-z0-9.-]/g, '_')}.eml`);
      await writeFile(`${path}.partial`, raw, { mode: 0o600 });
      await rename(`${path}.partial`, path);
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
  readonly onFailure?: (failure: MailFailure) => void;
  readonly onStoreError?: (error: unknown) => void;
  /** How often to look for messages another process queued, or retries that fell due. */
  readonly pollMs?: number;
}

export interface MailFailure {
  readonly id: string;
  readonly kind: string;
  readonly attempts: number;
  readonly error: string;
}

/** Hands the outbox's messages to the mail server, apart from every command; the mailer stays open for its owner to close. */
export function startMailDelivery(options: MailDeliveryOptions): DeliveryLoop {
  const { outbox, mailer, clock } = options;
  return DeliveryLoop.start({
    name: 'outbox/mail',
    readModels: options.readModels,
    nextQueued: (signal) => outbox.nextQueued(signal),
    onStoreError: options.onStoreError,
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
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

/** Attempts at a message that must not be stored (a sign-in code), and the pause before each retry. */
const DIRECT_RETRY_MS = [1000, 5000, 15_000];

export interface DirectMailOptions {
  readonly mailer: Mailer;
  readonly outbox: Outbox;
  readonly clock: () => Date;
  readonly onFailure?: (failure: MailFailure) => void;
}

/**
 * Sends a message that holds a secret — a sign-in code — from memory, never writing it down: in the background, so
 * the request that asked for it answers alike whether or not anything is sent, and retried a few times. The outbox
 * records only that it went or was given up. A process that stops before sending it loses it: the person asks again.
 */
export function directMail({ mailer, outbox, clock, onFailure }: DirectMailOptions): (message: OutgoingMessage) => void {
  const attempt = async (message: OutgoingMessage, attempts: number): Promise<void> => {
    try {
      await mailer.send(message);
      await outbox.recordDirect(message, 'sent', attempts + 1, null, clock());
    } catch (error) {
      const pause = DIRECT_RETRY_MS[attempts];
      onFailure?.({ id: message.id, kind: message.kind, attempts: attempts + 1, error: failureText(error) });
      if (pause === undefined) return outbox.recordDirect(message, 'dead', attempts + 1, failureText(error), clock());
      await new Promise((resolve) => setTimeout(resolve, pause).unref());
      return attempt(message, attempts + 1);
    }
  };
  return (message) => {
    attempt(message, 0).catch((error: unknown) => onFailure?.({ id: message.id, kind: message.kind, attempts: 0, error: failureText(error) }));
  };
}
