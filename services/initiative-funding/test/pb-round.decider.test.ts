import t from 'tap';
import { deciderSpecification } from '@meent/eventsourcing/testing';
import { initiativeEvents as initiativeContextEvents } from '@meent/initiative-funding/events';
import {
  FundingApproved,
  FundingRejected,
  InitiativeFundsReserved,
  InitiativeSubmitted,
  PbBallotCast,
  PbProposalEntered,
  PbProposalRefused,
  PbProposalReviewed,
  PbProposalsClosed,
  PbResidentRegistered,
  PbRoundDecided,
  PbRoundFundsRefused,
  PbRoundFundsReserved,
  PbRoundOpened,
  PbVotingClosed,
  PbVotingOpened,
} from '@meent/initiative-funding/events';
import { initiativeDecider } from '../src/domain/initiative.decider.js';
import { lotOrder, pbRoundAggregate, pbRoundDecider, type PbRoundCommand } from '../src/domain/pb-round.decider.js';

const spec = deciderSpecification(pbRoundDecider, initiativeContextEvents);
const id = (n: number) => `0193a6f0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const roundId = id(1);
const cooperativeId = id(2);
const budgetId = id(3);
const motionId = roundId;
const reservationId = id(4);
const [alice, bob, carol, dave] = [id(10), id(11), id(12), id(13)];
const secretary = id(20);
const [garden, benches, mural] = [id(30), id(31), id(32)];
const resident = id(40);
const now = new Date('2027-03-01T10:00:00.000Z');
const at = now.toISOString();
const later = (days: number) => new Date(now.getTime() + days * 86_400_000);
const settings = { minApprovals: 1, maxApprovals: 2, ballot: 'open' as const, residentsVote: true, completion: 'add1' as const };

const opened = PbRoundOpened({
  roundId,
  cooperativeId,
  motionId,
  motionRound: 1,
  title: 'Buurtbudget 2027',
  budgetId,
  lineCode: '4300',
  amountCents: 300_00,
  settings,
  openedAt: at,
});
const funded = PbRoundFundsReserved({ roundId, reservationId, amountCents: 300_00, reservedAt: at });
const entered = (proposalId: string, costCents: number, proposedBy: string | null = alice) =>
  PbProposalEntered({ roundId, proposalId, title: `Voorstel ${proposalId.slice(-2)}`, costCents, themes: ['meedoen'], proposedBy, enteredAt: at });
const closed = PbProposalsClosed({ roundId, closedBy: secretary, closedAt: at });
const reviewed = (proposalId: string, eligible = true) =>
  PbProposalReviewed({ roundId, proposalId, eligible, reason: eligible ? 'Past in de regels' : 'Geen buurtbelang', reviewedBy: secretary, reviewedAt: at });
const votingOpened = PbVotingOpened({ roundId, roll: [alice, bob, carol], recordDate: at, closesAt: later(7).toISOString(), openedBy: secretary, openedAt: at });
const ballot = (voter: string, approvals: string[], voterKind: 'member' | 'resident' = 'member') =>
  PbBallotCast({ roundId, voter, voterKind, approvals, castAt: at });
/** Three proposals on the ballot: the garden (€200) and benches (€100) by Alice, the mural (€150) by Bob. */
const onTheBallot = [opened, funded, entered(garden, 200_00), entered(benches, 100_00), entered(mural, 150_00, bob), closed, reviewed(garden), reviewed(benches), reviewed(mural)];
const cast = (voter: string, approvals: string[], command: Partial<Extract<PbRoundCommand, { type: 'CastBallot' }>> = {}): PbRoundCommand => ({
  type: 'CastBallot',
  voter,
  voterKind: 'member',
  votingAs: voter,
  approvals,
  now,
  ...command,
});

t.test('a proposal enters the round while it takes proposals; one submitted after they closed is refused', async (t) => {
  const enter = (submittedAt: string): PbRoundCommand => ({
    type: 'EnterProposal',
    proposalId: garden,
    title: 'Voorstel 30',
    costCents: 200_00,
    themes: ['meedoen'],
    proposedBy: alice,
    submittedAt,
    now,
  });
  spec(t).given(opened).when(enter(at)).then(entered(garden, 200_00));
  spec(t).given(opened, entered(garden, 200_00)).when(enter(at)).then();
  // Submitted before the closing, entered after it: the moment of submission counts.
  spec(t).given(opened, closed).when(enter('2027-03-01T09:59:59.000Z')).then(entered(garden, 200_00));
  spec(t).given(opened, closed).when(enter('2027-03-01T10:00:01.000Z')).then(PbProposalRefused({ roundId, proposalId: garden, reason: 'It came in after the proposals closed', refusedAt: at }));
  spec(t)
    .given(opened)
    .when({ ...enter(at), costCents: 300_01 } as PbRoundCommand)
    .then(PbProposalRefused({ roundId, proposalId: garden, reason: "It costs more than the round's 30000 cents", refusedAt: at }));
});

t.test('officers review each proposal with a reason on record; a proposer does not review their own', async (t) => {
  const review = (reviewedBy: string): PbRoundCommand => ({ type: 'ReviewProposal', proposalId: garden, eligible: true, reason: 'Past in de regels', reviewedBy, now });
  spec(t).given(opened, entered(garden, 200_00), closed).when(review(secretary)).then(reviewed(garden));
  spec(t).given(opened, entered(garden, 200_00), closed).when(review(alice)).thenError('PB.RECUSED', { statusCode: 403, rule: 'BW 2:12 conflict of interest' });
  spec(t).given(opened, entered(garden, 200_00)).when(review(secretary)).thenError('PB.WRONG_PHASE', { statusCode: 409 });
  spec(t).given(opened, closed).when(review(secretary)).thenError('PB.PROPOSAL_NOT_FOUND', { statusCode: 404 });
});

t.test('voting opens once every proposal is reviewed, the money is reserved and enough are eligible', async (t) => {
  const open = (closesAt = later(7)): PbRoundCommand => ({ type: 'OpenVoting', roll: [alice, bob, carol], closesAt, openedBy: secretary, now });
  spec(t).given(...onTheBallot).when(open()).then(votingOpened);
  spec(t).given(opened, entered(garden, 200_00), closed, reviewed(garden)).when(open()).thenError('PB.NOT_FUNDED_YET', { statusCode: 409 });
  spec(t).given(opened, funded, entered(garden, 200_00), entered(benches, 100_00), closed, reviewed(garden)).when(open()).thenError('PB.REVIEW_UNFINISHED');
  const twoAtLeast = PbRoundOpened({ ...opened.data, settings: { ...settings, minApprovals: 2 } });
  spec(t).given(twoAtLeast, funded, entered(garden, 200_00), entered(benches, 100_00), closed, reviewed(garden), reviewed(benches, false)).when(open()).thenError('PB.TOO_FEW_ELIGIBLE');
  spec(t).given(...onTheBallot).when(open(now)).thenError('PB.CLOSES_IN_THE_PAST', { statusCode: 422 });
  spec(t).given(opened, funded).when(open()).thenError('PB.WRONG_PHASE');
  spec(t).given(opened, PbRoundFundsRefused({ roundId, availableCents: 0, reason: 'Line 4300 has 0 cents left', refusedAt: at })).when(open()).thenError('PB.WRONG_PHASE');
});

t.test('a member on the roll approves between the minimum and maximum of eligible proposals, and may change it', async (t) => {
  spec(t).given(...onTheBallot, votingOpened).when(cast(alice, [garden, mural])).then(ballot(alice, [garden, mural]));
  spec(t).given(...onTheBallot, votingOpened, ballot(alice, [garden, mural])).when(cast(alice, [benches])).then(ballot(alice, [benches]));
  spec(t).given(...onTheBallot, votingOpened).when(cast(dave, [garden])).thenError('PB.NOT_ON_ROLL', { statusCode: 403 });
  spec(t).given(...onTheBallot, votingOpened).when(cast(alice, [garden, mural, benches])).thenError('PB.APPROVALS_OUT_OF_RANGE', { statusCode: 422 });
  spec(t).given(...onTheBallot, votingOpened).when(cast(alice, [garden, garden])).thenError('PB.APPROVED_TWICE');
  spec(t).given(...onTheBallot, reviewed(mural, false), votingOpened).when(cast(alice, [mural])).thenError('PB.NOT_ON_BALLOT', { statusCode: 422 });
  spec(t).given(...onTheBallot, votingOpened).when(cast(alice, [garden], { now: later(7) })).thenError('PB.VOTING_CLOSED');
  spec(t).given(...onTheBallot).when(cast(alice, [garden])).thenError('PB.WRONG_PHASE');
});

t.test('a resident the secretary registered votes where the round lets residents vote', async (t) => {
  const digest = 'a'.repeat(64);
  const register: PbRoundCommand = { type: 'RegisterResident', residentId: resident, codeDigest: digest, registeredBy: secretary, now };
  const registered = PbResidentRegistered({ roundId, residentId: resident, codeDigest: digest, registeredBy: secretary, registeredAt: at });
  spec(t).given(...onTheBallot).when(register).then(registered);
  spec(t).given(PbRoundOpened({ ...opened.data, settings: { ...settings, residentsVote: false } })).when(register).thenError('PB.RESIDENTS_DO_NOT_VOTE');
  const asResident = cast(resident, [garden], { voterKind: 'resident', votingAs: resident });
  spec(t).given(...onTheBallot, registered, votingOpened).when(asResident).then(ballot(resident, [garden], 'resident'));
  spec(t).given(...onTheBallot, votingOpened).when(asResident).thenError('PB.NOT_ON_ROLL');
});

t.test('voting closes at the end of its window and the Method of Equal Shares decides, with the lot on record', async (t) => {
  const seed = '0123456789abcdef0123456789abcdef';
  const close = (when = later(7)): PbRoundCommand => ({
    type: 'CloseVoting',
    closedBy: secretary,
    lotSeed: seed,
    reservationIds: { [garden]: id(50), [benches]: id(51), [mural]: id(52) },
    now: when,
  });
  spec(t).given(...onTheBallot, votingOpened).when(close(later(6))).thenError('PB.VOTING_STILL_OPEN', { statusCode: 409 });
  // €300 among three voters: €100 each. The mural, approved by all three at €50 each, goes first (effective votes 3);
  // after it Alice and Bob hold €50 each, too little for the garden (€200), and Carol €50, too little for the benches.
  const closedAt = later(7).toISOString();
  type Decided = Parameters<typeof PbRoundDecided>[0];
  const decided = (result: Omit<Decided, 'roundId' | 'cooperativeId' | 'budgetId' | 'lineCode' | 'reservationId' | 'amountCents' | 'rule' | 'decidedAt'>) =>
    PbRoundDecided({ roundId, cooperativeId, budgetId, lineCode: '4300', reservationId, amountCents: 300_00, rule: 'equalshares/add1', decidedAt: closedAt, ...result });
  spec(t)
    .given(...onTheBallot, votingOpened, ballot(alice, [garden, mural]), ballot(bob, [garden, mural]), ballot(carol, [benches, mural]))
    .when(close())
    .then(
      PbVotingClosed({ roundId, closedBy: secretary, lotSeed: seed, closedAt }),
      decided({
        ballots: 3,
        lot: lotOrder(seed, [garden, benches, mural]),
        shares: { initial: { exact: '10000', cents: 10000 }, final: { exact: '14900', cents: 14900 }, capped: false },
        selected: [{ proposalId: mural, costCents: 150_00, reservationId: id(52), byCompletion: false }],
        spentCents: 150_00,
        rounds: [{ round: 1, proposalId: mural, costCents: 150_00, effectiveVotes: '3', payments: [{ paid: { exact: '5000', cents: 5000 }, voters: [alice, bob, carol] }] }],
        rejected: [
          { proposalId: garden, reason: { kind: 'unaffordable', afterRound: 1, beatenBy: mural, moneyBehind: { exact: '19800', cents: 19800 }, leftCents: 150_00 } },
          { proposalId: benches, reason: { kind: 'unaffordable', afterRound: 1, beatenBy: mural, moneyBehind: { exact: '9900', cents: 9900 }, leftCents: 150_00 } },
        ],
        greedy: [mural, benches],
      }),
    );
  // An ineligible proposal is rejected with the review's reason.
  spec(t)
    .given(...onTheBallot, reviewed(benches, false), votingOpened, ballot(alice, [mural]))
    .when(close())
    .then(
      PbVotingClosed({ roundId, closedBy: secretary, lotSeed: seed, closedAt }),
      decided({
        ballots: 1,
        lot: lotOrder(seed, [garden, mural]),
        shares: { initial: { exact: '30000', cents: 30000 }, final: { exact: '30000', cents: 30000 }, capped: false },
        selected: [{ proposalId: mural, costCents: 150_00, reservationId: id(52), byCompletion: false }],
        spentCents: 150_00,
        rounds: [{ round: 1, proposalId: mural, costCents: 150_00, effectiveVotes: '1', payments: [{ paid: { exact: '15000', cents: 15000 }, voters: [alice] }] }],
        rejected: [
          { proposalId: garden, reason: { kind: 'no-approvals' } },
          { proposalId: benches, reason: { kind: 'ineligible', reason: 'Geen buurtbelang' } },
        ],
        greedy: [mural],
      }),
    );
});

t.test('the lot is the same for the same seed, and differs between seeds', async (t) => {
  const ids = [garden, benches, mural, id(33), id(34), id(35)];
  t.same(lotOrder('00000000000000000000000000000001', ids), lotOrder('00000000000000000000000000000001', [...ids].reverse()));
  t.not(lotOrder('00000000000000000000000000000001', ids).join(), lotOrder('ffffffff00000000ffffffff00000000', ids).join());
  t.same([...lotOrder('00000000000000000000000000000001', ids)].sort(), [...ids].sort());
});

t.test("the round's vote decides its proposals: a winner is granted with its money already reserved", async (t) => {
  const initiatives = deciderSpecification(initiativeDecider, initiativeContextEvents);
  const proposal = InitiativeSubmitted({
    initiativeId: garden,
    cooperativeId,
    applicant: { kind: 'member', memberId: alice },
    submittedBy: alice,
    title: 'Moestuin',
    description: 'Een moestuin',
    requestedCents: 200_00,
    budgetId,
    lineCode: '4300',
    tranches: [{ amountCents: 200_00, milestone: 'Aangelegd' }],
    themes: ['meedoen'],
    kind: 'community-initiative',
    roundId,
    submittedAt: at,
  });
  const decidedBy = { kind: 'participatory-budget' as const, roundId };
  initiatives(t)
    .given(proposal)
    .when({ type: 'RecordRoundOutcome', roundId, outcome: { selected: true, reservationId: id(50) }, now })
    .then(
      FundingApproved({ initiativeId: garden, cooperativeId, amountCents: 200_00, budgetId, lineCode: '4300', decidedBy, approvedAt: at }),
      InitiativeFundsReserved({ initiativeId: garden, reservationId: id(50), amountCents: 200_00, reservedAt: at }),
    );
  initiatives(t)
    .given(proposal)
    .when({ type: 'RecordRoundOutcome', roundId, outcome: { selected: false, reason: 'No ballot approved it' }, now })
    .then(FundingRejected({ initiativeId: garden, decidedBy, reason: 'No ballot approved it', rejectedAt: at }));
  // Another round's result, or one after the decision, changes nothing.
  initiatives(t).given(proposal).when({ type: 'RecordRoundOutcome', roundId: id(9), outcome: { selected: false, reason: 'x' }, now }).then();
  // The board does not decide a proposal, nor does a motion about it.
  initiatives(t)
    .given(proposal)
    .when({ type: 'DecideByBoard', approve: true, reason: 'Mooi', boardMandateCents: 250_000, deciders: [secretary], now })
    .thenError('INITIATIVE.IN_ROUND', { statusCode: 409 });
  initiatives(t).given(proposal).when({ type: 'RecordAssemblyDecision', motionId: id(60), round: 1, passed: true, now }).then();
  // Nor is it withdrawn from the ballot before the round decides it.
  initiatives(t).given(proposal).when({ type: 'WithdrawInitiative', reason: 'Toch niet', now }).thenError('INITIATIVE.IN_ROUND');
});

t.test('a participatory budgeting round is its own stream, which exists once opened', async (t) => {
  t.equal(pbRoundAggregate.stream(roundId), `pb_round-${roundId}`);
  t.equal(pbRoundAggregate.exists(pbRoundDecider.initialState), false);
  t.equal(pbRoundAggregate.exists(pbRoundDecider.evolve(pbRoundDecider.initialState, opened)), true);
});

t.test('the assembly opens a round once; its money is reserved or refused once; then the proposals close', async (t) => {
  const { openedAt: _openedAt, ...openedData } = opened.data;
  const open: PbRoundCommand = { type: 'OpenRound', ...openedData, now };
  spec(t).given().when(open).then(opened);
  spec(t).given(opened).when(open).then();
  const recordFunds: PbRoundCommand = { type: 'RecordRoundFunds', reservationId, amountCents: 300_00, now };
  const refused = PbRoundFundsRefused({ roundId, availableCents: 100_00, reason: 'Line 4300 has 10000 cents left', refusedAt: at });
  const recordRefusal: PbRoundCommand = { type: 'RecordRoundFundsRefused', availableCents: 100_00, reason: 'Line 4300 has 10000 cents left', now };
  spec(t).given(opened).when(recordFunds).then(funded);
  spec(t).given(opened, funded).when(recordFunds).then();
  spec(t).given(opened, refused).when(recordFunds).then();
  spec(t).given(opened).when(recordRefusal).then(refused);
  spec(t).given(opened, funded).when(recordRefusal).then();
  spec(t).given(opened, refused).when(recordRefusal).then();
  spec(t).given(opened, funded).when({ type: 'CloseProposals', closedBy: secretary, now }).then(closed);
  spec(t)
    .given(opened, funded, closed)
    .when({ type: 'CloseProposals', closedBy: secretary, now })
    .thenError('PB.WRONG_PHASE', { statusCode: 409, message: 'The round is in its Review phase; this needs Proposals' });
  spec(t).given().when(recordFunds).thenError('PB.ROUND_NOT_FOUND', { statusCode: 404 });
});

t.test('an unfunded round takes no proposal; one costing exactly the round, or submitted at the closing moment, is entered', async (t) => {
  const enter = (costCents: number, submittedAt = at): PbRoundCommand => ({
    type: 'EnterProposal',
    proposalId: garden,
    title: 'Voorstel 30',
    costCents,
    themes: ['meedoen'],
    proposedBy: alice,
    submittedAt,
    now,
  });
  const refused = PbRoundFundsRefused({ roundId, availableCents: 0, reason: 'Line 4300 has 0 cents left', refusedAt: at });
  spec(t)
    .given(opened, refused)
    .when(enter(100_00))
    .then(PbProposalRefused({ roundId, proposalId: garden, reason: 'It came in after the proposals closed', refusedAt: at }));
  spec(t).given(opened).when(enter(300_00)).then(entered(garden, 300_00));
  spec(t).given(opened, closed).when(enter(200_00, at)).then(entered(garden, 200_00));
});

t.test('a resident is registered once', async (t) => {
  const registered = PbResidentRegistered({ roundId, residentId: resident, codeDigest: 'a'.repeat(64), registeredBy: secretary, registeredAt: at });
  spec(t).given(opened, registered).when({ type: 'RegisterResident', residentId: resident, codeDigest: 'a'.repeat(64), registeredBy: secretary, now }).then();
});

t.test('voting opens with exactly the minimum eligible; the refusals of a ballot name the figures', async (t) => {
  const strict = { ...settings, minApprovals: 2, maxApprovals: 2 };
  const openedStrict = PbRoundOpened({ ...opened.data, settings: strict });
  const open: PbRoundCommand = { type: 'OpenVoting', roll: [alice, bob, carol], closesAt: later(7), openedBy: secretary, now };
  const twoEligible = [openedStrict, funded, entered(garden, 200_00), entered(benches, 100_00), entered(mural, 150_00, bob), closed, reviewed(garden), reviewed(benches), reviewed(mural, false)];
  spec(t).given(...twoEligible).when(open).then(votingOpened);
  spec(t)
    .given(openedStrict, funded, entered(garden, 200_00), entered(benches, 100_00), closed, reviewed(garden), reviewed(benches, false))
    .when(open)
    .thenError('PB.TOO_FEW_ELIGIBLE', { message: '1 proposals are eligible; a ballot approves at least 2' });
  spec(t)
    .given(...twoEligible, votingOpened)
    .when(cast(alice, [garden, mural]))
    .thenError('PB.NOT_ON_BALLOT', { message: `Proposal ${mural} is not on this round's ballot` });
  spec(t)
    .given(...twoEligible, votingOpened)
    .when(cast(alice, [garden]))
    .thenError('PB.APPROVALS_OUT_OF_RANGE', { message: 'A ballot approves from 2 to 2 proposals; this one 1' });
  spec(t)
    .given(...twoEligible, votingOpened)
    .when({ type: 'CloseVoting', lotSeed: '00000000000000000000000000000001', now: later(6) } as PbRoundCommand)
    .thenError('PB.VOTING_STILL_OPEN', { message: `Voting closes at ${later(7).toISOString()}` });
});

