// Events as each context records them, for the read side's specifications: one cooperative's budget, an initiative
// funded from it, and the motions that decide them.
import { recorded } from '@meent/eventsourcing/testing';
import { BudgetAdopted, BudgetDrafted, BudgetLineSet, BudgetSubmitted, FundsReserved, type BudgetLine } from '@meent/budget/events';
import { FundingApproved, InitiativeCompleted, InitiativeSubmitted, TrancheApproved } from '@meent/initiative-funding/events';
import { MotionDecided } from '@meent/voting/events';

export const cooperativeId = '0193a6f0-0000-7000-8000-0000000000c1';
export const otherCooperativeId = '0193a6f0-0000-7000-8000-0000000000c2';
export const budgetId = '0193a6f0-0000-7000-8000-0000000000b1';
export const initiativeId = '0193a6f0-0000-7000-8000-0000000000f1';
export const assemblyId = '0193a6f0-0000-7000-8000-0000000000a1';
export const motionId = '0193a6f0-0000-7000-8000-0000000000d1';
export const applicantId = '0193a6f0-0000-7000-8000-000000000e01';
export const treasurerId = '0193a6f0-0000-7000-8000-000000000e02';
export const chairId = '0193a6f0-0000-7000-8000-000000000e03';

export const greenLine: BudgetLine = { code: '4100', name: 'Groen in de wijk', kind: 'expense', amountCents: 500_000 };
export const at = (day: string) => `${day}T10:00:00.000Z`;
const inCooperative = (day: string, cooperative = cooperativeId) => ({ at: at(day), cooperativeId: cooperative });

/** A budget of 2027 with one expense line, drafted, submitted and adopted by motion. */
export function adoptedBudget(cooperative = cooperativeId) {
  const stream = `budget-${budgetId}`;
  return [
    recorded(stream, BudgetDrafted({ budgetId, cooperativeId: cooperative, financialYear: 2027, period: { firstDay: '2027-01-01', lastDay: '2027-12-31' }, title: 'Begroting 2027', draftedAt: at('2026-11-01') }), inCooperative('2026-11-01', cooperative)),
    recorded(stream, BudgetLineSet({ budgetId, ...greenLine, setAt: at('2026-11-02') }), inCooperative('2026-11-02', cooperative)),
    recorded(stream, BudgetSubmitted({ budgetId, version: 1, lines: [greenLine], submittedAt: at('2026-11-03') }), inCooperative('2026-11-03', cooperative)),
    recorded(
      stream,
      BudgetAdopted({ budgetId, cooperativeId: cooperative, financialYear: 2027, version: 1, lines: [greenLine], motionId, round: 1, adoptedAt: at('2026-12-01') }),
      inCooperative('2026-12-01', cooperative),
    ),
  ];
}

/** The budget drafted and submitted, not yet decided. */
export const submittedBudget = (cooperative = cooperativeId) => adoptedBudget(cooperative).slice(0, 3);

/** The assembly's decision on a motion, as the voting context publishes it. */
export function motionDecided(
  decision: Pick<Parameters<typeof MotionDecided>[0], 'decisionType' | 'subject' | 'outcome'> & { round?: number; day?: string },
  cooperative = cooperativeId,
) {
  const day = decision.day ?? '2026-12-01';
  const passed = decision.outcome === 'passed';
  return recorded(
    `motion-${motionId}`,
    MotionDecided({
      motionId,
      assemblyId,
      cooperativeId: cooperative,
      round: decision.round ?? 1,
      decisionType: decision.decisionType,
      subject: decision.subject,
      ballot: 'open',
      tally: { for: passed ? 8 : 2, against: passed ? 2 : 8, abstain: 0, notVoted: 2 },
      eligibleWeight: 12,
      turnoutWeight: 10,
      presentWeight: 10,
      rule: { majority: 'simple', quorum: null, basis: 'rules' },
      quorumMet: true,
      outcome: decision.outcome,
      explanation: passed ? 'passed by a simple majority' : 'rejected by a simple majority',
      decidedAt: at(day),
    }),
    inCooperative(day, cooperative),
  );
}

const initiativeStream = `initiative-${initiativeId}`;
export const reservationId = '0193a6f0-0000-7000-8000-0000000000e9';

export const initiativeSubmitted = recorded(
  initiativeStream,
  InitiativeSubmitted({
    initiativeId,
    cooperativeId,
    applicant: { kind: 'member', memberId: applicantId },
    submittedBy: applicantId,
    title: 'Moestuin achter de school',
    description: 'Een moestuin voor de buurt, met de school.',
    requestedCents: 120_000,
    budgetId,
    lineCode: greenLine.code,
    tranches: [{ amountCents: 80_000, milestone: 'Aanleg' }, { amountCents: 40_000, milestone: 'Eerste seizoen' }],
    themes: ['meedoen', 'leren'],
    kind: 'community-initiative',
    submittedAt: at('2027-01-10'),
  }),
  { at: at('2027-01-10'), cooperativeId, by: applicantId },
);

export const fundingApproved = recorded(
  initiativeStream,
  FundingApproved({
    initiativeId,
    cooperativeId,
    amountCents: 120_000,
    budgetId,
    lineCode: greenLine.code,
    decidedBy: { kind: 'board', boardMembers: [chairId] },
    approvedAt: at('2027-01-20'),
  }),
  inCooperative('2027-01-20'),
);

/** The ledger's reservation for the initiative, as the budget context booked it. */
export const fundsReserved = recorded(
  `ledger-${budgetId}`,
  FundsReserved({
    reservationId,
    lineCode: greenLine.code,
    amountCents: 120_000,
    reference: { kind: 'initiative', id: initiativeId },
    override: null,
    reservedOn: '2027-01-20',
    reservedAt: at('2027-01-20'),
  }),
  inCooperative('2027-01-20'),
);

export const trancheApproved = recorded(
  initiativeStream,
  TrancheApproved({
    initiativeId,
    cooperativeId,
    budgetId,
    reservationId,
    trancheNumber: 1,
    amountCents: 80_000,
    approvers: [chairId, treasurerId],
    approvedAt: at('2027-02-01'),
  }),
  inCooperative('2027-02-01'),
);

export const initiativeCompleted = recorded(
  initiativeStream,
  InitiativeCompleted({ initiativeId, cooperativeId, budgetId, reservationId, finalReport: 'De tuin bloeit.', completedAt: at('2027-06-01') }),
  inCooperative('2027-06-01'),
);
