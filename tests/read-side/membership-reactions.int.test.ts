// Membership's reaction to the assembly's decision on an expelled member's appeal (BW 2:35 lid 4), specified as given
// events → when an event → then the commands it sends.
import t from 'tap';
import { reactionSpecification, recorded } from '@meent/eventsourcing/testing';
import { ExpulsionAppealed, MemberAdmitted, MemberExpelled, MemberRegistered, membershipEvents } from '@meent/membership/events';
import { votingEvents } from '@meent/voting/events';
import { decideAppealWhenMotionDecided } from '../../services/membership/src/reactions/decide-appeal-when-motion-decided.reaction.js';
import { applicantId, at, cooperativeId, motionDecided, motionId, otherCooperativeId } from './fixtures.js';

const stream = `member-${applicantId}`;
const envelope = { algorithm: 'aes-256-gcm' as const, subject: applicantId, iv: 'aXY=', ciphertext: 'Y2lwaGVy', tag: 'dGFn' };

function appealedExpulsion(cooperative = cooperativeId) {
  const on = (day: string) => ({ at: at(day), cooperativeId: cooperative });
  return [
    recorded(
      stream,
      MemberRegistered({
        memberId: applicantId,
        cooperativeId: cooperative,
        personalData: envelope,
        emailClaim: 'claim',
        channel: 'secretary',
        registeredAt: at('2026-09-01'),
      }),
      on('2026-09-01'),
    ),
    recorded(stream, MemberAdmitted({ memberId: applicantId, admittedAt: at('2026-09-02') }), on('2026-09-02')),
    recorded(
      stream,
      MemberExpelled({ memberId: applicantId, reason: 'Schade', appealUntil: at('2026-12-01'), expelledAt: at('2026-11-01') }),
      on('2026-11-01'),
    ),
    recorded(stream, ExpulsionAppealed({ memberId: applicantId, appealedAt: at('2026-11-10') }), on('2026-11-10')),
  ];
}

t.test('the assembly’s decision on an appeal reaches the expelled member’s record, each round', async (t) => {
  const spec = reactionSpecification(t, decideAppealWhenMotionDecided, [...membershipEvents, ...votingEvents]);
  const subject = { kind: 'member' as const, id: applicantId };
  const recordDecision = (confirmed: boolean, round: number) => ({
    stream,
    command: { type: 'RecordAppealDecision', motionId, round, confirmed, now: new Date(at('2026-12-01')) },
  });
  await spec.given(...appealedExpulsion()).when(motionDecided({ decisionType: 'expulsion-appeal', subject, outcome: 'passed' })).then([recordDecision(true, 1)]);
  await spec
    .given(...appealedExpulsion())
    .when(motionDecided({ decisionType: 'expulsion-appeal', subject, outcome: 'rejected', round: 2 }))
    .then([recordDecision(false, 2)]);
  await spec.given(...appealedExpulsion()).when(motionDecided({ decisionType: 'ordinary', subject: null, outcome: 'passed' })).then([]);
  await spec
    .given(...appealedExpulsion(otherCooperativeId))
    .when(motionDecided({ decisionType: 'expulsion-appeal', subject, outcome: 'passed' }))
    .then([], 'the motion’s cooperative is not the member’s');
});
