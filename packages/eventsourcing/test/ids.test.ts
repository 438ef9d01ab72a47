import t from 'tap';
import { newUuidV7 } from '@meent/eventsourcing';
import { validate, version } from 'uuid';

t.test('ids are uuid v7, each greater than the one before, also within one millisecond', async (t) => {
  // Several thousand ids per millisecond, and more than one refill of the entropy drawn at a time.
  const ids = Array.from({ length: 20_000 }, () => newUuidV7());
  t.ok(ids.every((id) => validate(id) && version(id) === 7));
  const outOfOrder = ids.findIndex((id, index) => index > 0 && id <= ids[index - 1]!);
  t.equal(outOfOrder, -1);
  t.equal(new Set(ids).size, ids.length);
});

t.test('an id begins with the time it was made, in milliseconds', async (t) => {
  const before = Date.now();
  const id = newUuidV7();
  const after = Date.now();
  const millisecond = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
  t.ok(millisecond >= before && millisecond <= after + 1, `${millisecond} within ${before}..${after}`);
});

t.test('the random bits differ between ids', async (t) => {
  const tails = new Set(Array.from({ length: 1_000 }, () => newUuidV7().slice(-12)));
  t.equal(tails.size, 1_000);
});
