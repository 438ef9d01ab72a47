// The EventStoreDB adapter through the real client against the gRPC test cluster: the whole contract, each defect a
// real server would show, and a leader going away mid-subscription and mid-append.
import t, { type Test } from 'tap';
import { EventStoreUnavailableError, type EventStore, type RecordedEvent } from '@meent/event-store';
import { EventStoreDbEventStore, gossipSeeds } from '@meent/event-store/eventstoredb';
import { collect, eventStoreContract, newEvent, take } from '@meent/event-store/testing';
import { EventStoreDbTestCluster } from '@meent/event-store/testing/eventstoredb';

const reconnectDelayMs = 20;
const connect = (connectionString: string): EventStoreDbEventStore => new EventStoreDbEventStore({ connectionString, reconnectDelayMs });
const stream = (category = 'thing') => `${category}-${crypto.randomUUID()}`;

/** A cluster for one test, closed with its stores after it. */
async function clusterFor(t: Test, options: Parameters<typeof EventStoreDbTestCluster.start>[0] = {}) {
  const cluster = await EventStoreDbTestCluster.start({ secure: true, ...options });
  const stores: EventStore[] = [];
  t.teardown(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await cluster.close();
  });
  const open = (connectionString = cluster.connectionString()) => {
    const store = connect(connectionString);
    stores.push(store);
    return store;
  };
  return { cluster, open };
}

t.test('the event store contract on the EventStoreDB test cluster', async (t) => {
  let cluster: EventStoreDbTestCluster | undefined;
  eventStoreContract(t, {
    async create() {
      // Without TLS, as `--insecure` runs: the secure cluster's credentials and certificates are tested below, and
      // encrypting the 100,000-event case would take a fifth longer.
      cluster = await EventStoreDbTestCluster.start({ secure: false });
      const connectionString = cluster.connectionString();
      const store = connect(connectionString);
      const started = cluster;
      return {
        store,
        connectAgain: async () => connect(connectionString),
        async destroy() {
          await store.close();
          await started.close();
        },
      };
    },
    // Every call a case made has ended by the time it finishes; a client keeps its one batch-append stream.
    async afterCase(t) {
      await cluster?.untilNoOpenCalls({ except: ['batch append'] }).then(
        () => t.pass('no call left open'),
        (error: Error) => t.fail(error.message),
      );
    },
    keepsEventIdsPerStreamOnly: 'EventStoreDB recognises a repeated event id only as a retry of the same append, not across streams',
    largeStoreEventCount: 100_000,
  });
});

