// The organisations a cooperative works with (`partner-{partnerId}`) and their partnerships with initiatives
// (`partnership-{partnershipId}`): what a partner brings, from when until when, and each contribution booked as it is
// made — the professional knowledge of colleges, health services and care providers brought to the kitchen table,
// on record as events, not free text.
import { defineEvent, type EventOf } from '@meent/eventsourcing';
import { z } from 'zod';

const day = z.iso.date();

export const PARTNER_KINDS = ['college', 'health-service', 'municipality', 'housing-corporation', 'care-provider', 'employer', 'other'] as const;

/** What a partner may bring: a contribution is booked as one of these. */
export const CONTRIBUTION_KINDS = ['expertise', 'hours', 'co-funding', 'space'] as const;
export type ContributionKind = (typeof CONTRIBUTION_KINDS)[number];

export const PartnerRegistered = defineEvent('PartnerRegistered', {
  schema: z.object({
    partnerId: z.uuid(),
    cooperativeId: z.uuid(),
    name: z.string().min(1).max(200),
    kind: z.enum(PARTNER_KINDS),
    registeredBy: z.string().min(1),
    registeredAt: z.iso.datetime(),
  }),
});

/** What the partner brings to the initiative: a role is a profession's title, never a person. */
export const partnerOfferSchema = z
  .strictObject({
    expertise: z.string().trim().min(1).max(500).nullable().default(null),
    /** The professional role the partner puts in — "wijkverpleegkundige", "jobcoach" — never a person's name. */
    role: z.string().trim().min(1).max(100).nullable().default(null),
    hoursPerYear: z.int().positive().max(10_000).nullable().default(null),
    coFundingCents: z.int().positive().max(Number.MAX_SAFE_INTEGER).nullable().default(null),
    space: z.string().trim().min(1).max(500).nullable().default(null),
  })
  .refine((offer) => Object.values(offer).some((value) => value !== null), { message: 'a partnership brings something' })
  .meta({ id: 'PartnerOffer', description: 'What a partner brings to an initiative' });
export type PartnerOffer = z.infer<typeof partnerOfferSchema>;

export const PartnershipAgreed = defineEvent('PartnershipAgreed', {
  schema: z.object({
    partnershipId: z.uuid(),
    cooperativeId: z.uuid(),
    partnerId: z.uuid(),
    initiativeId: z.uuid(),
    offer: partnerOfferSchema,
    from: day,
    /** The last day it runs; null: until it is ended. */
    until: day.nullable(),
    agreedBy: z.string().min(1),
    agreedAt: z.iso.datetime(),
  }),
});

/** A contribution as it was made: hours given, money paid in, expertise or space provided on a day. */
export const PartnerContributionBooked = defineEvent('PartnerContributionBooked', {
  schema: z.object({
    partnershipId: z.uuid(),
    contributionId: z.uuid(),
    kind: z.enum(CONTRIBUTION_KINDS),
    /** Hours for `hours`, cents for `co-funding`; null for expertise and space, which are counted as occasions. */
    quantity: z.int().positive().nullable(),
    description: z.string().min(1).max(1000),
    on: day,
    bookedBy: z.string().min(1),
    bookedAt: z.iso.datetime(),
  }),
});

export const PartnershipEnded = defineEvent('PartnershipEnded', {
  schema: z.object({ partnershipId: z.uuid(), lastDay: day, reason: z.string().min(1).max(1000), endedBy: z.string().min(1), endedAt: z.iso.datetime() }),
});

export type PartnerEvent = EventOf<typeof PartnerRegistered>;
export type PartnershipEvent = EventOf<typeof PartnershipAgreed> | EventOf<typeof PartnerContributionBooked> | EventOf<typeof PartnershipEnded>;

export const partnerEvents = [PartnerRegistered, PartnershipAgreed, PartnerContributionBooked, PartnershipEnded] as const;
