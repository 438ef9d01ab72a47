// A passed statute amendment that sets new rules puts them in force; a later round of its vote that goes against it,
// after a challenge, undoes it (BW 2:13 lid 4). Membership knows the voting context's decision by its name and the
// fields read here, so it does not depend on voting, which depends on it.
import { causedBy, type Reaction } from '@meent/eventsourcing';
import { z } from 'zod';
import { cooperativeDecider, cooperativeStream } from '../domain/cooperative.decider.js';
import { cooperativeRulesSchema } from '../domain/cooperative-rules.js';

const decidedAmendment = z.object({
  motionId: z.uuid(),
  cooperativeId: z.uuid(),
  decisionType: z.string(),
  subject: z.looseObject({ kind: z.string() }).nullable(),
  outcome: z.enum(['passed', 'rejected']),
  decidedAt: z.iso.datetime(),
});
const rulesSubject = z.object({ kind: z.literal('rules'), rules: cooperativeRulesSchema });

export const amendRulesWhenStatuteAmendmentPassed: Reaction = {
  name: 'amend-rules-when-statute-amendment-passed',
  eventTypes: ['MotionDecided'],
  async react(event, commands) {
    const decision = decidedAmendment.parse(event.data);
    if (decision.decisionType !== 'statute-amendment' || decision.subject?.kind !== 'rules') return;
    const { rules } = rulesSubject.parse(decision.subject);
    const { motionId } = decision;
    const now = new Date(decision.decidedAt);
    await commands.handle(
      cooperativeStream(decision.cooperativeId),
      cooperativeDecider,
      decision.outcome === 'passed' ? { type: 'AmendRules', motionId, rules, now } : { type: 'RecordAmendmentRejected', motionId, now },
      causedBy(amendRulesWhenStatuteAmendmentPassed, event),
    );
  },
};
