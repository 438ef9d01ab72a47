import t from 'tap';
import { BallotBox, type Ballot } from '../src/domain/ballot-box.js';

const ballot = (voterId: string, choice: 'for' | 'against'): Ballot => ({ voterId, castBy: voterId, choice, sealedChoice: null });

t.test('a box is a value: adding to it leaves the old box as it was', async (t) => {
  const one = BallotBox.empty().with(ballot('a', 'for'));
  const two = one.with(ballot('a', 'against'));
  t.equal(one.latest('a')?.choice, 'for');
  t.equal(two.latest('a')?.choice, 'against');
  t.equal(one.voterCount, 1);
  t.equal(two.voterCount, 1);
});

t.test('adding to an older box branches without touching the newer one', async (t) => {
  const base = BallotBox.empty().with(ballot('a', 'for'));
  const newer = base.with(ballot('b', 'for'));
  const branch = base.with(ballot('b', 'against'));
  t.equal(newer.latest('b')?.choice, 'for');
  t.equal(branch.latest('b')?.choice, 'against');
  t.same([...newer.counted()].map((counted) => counted.choice), ['for', 'for']);
  t.same([...branch.counted()].map((counted) => counted.choice), ['for', 'against']);
});

t.test('counts each voter once, by their last ballot', async (t) => {
  const box = ['a', 'b', 'a', 'c', 'b'].reduce(
    (current, voterId, index) => current.with(ballot(voterId, index % 2 === 0 ? 'for' : 'against')),
    BallotBox.empty(),
  );
  t.same(
    [...box.counted()].map((counted) => [counted.voterId, counted.choice]),
    [
      ['a', 'for'],
      ['b', 'for'],
      ['c', 'against'],
    ],
  );
  t.equal(box.voterCount, 3);
});

t.test('an older box counts only its own ballots, not those a newer box added to the log they share', async (t) => {
  const base = BallotBox.empty().with(ballot('a', 'for'));
  const newer = base.with(ballot('b', 'against'));
  t.same([...base.counted()].map((counted) => [counted.voterId, counted.choice]), [['a', 'for']]);
  t.equal(base.latest('b'), undefined);
  t.equal(newer.voterCount, 2);
});

t.test('a branch keeps the last ballot of a voter who voted twice before it', async (t) => {
  const changed = BallotBox.empty().with(ballot('a', 'for')).with(ballot('a', 'against'));
  changed.with(ballot('b', 'for'));
  const branch = changed.with(ballot('c', 'for'));
  t.equal(branch.latest('a')?.choice, 'against');
  t.same([...branch.counted()].map((counted) => [counted.voterId, counted.choice]), [
    ['a', 'against'],
    ['c', 'for'],
  ]);
});