t.test('the lot is sfc32 as published, shuffling the ids in order (Fisher–Yates): anyone can draw it again', async (t) => {
  // The reference generator (Chris Doty-Humphrey's sfc32, as PractRand publishes it), written independently of the decider's.
  const sfc32 = (seed: string) => {
    let [a, b, c, d] = [0, 8, 16, 24].map((offset) => Number.parseInt(seed.slice(offset, offset + 8), 16) | 0) as [number, number, number, number];
    return () => {
      const result = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + result) | 0;
      return (result >>> 0) / 4294967296;
    };
  };
  const drawn = (seed: string, ids: string[]) => {
    const random = sfc32(seed);
    const order = [...ids].sort();
    for (let index = order.length - 1; index > 0; index -= 1) {
      const pick = Math.floor(random() * (index + 1));
      [order[index], order[pick]] = [order[pick]!, order[index]!];
    }
    return order;
  };
  const ids = Array.from({ length: 12 }, (_, n) => id(100 + n));
  for (const seed of ['00000000000000000000000000000001', 'ffffffff00000000ffffffff00000000', '9e3779b97f4a7c15f39cc0605cedc834', 'deadbeefcafebabe0123456789abcdef']) {
    t.strictSame(lotOrder(seed, ids), drawn(seed, ids), seed);
  }
});
