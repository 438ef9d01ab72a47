// The PostgreSQL store's log tail over a log held in memory, with a boundary an older transaction hides events behind:
// what it lets a filtered subscription pass over without a query, and that one refresh serves everyone who asks.
import t from 'tap';
import { LogTail, type EventHeader, type TailSource } from '../src/postgres/log-tail.js';

class Log implements TailSource {
  readonly events: EventHeader[] = [];
  /** Events from this position on are committed but hidden; Infinity when none is. */
  hiddenFrom = Infinity;
  reads = 0;

  append(stream: string, type: string, position = (this.events.at(-1)?.position ?? 0) + 1): void {
    this.events.push({ position, stream, type });
  }

  async completeUpTo(after: number): Promise<number> {
    this.reads += 1;
    const visible = this.events.filter((event) => event.position > after && event.position < this.hiddenFrom);
    return Math.max(after, ...visible.map((event) => event.position));
  }

  async lastCommitted(): Promise<number> {
    return this.events.at(-1)?.position ?? 0;
  }

  async headers(after: number, upTo: number, limit: number): Promise<EventHeader[]> {
    return this.events.filter((event) => event.position > after && event.position <= upTo).slice(0, limit);
  }
}

const votes = { eventTypes: ['VoteCast'] };

t.test('knows nothing before its first refresh, and nothing before that refresh later', async (t) => {
  const log = new Log();
  log.append('member-1', 'MemberRegistered');
  const tail = new LogTail(log);
  t.equal(tail.passedOver(0, votes), undefined, 'not refreshed yet');
  t.same(await tail.refresh(), { end: 1, committed: 1 });
  t.equal(tail.passedOver(0, votes), undefined, 'the event before the first refresh is not known: the subscription reads');
  t.equal(tail.passedOver(1, votes), 1, 'at the end, nothing to pass');
});

t.test('a subscription passes over what is not for it, and reads what is', async (t) => {
  const log = new Log();
  const tail = new LogTail(log);
  await tail.refresh();
  log.append('member-1', 'MemberRegistered');
  log.append('motion-1', 'VoteCast');
  log.append('member-2', 'MemberRegistered', 5);
  t.same(await tail.refresh(), { end: 5, committed: 5 }, 'positions may have gaps');
  t.equal(tail.passedOver(0, votes), undefined, 'a vote lies ahead');
  t.equal(tail.passedOver(2, votes), 5, 'past the vote, only registrations');
  t.equal(tail.passedOver(0, { eventTypes: ['MemberAdmitted'] }), 5);
  t.equal(tail.passedOver(0, { streamPrefixes: ['assembly-'] }), 5);
  t.equal(tail.passedOver(0, { streamPrefixes: ['motion-'] }), undefined);
  t.equal(tail.passedOver(6, votes), undefined, 'a subscription ahead of the tail reads for itself');
});

t.test('stops below an event an older transaction hides, and says what is committed beyond', async (t) => {
  const log = new Log();
  const tail = new LogTail(log);
  await tail.refresh();
  log.append('member-1', 'MemberRegistered');
  log.append('member-2', 'MemberRegistered');
  log.append('member-3', 'MemberRegistered');
  log.hiddenFrom = 2;
  t.same(await tail.refresh(), { end: 1, committed: 3 });
  t.equal(tail.passedOver(0, votes), 1, 'never past the hidden event');
  log.hiddenFrom = Infinity;
  t.same(await tail.refresh(), { end: 3, committed: 3 });
  t.equal(tail.passedOver(1, votes), 3);
});

t.test('those who ask while a refresh runs share the next one', async (t) => {
  const log = new Log();
  const tail = new LogTail(log);
  await tail.refresh();
  const underWay = tail.refresh();
  // Committed after the refresh under way looked: those who ask now must see it.
  log.append('member-1', 'MemberRegistered');
  const before = log.reads;
  const answers = await Promise.all(Array.from({ length: 50 }, () => tail.refresh()));
  t.same(await underWay, { end: 0, committed: 0 }, 'the refresh under way began before the append');
  t.equal(log.reads - before, 1, 'fifty waiting subscriptions, one more query of where the log is complete');
  t.ok(answers.every((answer) => answer.end === 1), 'and every one of them sees the append');
});

t.test('remembers the newest 20,000 events: a subscription further behind reads its own pages', async (t) => {
  const log = new Log();
  const tail = new LogTail(log);
  await tail.refresh();
  for (let index = 0; index < 20_500; index += 1) log.append(`member-${index}`, 'MemberRegistered');
  t.same(await tail.refresh(), { end: 20_500, committed: 20_500 }, 'read in bounded pieces, to the end');
  t.equal(tail.passedOver(499, votes), undefined, 'forgotten');
  t.equal(tail.passedOver(500, votes), 20_500, 'remembered');
});
