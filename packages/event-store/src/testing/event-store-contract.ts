// The event store contract: one suite that every adapter's test runs against its own store.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Test } from 'tap';
import { v7 as uuidv7 } from 'uuid';
import {
  WrongExpectedVersionError,
  type EventStore,
  type EventToAppend,
  type RecordedEvent,
  type Subscription,
} from '../event-store.js';

export interface EventStoreHarness {
  readonly store: EventStore;
  /** Another client of the very same store: a second connection, as a second process would open. */
  connectAgain(): Promise<EventStore>;
  destroy(): Promise<void>;
}

export interface EventStoreContractOptions {
  /** A harness around a fresh, empty store. */
  create(): Promise<EventStoreHarness>;
  /** Size of the store read back in bounded memory. */
  largeStoreEventCount?: number;
  /** Why this store cannot refuse an event id already used on another stream; that case is then skipped. */
  keepsEventIdsPerStreamOnly?: string;
  /** Runs after each case while its store is still open: to find what the adapter left behind, such as open calls. */
  afterCase?(t: Test): Promise<void>;
}

export function newEvent(type = 'Happened', data: Record<string, string | number> = {}): EventToAppend {
  return { id: uuidv7(), type, data, metadata: { correlationId: uuidv7() } };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/**
 * The next `count` events of the subscription — failing, not hanging, when they do not come within `timeoutMs`: the
 * message says how many came and the last of them. The subscription is closed on failure.
 */
export async function take(subscription: Subscription, count: number, timeoutMs = 30_000): Promise<RecordedEvent[]> {
  const iterator = subscription[Symbol.asyncIterator]();
  const taken: RecordedEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), timeoutMs);
  });
  try {
    while (taken.length < count) {
      const next = await Promise.race([iterator.next(), expired]);
      if (next === 'expired') {
        await subscription.close();
        const last = taken.at(-1);
        throw new Error(
          `took ${taken.length} of ${count} events within ${timeoutMs} ms${last ? `; the last: ${last.type} at ${last.position}` : ''}`,
        );
      }
      if (next.done) break;
      taken.push(next.value);
    }
    return taken;
  } finally {
    clearTimeout(timer);
  }
}

