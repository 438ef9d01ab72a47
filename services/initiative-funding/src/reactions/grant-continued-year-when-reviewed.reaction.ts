// A continuation review that continues or adjusts a funding agreement grants the year: a new initiative on that year's
// budget, with the agreement's applicant and themes. Within the board's mandate the review's board members grant it at
// once; above it, it waits for the assembly's funding decision as any initiative does.
import { causedBy, type Reaction } from '@meent/eventsourcing';
import { ContinuationReviewed } from '../domain/agreement.events.js';
import { initiativeDecider, initiativeStream } from '../domain/initiative.decider.js';

export const grantContinuedYearWhenReviewed: Reaction = {
  name: 'grant-continued-year-when-reviewed',
  eventTypes: [ContinuationReviewed.type],
  async react(event, commands) {
    const review = ContinuationReviewed.schema.parse(event.data);
    const { grant, yearlyCents } = review;
    if (!grant || yearlyCents === null) return;
    const stream = initiativeStream(grant.initiativeId);
    const cause = causedBy(grantContinuedYearWhenReviewed, event);
    const now = new Date(event.metadata.occurredAt);
    const { state } = await commands.load(stream, initiativeDecider);
    if (state.status === 'NotSubmitted') {
      await commands.handle(
        stream,
        initiativeDecider,
        {
          type: 'SubmitInitiative',
          initiativeId: grant.initiativeId,
          cooperativeId: event.metadata.cooperativeId,
          applicant: grant.applicant,
          submittedBy: review.reviewedBy[0]!,
          title: grant.title,
          description: grant.description,
          requestedCents: yearlyCents,
          budgetId: grant.budgetId,
          lineCode: grant.lineCode,
          tranches: grant.tranches,
          themes: grant.themes,
          kind: grant.kind,
          // The agreement's themes were the cooperative's when it was made; its years keep them.
          cooperativeThemes: grant.themes,
          agreement: { agreementId: review.agreementId, year: review.year },
          now,
        },
        { ...cause, idempotencyKey: `${cause.idempotencyKey}/submit` },
      );
    }
    if (yearlyCents > grant.boardMandateCents) return;
    const { state: submitted } = await commands.load(stream, initiativeDecider);
    if (submitted.status !== 'Submitted') return;
    await commands.handle(
      stream,
      initiativeDecider,
      { type: 'DecideByBoard', approve: true, reason: review.reason, boardMandateCents: grant.boardMandateCents, deciders: review.reviewedBy, now },
      { ...cause, idempotencyKey: `${cause.idempotencyKey}/grant` },
    );
  },
};
