import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { SqliteEventStore } from '@meent/event-store';
import { collect, eventStoreContract, newEvent, take } from '@meent/event-store/testing';

eventStoreContract(t, {
  async create() {
    const directory = mkdtempSync(join(tmpdir(), 'meent-sqlite-'));
    const path = join(directory, 'events.db');
    const store = new SqliteEventStore({ path });
    return {
      store,
      connectAgain: async () => new SqliteEventStore({ path }),
      async destroy() {
        await store.close();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  },
});

// Subscriptions read what this process appended last from memory; these cases are where memory must not answer alone.
t.test('subscriptions served from the latest appends', async (t) => {
  const open = () => {
    const directory = mkdtempSync(join(tmpdir(), 'meent-sqlite-'));
    const path = join(directory, 'events.db');
    const store = new SqliteEventStore({ path });
    t.teardown(async () => {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    });
    return { store, path };
  };

  t.test('pages past a subscription page, with the filter applied, each reader holding its own copy', async (t) => {
    const { store } = open();
    const first = store.subscribeToAll({ filter: { eventTypes: ['Kept'] } });
    const second = store.subscribeToAll({ filter: { eventTypes: ['Kept'] } });
    const events = Array.from({ length: 1_200 }, (_, index) => newEvent(index % 2 === 0 ? 'Kept' : 'Left', { index }));
    await store.append('thing-1', events, 'no_stream');
    const received = await take(first, 600);
    const copies = await take(second, 600);
    await Promise.all([first.close(), second.close()]);
    t.same(
      received.map((event) => event.data.index),
      events.filter((event) => event.type === 'Kept').map((event) => event.data.index),
    );
    t.same(received, (await collect(store.readAll())).filter((event) => event.type === 'Kept'), 'as read from the file');
    received[0]!.data.index = -1;
    t.equal(copies[0]!.data.index, 0);
  });

  t.test('an append by another connection between two of its own is read from the file', { timeout: 10_000 }, async (t) => {
    const { store, path } = open();
    const other = new SqliteEventStore({ path });
    t.teardown(() => other.close());
    const subscription = store.subscribeToAll();
    await store.append('thing-1', [newEvent('Mine')], 'no_stream');
    await other.append('thing-2', [newEvent('Theirs')], 'no_stream');
    await store.append('thing-1', [newEvent('Mine')], 0);
    const received = await take(subscription, 3);
    await subscription.close();
    t.same(
      received.map((event) => event.type),
      ['Mine', 'Theirs', 'Mine'],
    );
  });

  t.test('an append by another connection after its own is read from the file', { timeout: 10_000 }, async (t) => {
    const { store, path } = open();
    const other = new SqliteEventStore({ path });
    t.teardown(() => other.close());
    await store.append('thing-1', [newEvent('Mine')], 'no_stream');
    await other.append('thing-2', [newEvent('Theirs')], 'no_stream');
    const subscription = store.subscribeToAll();
    const received = await take(subscription, 2);
    await subscription.close();
    t.same(
      received.map((event) => event.type),
      ['Mine', 'Theirs'],
    );
  });

  t.test('an append too large to keep in memory is read from the file', async (t) => {
    const { store } = open();
    const subscription = store.subscribeToAll();
    const events = Array.from({ length: 2_500 }, (_, index) => newEvent('Bulk', { index }));
    await store.append('thing-1', events, 'no_stream');
    const received = await take(subscription, 2_500);
    await subscription.close();
    t.same(
      received.map((event) => event.data.index),
      events.map((event) => event.data.index),
    );
  });
});
