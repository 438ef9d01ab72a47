import { join } from 'node:path';
import { SqliteEventStore } from '@meent/event-store';
import type { EventStore, RecordedEvent } from '@meent/event-store';
import { take } from '@meent/event-store/testing';

/** The next event of `type` after `position`, as a reaction or another process writes it: waits on the store, never on
 * a timer. */
export async function nextEvent(store: EventStore, type: string, after: number): Promise<RecordedEvent> {
  const subscription = store.subscribeToAll({ after, filter: { eventTypes: [type] } });
  const [event] = await take(subscription, 1);
  await subscription.close();
  if (!event) throw new Error(`the store closed before a ${type} came`);
  return event;
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
