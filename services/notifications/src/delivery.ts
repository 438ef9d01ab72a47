// Sends what an outbox holds, apart from every command: a command's events queue a message (through a reaction) and
// the command returns; a loop like this one hands it on, retries with back-off, and gives up into a dead letter an
// admin can see. Where processes share the stores, the one holding the lease sends, so no message goes out twice at once.
import { setMaxListeners } from 'node:events';
import { abortableDelay } from '@meent/event-store';
import type { Lease, ReadModelStore } from '@meent/eventsourcing';

/** How often a process looks for messages another process queued, or for retries that fell due, unless told. */
const POLL_MS = 1000;
const LEASE_RETRY_MS = 2000;

export interface DeliveryLoopOptions {
  /** Names the lease: one sender per kind of outbox across processes. */
  readonly name: string;
  readonly readModels: ReadModelStore;
  /** Sends what is due; answers whether more may be due at once (a full batch). */
  deliverDue(): Promise<boolean>;
  /** Settles when this process queues something, or when the signal aborts. */
  nextQueued(signal: AbortSignal): Promise<void>;
  /** Told when the store fails under the loop, which then starts again after a pause. */
  readonly onStoreError?: (error: unknown) => void;
  /** How often it looks for what another process queued or what fell due; 1 s unless set. */
  readonly pollMs?: number;
}

export class DeliveryLoop {
  private readonly closing = new AbortController();
  private readonly running: Promise<void>;

  private constructor(private readonly options: DeliveryLoopOptions) {
    setMaxListeners(4, this.closing.signal);
    this.running = this.run();
  }

  static start(options: DeliveryLoopOptions): DeliveryLoop {
    return new DeliveryLoop(options);
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const signal = this.closing.signal;
    while (!signal.aborted) {
      let lease: Lease | undefined;
      try {
        lease = await this.options.readModels.lease(this.options.name);
        if (lease) await this.deliverWhileHolding(lease);
      } catch (error) {
        // What waits stays in the outbox; the loop tries again after a pause.
        this.options.onStoreError?.(error);
      }
      await lease?.release().catch(() => undefined);
      if (!signal.aborted) await abortableDelay(LEASE_RETRY_MS, signal);
    }
  }

  private async deliverWhileHolding(lease: Lease): Promise<void> {
    const signal = this.closing.signal;
    let lost = false;
    void lease.lost.then(() => (lost = true));
    while (!signal.aborted && !lost) {
      if (await this.options.deliverDue()) continue;
      const wake = new AbortController();
      const stop = () => wake.abort();
      signal.addEventListener('abort', stop, { once: true });
      await Promise.race([this.options.nextQueued(wake.signal), abortableDelay(this.options.pollMs ?? POLL_MS, wake.signal)]);
      wake.abort();
      signal.removeEventListener('abort', stop);
    }
  }
}

/** Wakes this process's delivery loop the moment something is queued, rather than at its next poll. */
export class Wakeup {
  private readonly waiting = new Set<() => void>();

  notify(): void {
    for (const wake of [...this.waiting]) wake();
  }

  /** Settles at the next `notify`, or when `signal` aborts. */
  next(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.waiting.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiting.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** A failure's message without what a server may echo back of the message: SMTP replies name the recipient. */
export function failureText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/[^\s<>@]+@[^\s<>@]+/g, '<address>');
}
