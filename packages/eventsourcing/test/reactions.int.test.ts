import t from 'tap';
import { collect, take } from '@meent/event-store/testing';
import {
  CommandHandler,
  EventRegistry,
  Reactions,
  causedBy,
  type CommandContext,
  type Reaction,
  type StoredEvent,
} from '@meent/eventsourcing';
import { temporaryStores } from '@meent/eventsourcing/testing';
import { Incremented, counterDecider } from './counter.fixture.js';

const registry = new EventRegistry([Incremented]);
const context: CommandContext = {
  cooperativeId: '0193a6f0-0000-7000-8000-000000000001',
  actor: { id: 'member-7', roles: ['member'] },
  correlationId: 'request-1',
  occurredAt: new Date('2026-11-25T12:00:00.000Z'),
};

/** Mirrors every increment of `counter-source` onto `counter-mirror`; fails after its command while `failing` says so. */
function mirror(failing: { remaining: number }): Reaction {
  const reaction: Reaction = {
    name: 'mirror-increments',
    eventTypes: [Incremented.type],
    async react(event: StoredEvent, commands: CommandHandler) {
      if (event.stream !== 'counter-source') return;
      const { by } = Incremented.schema.parse(event.data);
      await commands.handle('counter-mirror', counterDecider, { type: 'Increment', by }, causedBy(reaction, event));
      if (failing.remaining > 0) {
        failing.remaining -= 1;
        throw new Error('crashed after the command, before the checkpoint');
      }
    },
  };
  return reaction;
}

t.test('a reaction repeated after failing half-way appends its command once', async (t) => {
  const { store, readModels } = temporaryStores(t);
  const commands = new CommandHandler({ store, registry });
  const failing = { remaining: 2 };
  const failures: number[] = [];
  const reactions = await Reactions.start({
    store,
    readModels,
    registry,
    commands,
    reactions: [mirror(failing)],
    retryDelayMs: 1,
    onFailure: (_, __, position) => failures.push(position),
  });
  t.teardown(() => reactions.close());
  const mirrored = store.subscribeToAll({ filter: { streamPrefixes: ['counter-mirror'] } });
  t.teardown(() => mirrored.close());
  await commands.handle('counter-source', counterDecider, { type: 'Increment', by: 3 }, context);
  await commands.handle('counter-source', counterDecider, { type: 'Increment', by: 4 }, context);
  const [first, second] = await take(mirrored, 2);
  t.same([first?.data, second?.data], [{ by: 3 }, { by: 4 }]);
  t.equal(failures.length, 2, 'the first event failed twice and was retried');
  t.equal(first?.metadata.causationId, (await collect(store.readStream('counter-source')))[0]?.id, 'caused by the source event');
  await commands.handle('counter-source', counterDecider, { type: 'Increment', by: 5 }, context);
  await take(mirrored, 1);
  t.same(
    (await collect(store.readStream('counter-mirror'))).map((event) => event.data),
    [{ by: 3 }, { by: 4 }, { by: 5 }],
    'each once',
  );
  t.match(reactions.list(), [{ name: 'mirror-increments', failure: null }]);
});

t.test('a restarted process resumes after the last event its reaction finished', async (t) => {
  const { store, readModels } = temporaryStores(t);
  const commands = new CommandHandler({ store, registry });
  const start = () => Reactions.start({ store, readModels, registry, commands, reactions: [mirror({ remaining: 0 })] });
  const mirrored = store.subscribeToAll({ filter: { streamPrefixes: ['counter-mirror'] } });
  t.teardown(() => mirrored.close());
  const first = await start();
  await commands.handle('counter-source', counterDecider, { type: 'Increment', by: 1 }, context);
  await take(mirrored, 1);
  await first.close();
  await commands.handle('counter-source', counterDecider, { type: 'Increment', by: 2 }, context);
  const second = await start();
  t.teardown(() => second.close());
  await take(mirrored, 1);
  t.same((await collect(store.readStream('counter-mirror'))).map((event) => event.data), [{ by: 1 }, { by: 2 }]);
});

t.test('a keyed command repeated by another process is found already appended', async (t) => {
  const { store } = temporaryStores(t);
  const keyed = { ...context, idempotencyKey: 'reaction/event-1' };
  const [one, other] = [1, 2].map(() => new CommandHandler({ store, registry })) as [CommandHandler, CommandHandler];
  const appended = await one.handle('counter-1', counterDecider, { type: 'Increment', by: 2 }, keyed);
  const repeated = await other.handle('counter-1', counterDecider, { type: 'Increment', by: 2 }, keyed);
  t.equal(appended.events.length, 1);
  t.equal(repeated.events.length, 0, 'nothing appended the second time');
  t.equal((await collect(store.readStream('counter-1'))).length, 1);
});

t.test('a reaction reports how far it has read, past the events it does not react to', async (t) => {
  const { store, readModels } = temporaryStores(t);
  const commands = new CommandHandler({ store, registry });
  const reactions = await Reactions.start({ store, readModels, registry, commands, reactions: [mirror({ remaining: 0 })] });
  t.teardown(() => reactions.close());
  const { position } = await store.append('elsewhere-1', [{ id: '0193a6f0-0000-7000-8000-0000000000e1', type: 'Unrelated', data: {}, metadata: {} }], 'no_stream');
  const deadline = performance.now() + 10_000;
  while ((reactions.list()[0]?.position ?? 0) < position && performance.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  t.match(reactions.list(), [{ name: 'mirror-increments', status: 'running', position }]);
});
