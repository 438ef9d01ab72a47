import t from 'tap';
import { WrongExpectedVersionError } from '@meent/event-store';
import { collect } from '@meent/event-store/testing';
import {
  CommandHandler,
  DomainError,
  EventRegistry,
  ForeignStreamError,
  type CommandContext,
} from '@meent/eventsourcing';
import { temporaryStores } from '@meent/eventsourcing/testing';
import { Incremented, counterDecider } from './counter.fixture.js';

const context: CommandContext = {
  cooperativeId: '0193a6f0-0000-7000-8000-000000000001',
  actor: { id: 'member-7', roles: ['member'] },
  correlationId: 'request-1',
  causationId: null,
  occurredAt: new Date('2026-11-25T12:00:00.000Z'),
};
const registry = new EventRegistry([Incremented]);

t.test('appends what the decider decides, with the metadata of who asked', async (t) => {
  const { store } = temporaryStores(t);
  const commands = new CommandHandler({ store, registry });
  const result = await commands.handle('counter-1', counterDecider, { type: 'Increment', by: 3 }, context);
  t.same(result.events, [Incremented({ by: 3 })]);
  t.equal(result.nextExpectedRevision, 0);
  const [stored] = await collect(store.readStream('counter-1'));
  t.equal(result.position, stored?.position);
  t.match(stored?.metadata, {
    eventId: stored?.id,
    cooperativeId: context.cooperativeId,
    actor: context.actor,
    correlationId: 'request-1',
    causationId: null,
    occurredAt: '2026-11-25T12:00:00.000Z',
    schemaVersion: 2,
  });
});

t.test('a rule violation appends nothing', async (t) => {
  const { store } = temporaryStores(t);
  const commands = new CommandHandler({ store, registry });
  await commands.handle('counter-1', counterDecider, { type: 'Increment', by: 1000 }, context);
  await t.rejects(commands.handle('counter-1', counterDecider, { type: 'Increment', by: 1 }, context), DomainError);
  t.equal((await collect(store.readStream('counter-1'))).length, 1);
});

t.test('concurrent commands on one stream are decided in turn and committed together', async (t) => {
  const { store } = temporaryStores(t);
  const commands = new CommandHandler({ store, registry, maxRetries: 0 });
  const results = await Promise.all(
    Array.from({ length: 20 }, () => commands.handle('counter-1', counterDecider, { type: 'Increment', by: 1 }, context)),
  );
  const events = await collect(store.readStream('counter-1'));
  t.same(
    events.map((event) => event.revision),
    Array.from({ length: 20 }, (_, index) => index),
  );
  t.ok(new Set(results.map((result) => result.position)).size < 20, 'several commands shared one commit');
  t.ok(results.length > 0 && results.every((result) => result.position >= 1 && result.position <= 20), 'each position covers the command');
  const { state } = await commands.load('counter-1', counterDecider);
  t.equal(state.total, 20);
});

