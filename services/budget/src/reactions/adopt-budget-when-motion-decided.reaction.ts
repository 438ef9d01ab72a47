import { causedBy, type Reaction } from '@meent/eventsourcing';
import { MotionDecided } from '@meent/voting/events';
import { budgetDecider, budgetStream } from '../domain/budget.decider.js';

/** A budget-adoption motion about a budget decides it: passed, the submitted version is in force; rejected, a draft. */
export const adoptBudgetWhenMotionDecided: Reaction = {
  name: 'adopt-budget-when-motion-decided',
  eventTypes: [MotionDecided.type],
  async react(event, commands) {
    const decision = MotionDecided.schema.parse(event.data);
    if (decision.decisionType !== 'budget-adoption' || decision.subject?.kind !== 'budget') return;
    const stream = budgetStream(decision.subject.id);
    const { state } = await commands.load(stream, budgetDecider);
    // A motion about a budget of another cooperative, or none, decides nothing here.
    if (state.status === 'NotDrafted' || state.cooperativeId !== decision.cooperativeId) return;
    await commands.handle(
      stream,
      budgetDecider,
      {
        type: 'RecordAdoptionDecision',
        motionId: decision.motionId,
        round: decision.round,
        passed: decision.outcome === 'passed',
        now: new Date(decision.decidedAt),
      },
      causedBy(adoptBudgetWhenMotionDecided, event),
    );
  },
};
