import { causedBy, type Reaction } from '@meent/eventsourcing';
import { MotionDecided } from '@meent/voting/events';
import { ACCOUNTS_DECISION_TYPES, annualAccountsAggregate, annualAccountsDecider } from '../domain/annual-accounts.decider.js';
import { budgetDecider, budgetStream } from '../domain/budget.decider.js';

type AccountsDecisionType = (typeof ACCOUNTS_DECISION_TYPES)[number];
const isAccountsDecision = (type: string): type is AccountsDecisionType => (ACCOUNTS_DECISION_TYPES as readonly string[]).includes(type);

/**
 * The assembly's decisions on a year's accounts (BW 2:48 lid 3, 2:58 lid 1): their adoption, the board's discharge and
 * more time to present them — each round recorded, so a new vote after a challenge has its effect too (BW 2:13 lid 4).
 */
export const decideAccountsWhenMotionDecided: Reaction = {
  name: 'decide-accounts-when-motion-decided',
  eventTypes: [MotionDecided.type],
  async react(event, commands) {
    const decision = MotionDecided.schema.parse(event.data);
    const { subject, decisionType } = decision;
    if (!isAccountsDecision(decisionType) || (subject?.kind !== 'annual-accounts' && subject?.kind !== 'accounts-extension')) return;
    const { state: budget } = await commands.load(budgetStream(subject.id), budgetDecider);
    // A motion about a budget of another cooperative, or none, decides nothing here.
    if (budget.status === 'NotDrafted' || budget.cooperativeId !== decision.cooperativeId) return;
    await commands.handle(
      annualAccountsAggregate.stream(subject.id),
      annualAccountsDecider,
      {
        type: 'RecordAccountsDecision',
        budgetId: subject.id,
        decisionType,
        motionId: decision.motionId,
        round: decision.round,
        passed: decision.outcome === 'passed',
        months: subject.kind === 'accounts-extension' ? subject.months : null,
        now: new Date(decision.decidedAt),
      },
      causedBy(decideAccountsWhenMotionDecided, event),
    );
  },
};
