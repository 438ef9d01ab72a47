import t from 'tap';
import { EventStoreUnavailableError, StoreUnavailableError } from '@meent/event-store';
import { isTransient, retryDelayMs } from '../src/retry.js';

t.test('the pause before a retry doubles from 200 ms up to 2 s, with between half and all of it drawn at random', async (t) => {
  const least = (attempt: number) => retryDelayMs(attempt, () => 0);
  const most = (attempt: number) => retryDelayMs(attempt, () => 1);
  t.same([1, 2, 3, 4, 5, 6, 20].map(most), [200, 400, 800, 1600, 2000, 2000, 2000]);
  t.same([1, 2, 3, 6, 20].map(least), [100, 200, 400, 1000, 1000]);
  t.equal(retryDelayMs(3, () => 0.5), 600);
});

t.test('only the store failing is worth retrying', async (t) => {
  t.ok(isTransient(new StoreUnavailableError('PostgreSQL is unreachable')));
  t.ok(isTransient(new EventStoreUnavailableError('EventStoreDB is unreachable')));
  t.ok(isTransient(Object.assign(new Error('could not serialize access'), { code: '40001' })), 'a serialization failure');
  t.ok(isTransient(Object.assign(new Error('deadlock detected'), { code: '40P01' })), 'a deadlock');
  t.notOk(isTransient(new TypeError("Cannot read properties of undefined (reading 'id')")), 'a bug');
  t.notOk(isTransient(Object.assign(new Error('duplicate key'), { code: '23505' })), 'a constraint the data breaks');
  t.notOk(isTransient('a string'));
});