t.test('defects a real server shows, each caught here', async (t) => {
  t.test('readAll hands out each event once, across the batches the server sends', async (t) => {
    const { cluster, open } = await clusterFor(t);
    const store = open();
    // 3,500 events and as many link events of `$by_category` between them: several server batches per page.
    for (let index = 0; index < 35; index += 1) {
      await store.append(stream(index % 2 ? 'member' : 'motion'), Array.from({ length: 100 }, () => newEvent('Filled')), 'no_stream');
    }
    t.ok(cluster.log.size > 7_000, 'the log holds link and system events besides');
    const all = await collect(store.readAll());
    t.equal(all.length, 3_500);
    t.equal(new Set(all.map((event) => event.id)).size, all.length, 'no event twice');
    const members = await collect(store.readAll({ filter: { streamPrefixes: ['member-'] } }));
    t.equal(members.length, 1_700);
    t.equal(new Set(members.map((event) => event.id)).size, members.length, 'no event twice when filtered');
    const later = await collect(store.readAll({ after: all[999]?.position ?? 0 }));
    t.same(
      later.map((event) => event.id),
      all.slice(1_000).map((event) => event.id),
    );
  });

  t.test('reads that stop early end their calls: a long-lived process keeps reading', async (t) => {
    // Without link events after them, each head read stops at the newest record, the server still sending more.
    const { cluster, open } = await clusterFor(t, { linkByCategory: false });
    const store = open();
    await store.append(stream(), Array.from({ length: 1_500 }, () => newEvent('Filled', { padding: 'x'.repeat(200) })), 'no_stream');
    // A head read stops at the first of Meent's events; the server allows 100 open calls on a connection.
    const heads = (async () => {
      for (let round = 0; round < 150; round += 1) await store.headPosition();
      return 'all 150 answered';
    })();
    const timeout = new Promise((resolve) => setTimeout(resolve, 10_000, 'stalled')).then(String);
    t.equal(await Promise.race([heads, timeout]), 'all 150 answered');
    await collect(store.readAll({ maxCount: 1 }));
    await cluster.untilNoOpenCalls({ except: ['batch append'] }).then(
      () => t.pass('no read left open'),
      (error: Error) => t.fail(error.message),
    );
  });

  t.test('a stream whose length is a multiple of the page reads back whole, backwards', async (t) => {
    const { open } = await clusterFor(t);
    const store = open();
    const name = stream();
    await store.append(name, Array.from({ length: 1_000 }, (_, index) => newEvent('Counted', { index })), 'no_stream');
    const backwards = await collect(store.readStream(name, { direction: 'backwards' }));
    t.equal(backwards.length, 1_000);
    t.equal(backwards.at(-1)?.revision, 0);
  });

  t.test('a cluster none of whose seeds answers is unavailable, not an unknown failure', async (t) => {
    const store = connect('esdb://127.0.0.1:1,127.0.0.1:2?tls=false&maxDiscoverAttempts=2&discoveryInterval=10');
    t.teardown(() => store.close());
    await t.rejects(store.ping(), EventStoreUnavailableError);
    await t.rejects(store.append(stream(), [newEvent()], 'any'), EventStoreUnavailableError);
  });

  t.test('a node that is not ready is unavailable, for appends too, and serves again when ready', async (t) => {
    const { cluster, open } = await clusterFor(t);
    const store = open();
    await store.append(stream(), [newEvent()], 'no_stream');
    const node = cluster.nodes[0];
    if (!node) throw new Error('no node');
    node.ready = false;
    await t.rejects(store.append(stream(), [newEvent()], 'no_stream'), EventStoreUnavailableError, 'append');
    await t.rejects(store.readAll().next(), EventStoreUnavailableError, 'read');
    node.ready = true;
    t.equal((await store.append(stream(), [newEvent()], 'no_stream')).nextExpectedRevision, 0);
  });

  t.test('credentials the server refuses make it unavailable to this process, and a subscription waits', async (t) => {
    const { cluster, open } = await clusterFor(t, { users: [{ login: 'clerk', password: 'secret', groups: [] }] });
    const wrongPassword = open(cluster.connectionString({ login: 'admin', password: 'wrong' }));
    await t.rejects(wrongPassword.ping(), EventStoreUnavailableError, 'a wrong password');
    const anonymous = open(cluster.connectionString(null));
    await t.rejects(anonymous.append(stream(), [newEvent()], 'any'), EventStoreUnavailableError, 'no credentials');
    const clerk = open(cluster.connectionString({ login: 'clerk', password: 'secret' }));
    await clerk.append(stream(), [newEvent()], 'no_stream');
    await t.rejects(collect(clerk.readAll()), EventStoreUnavailableError, 'a user without the right to read $all');
    const subscription = clerk.subscribeToAll();
    const waiting = subscription[Symbol.asyncIterator]().next();
    const outcome = await Promise.race([waiting.then(() => 'ended'), new Promise((resolve) => setTimeout(resolve, 10 * reconnectDelayMs, 'still trying'))]);
    t.equal(outcome, 'still trying', 'the subscription neither throws nor ends');
    await subscription.close();
  });

  t.test('a subscription the server cancels subscribes again, without a gap or a duplicate', async (t) => {
    const { cluster, open } = await clusterFor(t);
    const store = open();
    const node = cluster.nodes[0];
    if (!node) throw new Error('no node');
    await store.append(stream(), [newEvent(), newEvent()], 'no_stream');
    const subscription = store.subscribeToAll();
    t.equal((await take(subscription, 2)).length, 2);
    node.cancelSubscriptions();
    await store.append(stream(), [newEvent(), newEvent()], 'no_stream');
    const after = await take(subscription, 2);
    await subscription.close();
    const stored = await collect(store.readAll());
    t.same(
      after.map((event) => event.id),
      stored.slice(2).map((event) => event.id),
    );
    t.equal(node.subscriptionsStarted, 2, 'subscribed again');
  });

  t.test('esdb+discover with several hosts asks each of them, not only the first', async (t) => {
    t.equal(
      gossipSeeds('esdb+discover://admin:changeit@a.example,b.example:2114,c.example?tls=true&nodePreference=leader'),
      'esdb://admin:changeit@a.example:2113,b.example:2114,c.example:2113?tls=true&nodePreference=leader',
    );
    t.equal(gossipSeeds('esdb+discover://cluster.example?tls=true'), 'esdb+discover://cluster.example?tls=true', 'one host is a DNS name to discover');
    const { cluster, open } = await clusterFor(t, { secure: false });
    const store = open(`esdb+discover://127.0.0.1:1,127.0.0.1:${cluster.nodes[0]?.port}?tls=false&maxDiscoverAttempts=3&discoveryInterval=10`);
    await store.ping();
    t.pass('the second host answered');
  });
});

