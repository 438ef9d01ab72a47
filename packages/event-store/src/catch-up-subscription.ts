import {
  EventStoreUnavailableError,
  type EventFilter,
  type RecordedEvent,
  type Subscription,
} from './event-store.js';

export interface CatchUpSource {
  /** Events after `position` in global order, at most `limit` of them, filter applied. */
  readPage(after: number, limit: number, filter: EventFilter | undefined): Promise<readonly RecordedEvent[]>;
  /**
   * Resolves when new events may have been appended after `position`, or when `signal` aborts.
   * A spurious wake-up is harmless: the loop simply reads an empty page.
   */
  waitForAppends(after: number, signal: AbortSignal): Promise<void>;
  /**
   * A position up to which every event after `after` is visible to `readPage` now: a filtered subscription that
   * found nothing more can move its cursor there instead of reading the same unmatched events again.
   */
  completeUpTo(after: number): Promise<number>;
  /**
   * When this process knows every event from `after` to the head and none of them matches `filter`: that head, so a
   * filtered subscription moves there without reading. Undefined when it cannot tell.
   */
  passedOverToHead?(after: number, filter: EventFilter): number | undefined;
}

export interface CatchUpOptions {
  readonly after?: number;
  readonly filter?: EventFilter;
  readonly onProgress?: (position: number) => void;
  readonly pageSize?: number;
  /** Pause before reading again after the store was unreachable. */
  readonly reconnectDelayMs?: number;
}

/**
 * Catch-up then live delivery for adapters whose store can be read by position. Delivery resumes from the last
 * delivered position after the store was unreachable, so a restart never causes a gap or a duplicate.
 */
export function catchUpSubscription(
  source: CatchUpSource,
  options: CatchUpOptions = {},
  /** The store's open subscriptions: this one stays in it until closed, so closing the store can close it. */
  open?: Set<Subscription>,
): Subscription {
  const closing = new AbortController();
  const pageSize = options.pageSize ?? 500;
  const reconnectDelayMs = options.reconnectDelayMs ?? 500;
  let lastDelivered = options.after ?? 0;

  async function* deliver(): AsyncGenerator<RecordedEvent> {
    // Every event up to `scanned` has been read: delivered, or passed over by the filter.
    let scanned = lastDelivered;
    while (!closing.signal.aborted) {
      let page: readonly RecordedEvent[];
      let complete = scanned;
      try {
        const passedOver = options.filter && source.passedOverToHead?.(scanned, options.filter);
        if (passedOver !== undefined) {
          if (passedOver > scanned) {
            scanned = passedOver;
            options.onProgress?.(scanned);
          }
          await source.waitForAppends(scanned, closing.signal);
          continue;
        }
        if (options.filter) complete = await source.completeUpTo(scanned);
        page = await source.readPage(scanned, pageSize, options.filter);
      } catch (error) {
        if (!(error instanceof EventStoreUnavailableError)) throw error;
        await abortableDelay(reconnectDelayMs, closing.signal);
        continue;
      }
      for (const event of page) {
        if (closing.signal.aborted) return;
        lastDelivered = event.position;
        scanned = event.position;
        yield event;
      }
      if (page.length < pageSize) {
        // A short page read everything up to where the store was complete before it: nothing there needs reading again.
        if (complete > scanned) {
          scanned = complete;
          options.onProgress?.(scanned);
        }
        try {
          await source.waitForAppends(scanned, closing.signal);
        } catch (error) {
          if (!(error instanceof EventStoreUnavailableError)) throw error;
          await abortableDelay(reconnectDelayMs, closing.signal);
        }
      }
    }
  }

  const iterator = deliver();
  const subscription: Subscription = {
    [Symbol.asyncIterator]: () => iterator,
    async close() {
      open?.delete(subscription);
      closing.abort();
      await iterator.return(undefined);
    },
  };
  open?.add(subscription);
  return subscription;
}

/** Waits `ms`, or less when `signal` aborts first; never rejects. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
