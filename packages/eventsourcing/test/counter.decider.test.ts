import t from 'tap';
import { deciderSpecification } from '@meent/eventsourcing/testing';
import { Incremented, counterDecider } from './counter.fixture.js';

const spec = deciderSpecification(counterDecider, [Incremented]);

t.test('when the counter is below its limit', async (t) => {
  t.test('increments', async (t) => {
    spec(t)
      .given(Incremented({ by: 10 })).when({ type: 'Increment', by: 5 }).then(Incremented({ by: 5 }));
  });
});

t.test('when the increment would pass the limit', async (t) => {
  t.test('rejects it with the rule named', async (t) => {
    spec(t)
      .given(Incremented({ by: 999 })).when({ type: 'Increment', by: 2 }).thenError('COUNTER.LIMIT', { statusCode: 422, rule: 'limit' });
  });
});
