// BW 2:19 lid 1 sub a: the assembly's decision to dissolve puts the cooperative into liquidation; a new vote after a
// challenge that goes against it cancels that (BW 2:13 lid 4). Membership knows the voting context's decision by its
// name and the fields read here, so it does not depend on voting, which depends on it.
import { causedBy, type Reaction } from '@meent/eventsourcing';
import { z } from 'zod';
import { cooperativeDecider, cooperativeStream } from '../domain/cooperative.decider.js';

const decidedDissolution = z.object({
  motionId: z.uuid(),
  cooperativeId: z.uuid(),
  decisionType: z.string(),
  outcome: z.enum(['passed', 'rejected']),
  decidedAt: z.iso.datetime(),
});

export const dissolveWhenDissolutionDecided: Reaction = {
  name: 'dissolve-when-dissolution-decided',
  eventTypes: ['MotionDecided'],
  async react(event, commands) {
    const decision = decidedDissolution.parse(event.data);
    if (decision.decisionType !== 'dissolution') return;
    await commands.handle(
      cooperativeStream(decision.cooperativeId),
      cooperativeDecider,
      { type: 'RecordDissolutionDecision', motionId: decision.motionId, passed: decision.outcome === 'passed', now: new Date(decision.decidedAt) },
      causedBy(dissolveWhenDissolutionDecided, event),
    );
  },
};
