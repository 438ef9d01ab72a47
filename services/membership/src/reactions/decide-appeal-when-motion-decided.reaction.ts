// BW 2:35 lid 4: the assembly's decision on an expelled member's appeal ends it — each round recorded, so a new vote
// after a challenge has its effect too (BW 2:13 lid 4). Membership knows the voting context's decision by its name and
// the fields read here, so it does not depend on voting, which depends on it.
import { causedBy, type Reaction } from '@meent/eventsourcing';
import { z } from 'zod';
import { memberDecider, memberStream } from '../domain/member.decider.js';

const decidedAppeal = z.object({
  motionId: z.uuid(),
  cooperativeId: z.uuid(),
  round: z.int().positive(),
  decisionType: z.string(),
  subject: z.looseObject({ kind: z.string(), id: z.uuid().optional() }).nullable(),
  outcome: z.enum(['passed', 'rejected']),
  decidedAt: z.iso.datetime(),
});

export const decideAppealWhenMotionDecided: Reaction = {
  name: 'decide-appeal-when-motion-decided',
  eventTypes: ['MotionDecided'],
  async react(event, commands) {
    const decision = decidedAppeal.parse(event.data);
    const memberId = decision.subject?.kind === 'member' ? decision.subject.id : undefined;
    if (decision.decisionType !== 'expulsion-appeal' || memberId === undefined) return;
    const { state } = await commands.load(memberStream(memberId), memberDecider);
    // A motion about a member of another cooperative, or nobody, decides nothing here.
    if (state.status === 'Unregistered' || state.cooperativeId !== decision.cooperativeId) return;
    await commands.handle(
      memberStream(memberId),
      memberDecider,
      {
        type: 'RecordAppealDecision',
        motionId: decision.motionId,
        round: decision.round,
        confirmed: decision.outcome === 'passed',
        now: new Date(decision.decidedAt),
      },
      causedBy(decideAppealWhenMotionDecided, event),
    );
  },
};