t.test('in a batch, a command that breaks a rule fails alone and the others are appended', async (t) => {
  const { store } = temporaryStores(t);
  const commands = new CommandHandler({ store, registry });
  await commands.handle('counter-1', counterDecider, { type: 'Increment', by: 998 }, context);
  const outcomes = await Promise.allSettled(
    [1, 5, 1].map((by) => commands.handle('counter-1', counterDecider, { type: 'Increment', by }, context)),
  );
  t.same(
    outcomes.map((outcome) => outcome.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  t.equal((await commands.load('counter-1', counterDecider)).state.total, 1000);
});

t.test('commands from two processes on one stream retry until each is decided on the latest state', async (t) => {
  const { store } = temporaryStores(t);
  const processes = [1, 2].map(() => new CommandHandler({ store, registry, maxRetries: 25 }));
  await Promise.all(
    Array.from({ length: 20 }, (_, index) =>
      processes[index % 2]!.handle('counter-1', counterDecider, { type: 'Increment', by: 1 }, context),
    ),
  );
  t.equal((await processes[0]!.load('counter-1', counterDecider)).state.total, 20);
  t.equal((await processes[1]!.load('counter-1', counterDecider)).state.total, 20);
});

t.test('a state remembered from before another process wrote is caught by the revision check', async (t) => {
  const { store } = temporaryStores(t);
  const increment = { type: 'Increment', by: 1 } as const;
  for (const maxRetries of [0, 3]) {
    const stream = `counter-${maxRetries}`;
    const [writer, stale] = [1, 2].map(() => new CommandHandler({ store, registry, maxRetries })) as [CommandHandler, CommandHandler];
    await writer.handle(stream, counterDecider, increment, context);
    await stale.load(stream, counterDecider);
    await writer.handle(stream, counterDecider, increment, context);
    if (maxRetries === 0) {
      await t.rejects(stale.handle(stream, counterDecider, increment, context), WrongExpectedVersionError, 'without retries it fails');
      t.equal((await collect(store.readStream(stream))).length, 2, 'and overwrites nothing');
    } else {
      await stale.handle(stream, counterDecider, increment, context);
      t.equal((await stale.load(stream, counterDecider)).state.total, 3, 'with retries it is decided again on the latest state');
    }
  }
});

t.test('a refusal is never reported from a remembered state that another process has moved on from', async (t) => {
  const { store } = temporaryStores(t);
  const [writer, stale] = [1, 2].map(() => new CommandHandler({ store, registry })) as [CommandHandler, CommandHandler];
  await writer.handle('counter-1', counterDecider, { type: 'Increment', by: 1 }, context);
  await stale.load('counter-1', counterDecider);
  await writer.handle('counter-1', counterDecider, { type: 'Increment', by: 999 }, context);
  await t.rejects(stale.handle('counter-1', counterDecider, { type: 'Increment', by: 1 }, context), { code: 'COUNTER.LIMIT' });
  t.equal((await stale.recall('counter-1', counterDecider)).state.total, 1000, 'the refusal came from a fresh read');
});

t.test('a stream of another cooperative is not there for a command: refused as not found, nothing appended', async (t) => {
  const { store } = temporaryStores(t);
  const commands = new CommandHandler({ store, registry });
  await commands.handle('counter-1', counterDecider, { type: 'Increment', by: 1 }, context);
  const other = { ...context, cooperativeId: '0193a6f0-0000-7000-8000-000000000002' };
  const refused = await commands.handle('counter-1', counterDecider, { type: 'Increment', by: 1 }, other).catch((error: unknown) => error);
  t.ok(refused instanceof ForeignStreamError);
  t.match(refused, { statusCode: 404, code: 'NOT_FOUND', stream: 'counter-1' });
  t.equal((await collect(store.readStream('counter-1'))).length, 1);
  const fresh = new CommandHandler({ store, registry });
  await t.rejects(
    fresh.handle('counter-1', counterDecider, { type: 'Increment', by: 1 }, other),
    { code: 'NOT_FOUND', stream: 'counter-1' },
    'also when the stream is read from the store, not remembered',
  );
});

t.test('knows which cooperative a stream belongs to, and none for a stream with no events', async (t) => {
  const { store } = temporaryStores(t);
  const commands = new CommandHandler({ store, registry });
  await commands.handle('counter-1', counterDecider, { type: 'Increment', by: 1 }, context);
  t.equal(await commands.cooperativeOf('counter-1'), context.cooperativeId);
  t.equal(await new CommandHandler({ store, registry }).cooperativeOf('counter-1'), context.cooperativeId);
  t.equal(await commands.cooperativeOf('counter-2'), undefined);
});

t.test('requests that find a remembered state too old at the same moment share one read, which sees what another process appended', async (t) => {
  const { store } = temporaryStores(t);
  const [writer, reader] = [1, 2].map(() => new CommandHandler({ store, registry })) as [CommandHandler, CommandHandler];
  await writer.handle('counter-1', counterDecider, { type: 'Increment', by: 1 }, context);
  await reader.load('counter-1', counterDecider);
  await writer.handle('counter-1', counterDecider, { type: 'Increment', by: 2 }, context);
  const [first, second, third] = await Promise.all([0, 0, 0].map((maxAgeMs) => reader.recall('counter-1', counterDecider, maxAgeMs)));
  t.equal(first?.state.total, 3, 'read again: the other process’s increment is in it');
  t.equal(second, first, 'one read answered them all');
  t.equal(third, first);
  const later = await reader.recall('counter-1', counterDecider, 0);
  t.not(later, first, 'a request after that read has ended reads again');
});
