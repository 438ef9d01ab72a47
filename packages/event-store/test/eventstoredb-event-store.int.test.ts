import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import t from 'tap';
import { EventStoreDbEventStore } from '@meent/event-store/eventstoredb';
import { eventStoreContract } from '@meent/event-store/testing';

const url = process.env.EVENTSTORE_URL;

if (!url) {
  t.test('the event store contract on EventStoreDB', { skip: 'EVENTSTORE_URL is not set' }, async () => undefined);
} else {
  t.test('the event store contract on EventStoreDB', async (t) => {
    eventStoreContract(t, {
      async create() {
        // Each case gets a namespace of its own: a server holds every earlier run's events.
        const namespace = `contract_${randomBytes(6).toString('hex')}`;
        const store = new EventStoreDbEventStore({ connectionString: url, namespace });
        return {
          store,
          connectAgain: async () => new EventStoreDbEventStore({ connectionString: url, namespace }),
          destroy: () => store.close(),
        };
      },
      keepsEventIdsPerStreamOnly:
        'EventStoreDB recognises a repeated event id only as a retry of the same append, not across streams',
      largeStoreEventCount: 100_000,
    });
  });
}

t.test('an unreachable EventStoreDB', async (t) => {
  // Port 1 refuses connections: the client reports gRPC status 14, which every call must turn into the port's error.
  const reconnectDelayMs = 20;
  const store = new EventStoreDbEventStore({ connectionString: 'esdb://127.0.0.1:1?tls=false', reconnectDelayMs });
  t.teardown(() => store.close());
  const event = { id: '0190a0a0-0000-7000-8000-000000000001', type: 'Happened', data: {}, metadata: {} };
  await t.rejects(store.ping(), { name: 'EventStoreUnavailableError' }, 'ping');
  await t.rejects(store.headPosition(), { name: 'EventStoreUnavailableError' }, 'head position');
  await t.rejects(store.append('thing-1', [event], 'any'), { name: 'EventStoreUnavailableError' }, 'append');
  await t.rejects(store.readAll().next(), { name: 'EventStoreUnavailableError' }, 'readAll');
  await t.rejects(store.readStream('thing-1').next(), { name: 'EventStoreUnavailableError' }, 'readStream');

  const subscription = store.subscribeToAll();
  const waiting = subscription[Symbol.asyncIterator]().next();
  // Ten reconnect attempts' worth of time: the subscription neither throws nor ends by itself.
  const outcome = await Promise.race([waiting.then(() => 'ended'), delay(10 * reconnectDelayMs, 'still trying')]);
  t.equal(outcome, 'still trying');
  await subscription.close();
  t.same(await waiting, { done: true, value: undefined }, 'closing ends the waiting iteration');
});

t.test('a namespace is a plain name', async (t) => {
  t.throws(() => new EventStoreDbEventStore({ connectionString: 'esdb://127.0.0.1:1?tls=false', namespace: 'a-b' }), {
    message: /namespace a-b/,
  });
});
