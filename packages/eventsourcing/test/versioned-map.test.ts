import t from 'tap';
import { VersionedMap } from '@meent/eventsourcing';

t.test('setting returns a new map and leaves the old one as it was', async (t) => {
  const one = VersionedMap.empty<string, number>().set('a', 1);
  const two = one.set('a', 2).set('b', 3);
  t.equal(one.get('a'), 1);
  t.equal(one.get('b'), undefined);
  t.equal(two.get('a'), 2);
  t.equal(one.size, 1);
  t.equal(two.size, 2);
  t.same([...two.entries()], [
    ['a', 2],
    ['b', 3],
  ]);
});

t.test('setting on an older version branches without touching the newer one', async (t) => {
  const base = VersionedMap.empty<string, number>().set('a', 1);
  const newer = base.set('b', 2);
  const branch = base.set('b', 20).set('c', 30);
  t.same([...newer.entries()], [
    ['a', 1],
    ['b', 2],
  ]);
  t.same([...branch.entries()], [
    ['a', 1],
    ['b', 20],
    ['c', 30],
  ]);
  t.equal(newer.set('d', 4).get('c'), undefined);
});

t.test('keeps the last of many sets per key', async (t) => {
  let map = VersionedMap.empty<number, number>();
  for (let index = 0; index < 100_000; index += 1) map = map.set(index % 1000, index);
  t.equal(map.size, 1000);
  t.equal(map.get(999), 99_999);
});
