// Sends what the outbox holds, apart from every command: a command queues a notice (through a reaction) and returns;
// this loop hands it to the mail server, retries with back-off, and gives up into a dead letter an admin can see.
// Where processes share the stores, the one holding the lease sends, so two processes never send the same message at once.
import { setMaxListeners } from 'node:events';
import { abortableDelay } from '@meent/event-store';
import type { Lease, ReadModelStore } from '@meent/eventsourcing';
import type { Mailer } from './mailer.js';
import type { Outbox } from './outbox.js';

/** How often a process looks for messages another process queued, or for retries that fell due. */
const POLL_MS = 1000;
const BATCH = 25;
const LEASE_RETRY_MS = 2000;

export interface MailDeliveryOptions {
  readonly outbox: Outbox;
  readonly mailer: Mailer;
  readonly readModels: ReadModelStore;
  readonly clock: () => Date;
  /** Told of each failed attempt, by message id and kind: never the address or the content. */
  readonly onFailure?: (failure: { id: string; kind: string; attempts: number; error: unknown }) => void;
  /** Told when the outbox's store fails under the loop, which then starts again after a pause. */
  readonly onStoreError?: (error: unknown) => void;
}

export class MailDelivery {
  private readonly closing = new AbortController();
  private readonly running: Promise<void>;

  private constructor(private readonly options: MailDeliveryOptions) {
    setMaxListeners(4, this.closing.signal);
    this.running = this.run();
  }

  static start(options: MailDeliveryOptions): MailDelivery {
    return new MailDelivery(options);
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.running;
    this.options.mailer.close();
  }

  private async run(): Promise<void> {
    const signal = this.closing.signal;
    while (!signal.aborted) {
      let lease: Lease | undefined;
      try {
        lease = await this.options.readModels.lease('outbox/mail');
        if (lease) await this.sendWhileHolding(lease);
      } catch (error) {
        // The messages wait in the outbox; the loop tries again after a pause.
        this.options.onStoreError?.(error);
      }
      await lease?.release().catch(() => undefined);
      if (!signal.aborted) await abortableDelay(LEASE_RETRY_MS, signal);
    }
  }

  private async sendWhileHolding(lease: Lease): Promise<void> {
    const signal = this.closing.signal;
    let lost = false;
    void lease.lost.then(() => (lost = true));
    while (!signal.aborted && !lost) {
      const due = await this.options.outbox.due(this.options.clock(), BATCH);
      for (const message of due) {
        if (signal.aborted || lost) return;
        try {
          await this.options.mailer.send(message);
        } catch (error) {
          await this.options.outbox.failed(message, messageOf(error), this.options.clock());
          this.options.onFailure?.({ id: message.id, kind: message.kind, attempts: message.attempts + 1, error: messageOf(error) });
          continue;
        }
        await this.options.outbox.sent(message.id, this.options.clock());
      }
      if (due.length === BATCH) continue;
      const wake = new AbortController();
      const stop = () => wake.abort();
      signal.addEventListener('abort', stop, { once: true });
      await Promise.race([this.options.outbox.nextQueued(wake.signal), abortableDelay(POLL_MS, wake.signal)]);
      wake.abort();
      signal.removeEventListener('abort', stop);
    }
  }
}

/** A failure's message without what a server may echo back of the message: SMTP replies name the recipient. */
function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/[^\s<>@]+@[^\s<>@]+/g, '<address>');
}
