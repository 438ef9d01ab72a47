import t from 'tap';
import type { EventStore, EventToAppend, SubscribeOptions } from '@meent/event-store';
import { z } from 'zod';
import {
  EventRegistry,
  Projections,
  defineEvent,
  defineProjection,
  on,
  type ProjectionTransaction,
  type StoredEvent,
  type TableNames,
} from '@meent/eventsourcing';
import { temporaryStores } from '@meent/eventsourcing/testing';
import { collect, take } from '@meent/event-store/testing';
import { v7 as uuidv7 } from 'uuid';
import { SharedLogReads } from '../src/shared-log-reads.js';
import { Incremented, countersProjection } from './counter.fixture.js';

const Noted = defineEvent('Noted', { schema: z.object({ text: z.string() }) });
const registry = new EventRegistry([Incremented, Noted]);

const event = (type: 'Incremented' | 'Noted', data: EventToAppend['data']): EventToAppend => {
  const id = uuidv7();
  return {
    id,
    type,
    data,
    metadata: {
      eventId: id,
      cooperativeId: 'c',
      actor: { id: 'a', roles: [] },
      correlationId: id,
      causationId: null,
      occurredAt: '2026-11-30T12:00:00.000Z',
      schemaVersion: type === 'Incremented' ? 2 : 1,
    },
  };
};

/** Appends `count` increments of 1 to `stream`, with a note after every tenth; returns the head. */
async function fill(store: EventStore, stream: string, count: number): Promise<number> {
  const events = Array.from({ length: count }, (_, index) =>
    index % 10 === 9 ? [event('Incremented', { by: 1 }), event('Noted', { text: `note ${index}` })] : [event('Incremented', { by: 1 })],
  ).flat();
  return (await store.append(stream, events, 'any')).position;
}

/** The store as it is, counting the subscriptions opened on it: each is a read of the log. */
function countingSubscriptions(store: EventStore): { store: EventStore; subscriptions: SubscribeOptions[] } {
  const subscriptions: SubscribeOptions[] = [];
  return {
    subscriptions,
    store: {
      append: (stream, events, expected) => store.append(stream, events, expected),
      readStream: (stream, options) => store.readStream(stream, options),
      readAll: (options) => store.readAll(options),
      subscribeToAll: (options = {}) => {
        subscriptions.push(options);
        return store.subscribeToAll(options);
      },
      headPosition: () => store.headPosition(),
      lastCommittedPosition: () => store.lastCommittedPosition(),
      ping: () => store.ping(),
      close: () => store.close(),
    },
  };
}

/** A projection keeping, by position, the decoded events it was handed, and how many of each type. */
function witness(name: string, handles: readonly ('Incremented' | 'Noted')[], seen: Map<number, StoredEvent>, options: { slow?: boolean; failOn?: number } = {}) {
  const count = async (stored: StoredEvent, transaction: ProjectionTransaction, table: string) => {
    if (stored.position === options.failOn) throw new Error(`${name} cannot take position ${stored.position}`);
    seen.set(stored.position, stored);
    await transaction.run(
      `INSERT INTO ${table} AS kept (type, events) VALUES (?, 1) ON CONFLICT (type) DO UPDATE SET events = kept.events + 1`,
      [stored.type],
    );
    // A projection slower than the others, so that the read they share runs ahead of it.
    if (options.slow) await new Promise((resolve) => setImmediate(resolve));
  };
  return defineProjection({
    name,
    tables: { counts: (table) => [`CREATE TABLE IF NOT EXISTS ${table} (type TEXT PRIMARY KEY, events INTEGER NOT NULL)`] },
    handlers: [
      ...(handles.includes('Incremented') ? [on(Incremented, (stored, transaction, tables: TableNames<'counts'>) => count(stored, transaction, tables.counts))] : []),
      ...(handles.includes('Noted') ? [on(Noted, (stored, transaction, tables: TableNames<'counts'>) => count(stored, transaction, tables.counts))] : []),
    ],
  });
}

const countsOf = (projections: Projections, projection: ReturnType<typeof witness>) =>
  projections.query(projection, async (reader, tables) =>
    Object.fromEntries(
      (await reader.all<{ type: string; events: number }>(`SELECT type, events FROM ${tables.counts} ORDER BY type`)).map((row) => [
        row.type,
        row.events,
      ]),
    ),
  );