t.test('a follower sends the client to the leader: the call in hand is unavailable, the next one lands there', async (t) => {
  const { cluster, open } = await clusterFor(t, { nodes: 3, secure: false });
  const follower = cluster.nodes.find((node) => !node.isLeader);
  if (!follower) throw new Error('no follower');
  // One host and no gossip: the client connects to the follower itself.
  const store = open(`esdb://127.0.0.1:${follower.port}?tls=false`);
  const name = stream();
  await t.rejects(store.append(name, [newEvent()], 'no_stream'), EventStoreUnavailableError, 'NotLeader, with the leader named');
  t.equal((await store.append(name, [newEvent()], 'no_stream')).nextExpectedRevision, 0, 'the retry lands on the leader');
  t.equal((await collect(store.readStream(name))).length, 1);
});

t.test('the leader goes away mid-subscription and mid-append', async (t) => {
  const { cluster, open } = await clusterFor(t, { nodes: 3 });
  const writer = open();
  const reader = open();
  const failures: unknown[] = [];
  /** An append retried with the same events and expectation until it lands: what a command's retry does. */
  const appendUntilLanded = async (name: string, events: ReturnType<typeof newEvent>[], expected: number | 'no_stream') => {
    for (;;) {
      try {
        return await writer.append(name, events, expected);
      } catch (error) {
        failures.push(error);
        if (!(error instanceof EventStoreUnavailableError)) throw error;
        await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs));
      }
    }
  };
  const name = stream('ledger');
  const appendedBefore = 20;
  for (let revision = 0; revision < appendedBefore; revision += 1) await appendUntilLanded(name, [newEvent('Booked')], revision - 1 < 0 ? 'no_stream' : revision - 1);

  const subscription = reader.subscribeToAll();
  t.equal((await take(subscription, appendedBefore)).length, appendedBefore, 'caught up before the failover');

  // The leader commits an append and dies before it answers.
  const leader = cluster.leader;
  if (!leader) throw new Error('no leader');
  leader.withholdAppendAnswers = true;
  const inDoubt = [newEvent('Booked')];
  const committed = cluster.log.nextAppend(AbortSignal.timeout(5_000));
  const unanswered = writer.append(name, inDoubt, appendedBefore - 1).then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  await committed;
  await cluster.stopLeader();
  const outcome = await unanswered;
  t.ok('error' in outcome && outcome.error instanceof EventStoreUnavailableError, 'the unanswered append fails as unavailable');
  await t.rejects(writer.append(name, [newEvent('Booked')], appendedBefore), EventStoreUnavailableError, 'nothing leads: unavailable');
  cluster.electLeader();

  // The retry of the append in doubt is recognised by its expected revision: written once.
  const retried = await appendUntilLanded(name, inDoubt, appendedBefore - 1);
  t.equal(retried.nextExpectedRevision, appendedBefore);
  for (let revision = appendedBefore + 1; revision < appendedBefore + 10; revision += 1) await appendUntilLanded(name, [newEvent('Booked')], revision - 1);

  const delivered = await take(subscription, 10);
  await subscription.close();
  const stored = await collect(writer.readAll());
  t.equal(stored.length, appendedBefore + 10, 'no duplicate in the log');
  t.same(
    delivered.map((event: RecordedEvent) => event.id),
    stored.slice(appendedBefore).map((event) => event.id),
    'the subscription went on without a gap or a duplicate',
  );
  t.ok(
    failures.every((failure) => failure instanceof EventStoreUnavailableError),
    `every failure typed as unavailable (${failures.length})`,
  );
  t.ok(cluster.nodes.reduce((sum, node) => sum + node.subscriptionsStarted, 0) >= 2, 'the subscription subscribed again on another node');
});
