import { join } from 'node:path';
import { SqliteEventStore } from '@meent/event-store';
import type { EventStore, RecordedEvent } from '@meent/event-store';
import { collect, take } from '@meent/event-store/testing';

/**
 * The next event of `type` after `position`, as a reaction or another process writes it: waits on the store, not on a
 * fixed timer, and fails within `timeoutMs` naming what came instead when it never does.
 */
export async function nextEvent(store: EventStore, type: string, after: number, timeoutMs = 20_000): Promise<RecordedEvent> {
  const subscription = store.subscribeToAll({ after, filter: { eventTypes: [type] } });
  try {
    const [event] = await take(subscription, 1, timeoutMs);
    if (!event) throw new Error(`the store closed before a ${type} came`);
    return event;
  } catch (error) {
    const came = await collect(store.readAll({ after, maxCount: 20 }));
    throw new Error(`no ${type} after position ${after} within ${timeoutMs} ms; after it came: ${came.map((event) => `${event.type}@${event.position}`).join(', ') || 'nothing'}`, { cause: error });
  } finally {
    await subscription.close();
  }
}

/** The position of the newest event in a test server's SQLite store, read through a connection of its own. */
export async function headOf(dataDir: string): Promise<number> {
  const store = new SqliteEventStore({ path: join(dataDir, 'events.db') });
  try {
    return await store.headPosition();
  } finally {
    await store.close();
  }
}
