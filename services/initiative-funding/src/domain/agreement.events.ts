// A multi-year funding agreement on `funding_agreement-{agreementId}`: an initiative granted for its first year, a
// yearly amount for the years after, and a continuation review each year that continues it, adjusts the amount or
// ends it with the reason on record. Each continued year is a grant of its own — an initiative on that year's budget,
// decided by the board within its mandate and by the assembly above it, as funding decisions go — so the money runs
// through reservations and tranches as any grant's does. Ending is an outcome, not a failure.
import { defineEvent, type EventOf } from '@meent/eventsourcing';
import { z } from 'zod';
import { INITIATIVE_KINDS, applicantSchema, trancheSchema } from './initiative.events.js';

const cents = z.int().positive().max(Number.MAX_SAFE_INTEGER);
const year = z.int().min(2000).max(2200);

export const CONTINUATION_OUTCOMES = ['continued', 'adjusted', 'ended'] as const;

export const FundingAgreementMade = defineEvent('FundingAgreementMade', {
  schema: z.object({
    agreementId: z.uuid(),
    cooperativeId: z.uuid(),
    /** The first year's grant. */
    initiativeId: z.uuid(),
    firstYear: year,
    lastYear: year,
    yearlyCents: cents,
    madeBy: z.array(z.uuid()).min(1),
    madeAt: z.iso.datetime(),
  }),
});

/** The grant a continued year makes: a new initiative on that year's budget, with the agreement's applicant and themes. */
export const yearGrantSchema = z.object({
  initiativeId: z.uuid(),
  applicant: applicantSchema,
  title: z.string().min(1),
  description: z.string().min(1),
  themes: z.array(z.string().min(1)).max(20),
  kind: z.enum(INITIATIVE_KINDS),
  budgetId: z.uuid(),
  lineCode: z.string().min(1),
  tranches: z.array(trancheSchema).min(1),
  /** Within the board's mandate the review itself grants it; above, the assembly decides it as any funding decision. */
  boardMandateCents: z.int().nonnegative(),
});

export const ContinuationReviewed = defineEvent('ContinuationReviewed', {
  schema: z.object({
    agreementId: z.uuid(),
    year,
    outcome: z.enum(CONTINUATION_OUTCOMES),
    /** The year's amount when continued or adjusted; null when ended. */
    yearlyCents: cents.nullable(),
    reason: z.string().min(1),
    reviewedBy: z.array(z.uuid()).min(1),
    grant: yearGrantSchema.nullable(),
    reviewedAt: z.iso.datetime(),
  }),
});

export type AgreementEvent = EventOf<typeof FundingAgreementMade> | EventOf<typeof ContinuationReviewed>;

export const agreementEvents = [FundingAgreementMade, ContinuationReviewed] as const;
