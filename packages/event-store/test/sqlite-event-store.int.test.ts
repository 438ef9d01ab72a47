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

t.test('reads filtered by several types, over many pages, give each of their events once and in order', async (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'meent-sqlite-'));
  const store = new SqliteEventStore({ path: join(directory, 'events.db') });
  t.teardown(async () => {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });
  // One type on most events, one on a few, and one read by nobody between them: pages of 2,000 hold every mix.
  const typeOf = (index: number) => (index % 97 === 0 ? 'Rare' : index % 5 === 0 ? 'Ignored' : 'Common');
  const events = Array.from({ length: 6_000 }, (_, index) => newEvent(typeOf(index), { index }));
  for (let from = 0; from < events.length; from += 1_000) await store.append(`thing-${from}`, events.slice(from, from + 1_000), 'no_stream');
  const all = await collect(store.readAll());
  const wanted = (after: number) => all.filter((event) => event.position > after && event.type !== 'Ignored').map((event) => event.position);
  const filter = { eventTypes: ['Rare', 'Common'] };
  t.same((await collect(store.readAll({ filter }))).map((event) => event.position), wanted(0), 'the whole log');
  const midway = all[2_345]?.position ?? 0;
  t.same((await collect(store.readAll({ after: midway, filter }))).map((event) => event.position), wanted(midway), 'after a position');
  const subscription = store.subscribeToAll({ after: midway, filter });
  const received = await take(subscription, wanted(midway).length);
  await subscription.close();
  t.same(
    received.map((event) => event.position),
    wanted(midway),
    'a subscription catching up',
  );
  // Pages of 500: the first positions scanned hold a few of the rare type's events, its index finds the rest.
  const rare = all.filter((event) => event.type === 'Rare').map((event) => event.position);
  const rareSubscription = store.subscribeToAll({ filter: { eventTypes: ['Rare'] } });
  const rareReceived = await take(rareSubscription, rare.length);
  await rareSubscription.close();
  t.same(
    rareReceived.map((event) => event.position),
    rare,
    'a rare type, found partly by scanning and partly through its index',
  );
  t.same(
    (await collect(store.readAll({ filter: { eventTypes: ['Rare'], streamPrefixes: ['thing-3'] } }))).map((event) => event.data.index),
    events.flatMap((event, index) => (event.type === 'Rare' && index >= 3_000 && index < 4_000 ? [index] : [])),
    'with a stream prefix too',
  );
});