/** Forced collections make retained memory measurable; allowed at run time without a node flag. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc === 'function') gc();
}

const stream = (category = 'thing') => `${category}-${uuidv7()}`;

export function eventStoreContract(t: Test, options: EventStoreContractOptions): void {
  const withStore = (
    parent: Test,
    name: string,
    body: (store: EventStore, harness: EventStoreHarness, t: Test) => Promise<void>,
  ) =>
    parent.test(name, async (t) => {
      const harness = await options.create();
      t.teardown(() => harness.destroy());
      await body(harness.store, harness, t);
      await options.afterCase?.(t);
    });

  t.test('expected revision', async (t) => {
    withStore(t, 'no_stream creates a stream, numbering revisions from 0', async (store, _, t) => {
      const name = stream();
      const result = await store.append(name, [newEvent(), newEvent()], 'no_stream');
      t.equal(result.nextExpectedRevision, 1);
      const events = await collect(store.readStream(name));
      t.same(
        events.map((event) => event.revision),
        [0, 1],
      );
      t.equal(result.position, events[1]?.position);
      t.ok((events[0]?.position ?? 0) < (events[1]?.position ?? 0), 'positions increase');
    });

    withStore(t, 'no_stream on an existing stream is a wrong expected version', async (store, _, t) => {
      const name = stream();
      await store.append(name, [newEvent()], 'no_stream');
      const error = await store.append(name, [newEvent()], 'no_stream').catch((caught: unknown) => caught);
      t.ok(error instanceof WrongExpectedVersionError);
      t.match(error, { stream: name, expected: 'no_stream', actual: 0 });
    });

    withStore(t, 'stream_exists needs the stream', async (store, _, t) => {
      const name = stream();
      const error = await store.append(name, [newEvent()], 'stream_exists').catch((caught: unknown) => caught);
      t.match(error, { name: 'WrongExpectedVersionError', expected: 'stream_exists', actual: 'no_stream' });
      await store.append(name, [newEvent()], 'no_stream');
      const result = await store.append(name, [newEvent()], 'stream_exists');
      t.equal(result.nextExpectedRevision, 1);
    });

    withStore(t, 'any appends whatever the stream holds', async (store, _, t) => {
      const name = stream();
      await store.append(name, [newEvent()], 'any');
      const result = await store.append(name, [newEvent()], 'any');
      t.equal(result.nextExpectedRevision, 1);
    });

    withStore(t, 'an exact revision must be the current one', async (store, _, t) => {
      const name = stream();
      await store.append(name, [newEvent(), newEvent(), newEvent()], 'no_stream');
      const error = await store.append(name, [newEvent()], 1).catch((caught: unknown) => caught);
      t.ok(error instanceof WrongExpectedVersionError);
      t.match(error, { stream: name, expected: 1, actual: 2 });
      const missing = await store.append(stream(), [newEvent()], 0).catch((caught: unknown) => caught);
      t.match(missing, { expected: 0, actual: 'no_stream' });
      const result = await store.append(name, [newEvent()], 2);
      t.equal(result.nextExpectedRevision, 3);
    });
  });

  t.test('idempotent re-append', async (t) => {
    withStore(t, 'the same ids with the same expectation are stored once', async (store, _, t) => {
      const name = stream();
      const first = [newEvent('A'), newEvent('B')];
      const original = await store.append(name, first, 'no_stream');
      const again = await store.append(name, first, 'no_stream');
      t.same(again, original);
      const second = [newEvent('C')];
      const appended = await store.append(name, second, 1);
      t.same(await store.append(name, second, 1), appended);
      t.same(await store.append(name, second, 'any'), appended);
      t.equal((await collect(store.readStream(name))).length, 3);
    });

    if (options.keepsEventIdsPerStreamOnly) {
      t.test('an id reused on another stream is refused', { skip: options.keepsEventIdsPerStreamOnly }, async () => undefined);
    } else withStore(t, 'an id reused on another stream is refused', async (store, _, t) => {
      const event = newEvent();
      await store.append(stream(), [event], 'no_stream');
      await t.rejects(store.append(stream(), [event], 'any'));
    });
  });

  t.test('readStream', async (t) => {
    withStore(t, 'forwards and backwards from a revision, with a maximum count', async (store, _, t) => {
      const name = stream();
      await store.append(name, Array.from({ length: 1200 }, (_, index) => newEvent('Counted', { index })), 'no_stream');
      await store.append(stream(), [newEvent()], 'no_stream');
      const revisions = (events: RecordedEvent[]) => events.map((event) => event.revision);

      t.same(revisions(await collect(store.readStream(name, { fromRevision: 5, maxCount: 3 }))), [5, 6, 7]);
      t.same(
        revisions(await collect(store.readStream(name, { fromRevision: 5, direction: 'backwards', maxCount: 3 }))),
        [5, 4, 3],
      );
      t.same(revisions(await collect(store.readStream(name, { direction: 'backwards', maxCount: 2 }))), [1199, 1198]);
      const all = await collect(store.readStream(name));
      t.equal(all.length, 1200, 'pages through a stream longer than one page');
      t.same(all[700]?.data, { index: 700 });
      t.equal((await collect(store.readStream(name, { fromRevision: 1195 }))).length, 5);
      t.same(await collect(store.readStream(stream())), [], 'a missing stream reads empty');
    });
  });

  t.test('readAll', async (t) => {
    withStore(t, 'from a position, filtered by stream prefix and event type', async (store, _, t) => {
      const member = stream('member');
      const motion = stream('motion');
      const { position: afterFirst } = await store.append(member, [newEvent('MemberRegistered')], 'no_stream');
      await store.append(motion, [newEvent('MotionTabled'), newEvent('VoteCast')], 'no_stream');
      await store.append(member, [newEvent('MemberAdmitted')], 0);

      const all = await collect(store.readAll());
      t.same(
        all.map((event) => event.type),
        ['MemberRegistered', 'MotionTabled', 'VoteCast', 'MemberAdmitted'],
      );
      t.same(
        all.map((event) => event.position),
        [...all.map((event) => event.position)].sort((a, b) => a - b),
        'in global order',
      );
      const later = await collect(store.readAll({ after: afterFirst }));
      t.same(
        later.map((event) => event.type),
        ['MotionTabled', 'VoteCast', 'MemberAdmitted'],
        'after is exclusive',
      );
      const members = await collect(store.readAll({ filter: { streamPrefixes: ['member-'] } }));
      t.same(
        members.map((event) => event.type),
        ['MemberRegistered', 'MemberAdmitted'],
      );
      const votes = await collect(store.readAll({ filter: { eventTypes: ['VoteCast', 'MemberAdmitted'] } }));
      t.same(
        votes.map((event) => event.type),
        ['VoteCast', 'MemberAdmitted'],
      );
      const both = await collect(store.readAll({ filter: { streamPrefixes: ['motion-'], eventTypes: ['VoteCast'] } }));
      t.same(
        both.map((event) => event.stream),
        [motion],
      );
      t.equal((await collect(store.readAll({ maxCount: 2 }))).length, 2);
      t.equal(await store.headPosition(), all[3]?.position);
      t.equal(await store.lastCommittedPosition(), all[3]?.position, 'with nothing in flight, the newest committed is the head');
    });

    withStore(t, 'metadata and data come back as appended', async (store, _, t) => {
      const event: EventToAppend = {
        id: uuidv7(),
        type: 'Recorded',
        data: { amountCents: 1250, nested: { list: [1, 'two', null, true] } },
        metadata: { actor: { id: 'a', roles: ['member'] }, occurredAt: '2026-01-01T00:00:00.000Z' },
      };
      const name = stream();
      await store.append(name, [event], 'no_stream');
      const [read] = await collect(store.readAll());
      t.match(read, { id: event.id, stream: name, revision: 0, type: 'Recorded' });
      t.same(read?.data, event.data);
      t.same(read?.metadata, event.metadata);
    });
  });

  t.test('subscribeToAll', async (t) => {
    withStore(t, 'catches up, then delivers live appends from several writers in order', async (store, harness, t) => {
      const other = await harness.connectAgain();
      t.teardown(() => other.close());
      for (let index = 0; index < 50; index += 1) await store.append(stream(), [newEvent('Before')], 'no_stream');

      const subscription = store.subscribeToAll();
      const writersPerClient = 3;
      const appendsPerWriter = 40;
      const writer = async (client: EventStore) => {
        const name = stream();
        for (let index = 0; index < appendsPerWriter; index += 1) {
          await client.append(name, [newEvent('During'), newEvent('During')], index === 0 ? 'no_stream' : index * 2 - 1);
        }
      };
      const expected = 50 + 2 * writersPerClient * appendsPerWriter * 2;
      const [received] = await Promise.all([
        take(subscription, expected),
        ...Array.from({ length: writersPerClient }, () => [writer(store), writer(other)]).flat(),
      ]);
      await subscription.close();

      const stored = await collect(store.readAll());
      t.equal(received.length, expected);
      t.same(
        received.map((event) => event.position),
        stored.map((event) => event.position),
        'every stored event exactly once, in global order',
      );
    });

    withStore(t, 'resumes after a stored position', async (store, _, t) => {
      const events = Array.from({ length: 10 }, () => newEvent());
      await store.append(stream(), events, 'no_stream');
      const stored = await collect(store.readAll());
      const checkpoint = stored[5]?.position ?? 0;
      const subscription = store.subscribeToAll({ after: checkpoint });
      const received = await take(subscription, 4);
      await subscription.close();
      t.same(
        received.map((event) => event.id),
        events.slice(6).map((event) => event.id),
      );
    });

    withStore(t, 'a filtered subscription sees only matching events', async (store, _, t) => {
      const subscription = store.subscribeToAll({ filter: { streamPrefixes: ['budget-'], eventTypes: ['Adopted'] } });
      await store.append(stream('budget'), [newEvent('Drafted'), newEvent('Adopted')], 'no_stream');
      await store.append(stream('member'), [newEvent('Adopted')], 'no_stream');
      await store.append(stream('budget'), [newEvent('Adopted')], 'no_stream');
      const received = await take(subscription, 2);
      await subscription.close();
      t.same(
        received.map((event) => `${event.stream.split('-')[0]}:${event.type}`),
        ['budget:Adopted', 'budget:Adopted'],
      );
    });

    withStore(t, 'a filtered subscription waits quietly behind events it does not match', async (store, _, t) => {
      await store.append(stream('budget'), [newEvent('Adopted')], 'no_stream');
      await store.append(stream('member'), [newEvent('Admitted'), newEvent('Admitted')], 'no_stream');
      const subscription = store.subscribeToAll({ filter: { eventTypes: ['Adopted'] } });
      t.equal((await take(subscription, 1)).length, 1);
      const iterator = subscription[Symbol.asyncIterator]();
      const waiting = iterator.next();
      // A subscription that kept re-reading would hold the event loop in its promises and this timer would not fire.
      const turnsLater = await new Promise<string>((resolve) => setTimeout(() => resolve('the event loop turned'), 50));
      t.equal(turnsLater, 'the event loop turned');
      await store.append(stream('budget'), [newEvent('Adopted')], 'no_stream');
      t.equal(((await waiting).value as RecordedEvent | undefined)?.type, 'Adopted');
      await subscription.close();
    });

    withStore(t, 'a filtered subscription reports how far it has read, never ahead of what it handed out', async (store, _, t) => {
      await store.append(stream('budget'), [newEvent('Adopted')], 'no_stream');
      const { position: firstHead } = await store.append(stream('member'), [newEvent('Admitted'), newEvent('Admitted')], 'no_stream');
      const handedOut: number[] = [];
      const reports: { position: number; handedOut: number }[] = [];
      const reached: { position: number; resolve: () => void }[] = [];
      const subscription = store.subscribeToAll({
        filter: { eventTypes: ['Adopted'] },
        onProgress: (position) => {
          reports.push({ position, handedOut: handedOut.length });
          for (const waiter of reached) if (position >= waiter.position) waiter.resolve();
        },
      });
      const reaching = (position: number) =>
        new Promise<void>((resolve) => {
          if (reports.some((report) => report.position >= position)) resolve();
          else reached.push({ position, resolve });
        });
      const iterator = subscription[Symbol.asyncIterator]();
      const untilFirstHead = reaching(firstHead);
      const first = await iterator.next();
      handedOut.push((first.value as RecordedEvent).position);
      const waiting = iterator.next();
      await untilFirstHead;
      const { position: secondHead } = await store.append(stream('member'), [newEvent('Admitted')], 'no_stream');
      await reaching(secondHead);
      await store.append(stream('budget'), [newEvent('Adopted')], 'no_stream');
      t.equal(((await waiting).value as RecordedEvent | undefined)?.type, 'Adopted', 'still delivers what matches');
      await subscription.close();
      const stored = await collect(store.readAll());
      for (const report of reports) {
        const matchingUpTo = stored.filter((event) => event.type === 'Adopted' && event.position <= report.position).length;
        if (report.handedOut < matchingUpTo) t.fail(`progress to ${report.position} before its ${matchingUpTo} matching events were handed out`);
      }
      t.ok(reports.some((report) => report.position >= secondHead), 'progress past events appended live that it leaves out');
    });

    withStore(t, 'closing ends a waiting iteration', async (store, _, t) => {
      await store.append(stream(), [newEvent()], 'no_stream');
      const subscription = store.subscribeToAll();
      const iterator = subscription[Symbol.asyncIterator]();
      t.equal((await iterator.next()).done, false);
      const waiting = iterator.next();
      await subscription.close();
      t.equal((await waiting).done, true);
    });
  });

  t.test('concurrency', async (t) => {
    withStore(t, 'two appenders with the same expectation: exactly one wins, every time', async (store, harness, t) => {
      const other = await harness.connectAgain();
      t.teardown(() => other.close());
      for (let round = 0; round < 50; round += 1) {
        const name = stream();
        await store.append(name, [newEvent()], 'no_stream');
        const outcomes = await Promise.allSettled([
          store.append(name, [newEvent('First')], 0),
          other.append(name, [newEvent('Second')], 0),
        ]);
        const won = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
        const lost = outcomes.filter(
          (outcome) => outcome.status === 'rejected' && outcome.reason instanceof WrongExpectedVersionError,
        ).length;
        if (won !== 1 || lost !== 1) t.fail(`round ${round}: ${won} won, ${lost} lost with a wrong expected version`);
        const events = await collect(store.readStream(name));
        if (events.length !== 2) t.fail(`round ${round}: ${events.length} events stored`);
      }
      t.pass('50 rounds');
    });
  });

  // Buffered, 150,000 of these events retain over 100 MiB of heap (75 MiB per 100,000 measured on Node 20): well past
  // the bound below, so a store that buffers fails here, while filling the store stays a few seconds of the suite.
  const largeCount = options.largeStoreEventCount ?? 150_000;
  withStore(t, `reads a ${largeCount.toLocaleString('en')}-event store in bounded memory`, async (store, _, t) => {
    const perAppend = 1000;
    for (let written = 0; written < largeCount; written += perAppend) {
      const batch = Array.from({ length: Math.min(perAppend, largeCount - written) }, (_, index) =>
        newEvent('Filled', { index: written + index, padding: 'x'.repeat(64) }),
      );
      await store.append(stream(), batch, 'no_stream');
    }
    const retainedHeap = () => {
      collectGarbage();
      return process.memoryUsage().heapUsed;
    };
    const baseline = retainedHeap();
    let peak = baseline;
    let count = 0;
    let previous = 0;
    let ordered = true;
    for await (const event of store.readAll()) {
      count += 1;
      if (event.position <= previous) ordered = false;
      previous = event.position;
      if (count % 50_000 === 0) peak = Math.max(peak, retainedHeap());
    }
    t.equal(count, largeCount);
    t.ok(ordered, 'in increasing position order');
    const growthMiB = (peak - baseline) / 2 ** 20;
    // Buffering the events would retain several hundred MiB; streaming retains a page or two.
    t.ok(growthMiB < 32, `retained heap grew ${growthMiB.toFixed(1)} MiB while reading`);
  });
}
