// A continuation review needs more than the agreement's stream: the first year's grant (its applicant, title, themes
// and kind carry over to the next year's), the board's mandate in force, and fresh ids.
import type { Accepted, CommandOrigin, ServiceRuntime } from '@meent/eventsourcing';
import { rulesIn } from '@meent/membership/standing';
import { agreementAggregate } from '../domain/agreement.decider.js';
import type { CONTINUATION_OUTCOMES } from '../domain/agreement.events.js';
import { applicantMemberOf, initiativeAggregate } from '../domain/initiative.decider.js';
import { initiativeDetail, initiativesProjection } from '../projections/initiatives.projection.js';

/** The caller and those they name as deciding with them, each once. */
export const decidersWith = (caller: string, also: readonly string[]) => [caller, ...also.filter((member) => member !== caller)];

export interface ContinuationReview {
  readonly year: number;
  readonly outcome: (typeof CONTINUATION_OUTCOMES)[number];
  readonly yearlyCents?: number | undefined;
  readonly reason: string;
  readonly budgetId?: string | undefined;
  readonly lineCode?: string | undefined;
  readonly tranches?: readonly { readonly amountCents: number; readonly milestone: string }[] | undefined;
  readonly themes?: readonly string[] | undefined;
  readonly alsoDecidedBy: readonly string[];
}

export async function reviewContinuation(runtime: ServiceRuntime, origin: CommandOrigin, reviewer: string, agreementId: string, review: ContinuationReview): Promise<Accepted> {
  const { cooperativeId } = origin;
  const { id, position } = await runtime.aggregate(agreementAggregate).handle(origin, agreementId, async (agreement, now) => {
    const initiative = await runtime.aggregate(initiativeAggregate).load(cooperativeId, agreement.initiativeId);
    const first = await runtime.projections.query(initiativesProjection, (reader, tables) => initiativeDetail(reader, tables, cooperativeId, agreement.initiativeId));
    const rules = await rulesIn(runtime.commands, cooperativeId);
    const { budgetId, lineCode, tranches } = review;
    const title = first?.title ?? 'Initiative';
    return {
      type: 'ReviewContinuation',
      year: review.year,
      outcome: review.outcome,
      yearlyCents: review.yearlyCents ?? null,
      reason: review.reason,
      reviewedBy: decidersWith(reviewer, review.alsoDecidedBy),
      applicantMemberId: applicantMemberOf(initiative.applicant),
      grant:
        review.outcome !== 'ended' && budgetId && lineCode && tranches
          ? {
              initiativeId: runtime.newId(),
              applicant: initiative.applicant,
              title: `${title} (${review.year})`,
              description: `Year ${review.year} of the funding agreement for ${title}: ${review.reason}`,
              themes: [...(review.themes ?? first?.themes ?? [])],
              kind: first?.kind ?? 'community-initiative',
              budgetId,
              lineCode,
              tranches: [...tranches],
              boardMandateCents: rules?.boardMandateCents ?? 0,
            }
          : null,
      now,
    };
  });
  return { id, position };
}
