import t from 'tap';
import { majorityReached, outcomeOf, quorumMet } from '../src/domain/tally.js';
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

const twoThirds: DecisionRule = { majority: 'two-thirds', quorum: null, basis: 'rules' };
const simple: DecisionRule = { majority: 'simple', quorum: null, basis: 'rules' };
const tally = (votes: { for: number; against: number; abstain: number }) => ({ ...votes, notVoted: 0 });

t.test('abstentions are no votes cast: they neither help nor hinder a majority (DESIGN §4)', async (t) => {
  t.equal(majorityReached(twoThirds, tally({ for: 2, against: 1, abstain: 1 })), true, '2 of 3 cast is two thirds, the abstention aside');
  t.equal(majorityReached(twoThirds, tally({ for: 2, against: 1, abstain: 100 })), true, 'however many abstain');
  t.equal(majorityReached(twoThirds, tally({ for: 5, against: 3, abstain: 0 })), false, '5 of 8 falls short of two thirds');
  t.equal(majorityReached(simple, tally({ for: 1, against: 0, abstain: 5 })), true, 'one for and nobody against passes a simple majority');
  t.equal(majorityReached(simple, tally({ for: 2, against: 2, abstain: 1 })), false, 'a tie is rejected, whoever abstains');
  t.equal(majorityReached(simple, tally({ for: 3, against: 2, abstain: 0 })), true, '3 to 2 is a simple majority, short of two thirds');
  t.match(outcomeOf(twoThirds, tally({ for: 2, against: 1, abstain: 1 }), 4, 4), {
    outcome: 'passed',
    explanation: 'Passed with two thirds of the votes cast: 2 for, 1 against (1 abstaining, not counted as cast).',
  });
});

t.test('at a second meeting the explanation says no quorum applied, and why (BW 2:42)', async (t) => {
  const second: DecisionRule = { majority: 'two-thirds', quorum: { numerator: 2, denominator: 3 }, basis: 'second-meeting' };
  t.match(outcomeOf({ ...second, quorum: null }, tally({ for: 4, against: 1, abstain: 0 }), 5, 100), {
    quorumMet: true,
    outcome: 'passed',
    explanation: 'Passed with two thirds of the votes cast: 4 for, 1 against (0 abstaining, not counted as cast). At a second meeting (BW 2:42) no quorum applies.',
  });
  t.notMatch(outcomeOf(twoThirds, tally({ for: 4, against: 1, abstain: 0 }), 5, 5).explanation, /second meeting/, 'said only of a second meeting');
});