t.test('projections started together over a long log read it once, each event decoded once for all of them', async (t) => {
  const stores = temporaryStores(t);
  const head = await fill(stores.store, 'counter-a', 5_000);
  const { store, subscriptions } = countingSubscriptions(stores.store);
  const seenByBoth = new Map<number, StoredEvent>();
  const seenByNotes = new Map<number, StoredEvent>();
  const both = witness('both', ['Incremented', 'Noted'], seenByBoth, { slow: true });
  const notes = witness('notes', ['Noted'], seenByNotes);
  const projections = await Projections.start({ store, readModels: stores.readModels, registry, projections: [countersProjection, both, notes] });
  t.teardown(() => projections.close());

  t.ok(await projections.waitForPosition(['counters', 'both', 'notes'], head, 30_000));
  t.equal(subscriptions.length, 1, 'one read of the log');
  t.same([...(subscriptions[0]?.filter?.eventTypes ?? [])].sort(), ['Incremented', 'Noted'], 'of what the three handle');
  t.same(await countsOf(projections, both), { Incremented: 5_000, Noted: 500 }, 'the slow one took every event, once');
  t.same(await countsOf(projections, notes), { Noted: 500 });
  t.same(
    await projections.query(countersProjection, (reader, tables) => reader.all(`SELECT stream, total, events FROM ${tables.totals}`)),
    [{ stream: 'counter-a', total: 5_000, events: 5_000 }],
  );
  t.ok(
    [...seenByNotes].every(([position, stored]) => seenByBoth.get(position) === stored),
    'each note decoded once, the same event handed to both projections handling it',
  );

  const later = await fill(stores.store, 'counter-b', 20);
  t.ok(await projections.waitForPosition(['counters', 'both', 'notes'], later, 10_000), 'live events reach each of them');
  t.same(await countsOf(projections, both), { Incremented: 5_020, Noted: 502 });
  t.equal(subscriptions.length, 1, 'through the same read');

  await projections.replay('notes');
  t.match(await projections.replayFinished('notes'), { status: 'completed' });
  t.equal(subscriptions.length, 2, 'a replay of one, starting elsewhere, reads on its own');
  t.same(subscriptions[1]?.filter?.eventTypes, ['Noted'], 'only what it handles');
  t.same(await countsOf(projections, notes), { Noted: 502 });
});

t.test('a projection that fails on an event leaves the read it shared; the others read on, and it resumes on its own', async (t) => {
  const stores = temporaryStores(t);
  const head = await fill(stores.store, 'counter-a', 3_000);
  const failOn = (await stores.store.headPosition()) - 1_000;
  const { store, subscriptions } = countingSubscriptions(stores.store);
  let failures: string[] = [];
  const fragileSeen = new Map<number, StoredEvent>();
  const options: { failOn?: number } = { failOn };
  const fragile = witness('fragile', ['Incremented', 'Noted'], fragileSeen, options);
  const steady = witness('steady', ['Incremented', 'Noted'], new Map());
  const projections = await Projections.start({
    store,
    readModels: stores.readModels,
    registry,
    projections: [fragile, steady],
    onFailure: (name) => failures.push(name),
  });
  t.teardown(() => projections.close());

  t.ok(await projections.waitForPosition(['steady'], head, 30_000), 'the other reads on to the head');
  t.same(failures, ['fragile']);
  t.match(await projections.info('fragile'), { status: 'failed', failure: { position: failOn } });
  t.same(await countsOf(projections, steady), { Incremented: 3_000, Noted: 300 });

  failures = [];
  delete options.failOn;
  await projections.restart('fragile');
  t.ok(await projections.waitForPosition(['fragile'], head, 30_000));
  t.same(await countsOf(projections, fragile), { Incremented: 3_000, Noted: 300 }, 'every event applied once');
  t.equal(subscriptions.length, 2, 'restarted behind the shared read, it read on its own');
  t.same(failures, []);
});

t.test('caught up, a projection falling behind leaves the shared read and reads on alone, holding back none of the others', async (t) => {
  const stores = temporaryStores(t);
  await fill(stores.store, 'counter-a', 100);
  const { store, subscriptions } = countingSubscriptions(stores.store);
  const reads = new SharedLogReads(store, registry);
  const everything = new Set(['Incremented', 'Noted']);
  const release = reads.hold();
  const prompt = reads.subscribe({ after: 0, eventTypes: everything, onProgress: () => undefined });
  const stalled = reads.subscribe({ after: 0, eventTypes: everything, onProgress: () => undefined });
  t.teardown(async () => {
    await prompt.close();
    await stalled.close();
  });
  release();
  t.equal((await take(prompt, 110)).length, 110);
  t.equal((await take(stalled, 110)).length, 110, 'both caught up, through one read');
  t.equal(subscriptions.length, 1);

  // The stalled projection takes nothing of a burst more than it may have waiting.
  await fill(stores.store, 'counter-b', 5_000);
  const burst = (await collect(stores.store.readAll({ after: (await collect(stores.store.readAll())).at(109)?.position ?? 0 }))).map(
    (event) => event.position,
  );
  t.same(
    (await take(prompt, burst.length, 10_000)).map((event) => event.position),
    burst,
    'the prompt one is handed the whole burst while the other takes none of it',
  );
  t.same(
    (await take(stalled, burst.length, 10_000)).map((event) => event.position),
    burst,
    'the stalled one, taking again, gets every event once and in order: what it was handed, then its own read',
  );
  t.equal(subscriptions.length, 2, 'it read the rest on its own');
  t.equal(subscriptions[1]?.after, burst[2_000], 'from where the shared read stood when it left');
});
