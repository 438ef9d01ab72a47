import t from 'tap';
import { quorumMet } from '../src/domain/tally.js';
import type { DecisionRule } from '../src/domain/motion.events.js';

const withQuorum = (numerator: number, denominator: number): DecisionRule => ({
  majority: 'simple',
  quorum: { numerator, denominator },
  basis: 'rules',
});

t.test('a quorum is met at exactly its share of the roll present or represented, not one vote below', async (t) => {
  t.equal(quorumMet(withQuorum(1, 2), 5, 10), true, 'exactly half of 10');
  t.equal(quorumMet(withQuorum(1, 2), 4, 10), false, 'one below half of 10');
  t.equal(quorumMet(withQuorum(2, 3), 200, 300), true, 'exactly two thirds of 300');
  t.equal(quorumMet(withQuorum(2, 3), 199, 300), false, 'one below two thirds of 300');
  t.equal(quorumMet(withQuorum(1, 3), 4, 10), true, 'above a third of 10, which is no whole number');
  t.equal(quorumMet(withQuorum(1, 3), 3, 10), false, 'below a third of 10');
});

t.test('no quorum asked: met with nobody present', async (t) => {
  t.equal(quorumMet({ majority: 'simple', quorum: null, basis: 'rules' }, 0, 10), true);
});
