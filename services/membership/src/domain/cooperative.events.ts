// The cooperative's events: its founding with the rules it starts under, their amendments, and who holds which office.
import { defineEvent, type EventOf } from '@meent/eventsourcing';
import { z } from 'zod';
import { cooperativeRulesSchema } from './cooperative-rules.js';

export const CooperativeFounded = defineEvent('CooperativeFounded', {
  version: 1,
  schema: z.object({
    cooperativeId: z.uuid(),
    name: z.string().min(1),
    chamberOfCommerceNumber: z.string().nullable(),
    /** The rules in full, defaults applied, so a later change of defaults never rewrites history. */
    rules: cooperativeRulesSchema,
    foundedAt: z.iso.datetime(),
  }),
});

/**
 * The assembly passed a statute amendment that sets new rules. BW 2:43 lid 5: it takes effect only once a notarial deed
 * of it is executed; until then the rules in force stay.
 */
export const StatuteAmendmentAdopted = defineEvent('StatuteAmendmentAdopted', {
  schema: z.object({ cooperativeId: z.uuid(), rules: cooperativeRulesSchema, motionId: z.uuid(), adoptedAt: z.iso.datetime() }),
});

export const notarialDeedSchema = z
  .object({ executedOn: z.iso.date(), notary: z.string().min(1) })
  .meta({ id: 'NotarialDeed', description: 'The deed that put a statute amendment into effect (BW 2:43 lid 5)' });

/** A passed statute amendment in force: the rules in full, from its notarial deed. */
export const RulesAmended = defineEvent('RulesAmended', {
  version: 2,
  schema: z.object({
    cooperativeId: z.uuid(),
    rules: cooperativeRulesSchema,
    /** 1 is the rules the cooperative was founded under; each amendment the next. */
    version: z.int().min(2),
    motionId: z.uuid(),
    /** Null for an amendment put in force by its decision alone, before Meent recorded deeds. */
    deed: notarialDeedSchema.nullable(),
    amendedAt: z.iso.datetime(),
  }),
  upcasters: { 1: (data) => ({ ...data, deed: null }) },
});

/** The notary filed the amended statutes with the trade register. */
export const StatuteAmendmentFiled = defineEvent('StatuteAmendmentFiled', {
  schema: z.object({ cooperativeId: z.uuid(), motionId: z.uuid(), filedOn: z.iso.date(), filedAt: z.iso.datetime() }),
});

/** BW 2:13 lid 4: a new vote went against a statute amendment still awaiting its deed, which now never takes effect. */
export const AdoptedAmendmentUndone = defineEvent('AdoptedAmendmentUndone', {
  schema: z.object({ cooperativeId: z.uuid(), motionId: z.uuid(), undoneAt: z.iso.datetime() }),
});

/**
 * BW 2:13 lid 4: the statute amendment was challenged and the new vote went against it, which cancels its effects:
 * the rules it replaced are in force again, as the next version.
 */
export const RulesAmendmentUndone = defineEvent('RulesAmendmentUndone', {
  schema: z.object({
    cooperativeId: z.uuid(),
    /** The rules in force again: those the undone amendment had replaced. */
    rules: cooperativeRulesSchema,
    version: z.int().min(3),
    motionId: z.uuid(),
    undoneAt: z.iso.datetime(),
  }),
});

/**
 * BW 2:19 lid 1 sub a: the assembly's decision dissolved the cooperative. It goes on only as far as its liquidation
 * needs (2:19 lid 5), with the board members as its liquidators unless the statutes name others (2:23 lid 1).
 */
export const CooperativeDissolved = defineEvent('CooperativeDissolved', {
  schema: z.object({
    cooperativeId: z.uuid(),
    motionId: z.uuid(),
    /** The members on the board at the decision; empty where it had none, and the court appoints them (2:23 lid 2). */
    liquidators: z.array(z.uuid()),
    dissolvedAt: z.iso.datetime(),
  }),
});

/** BW 2:13 lid 4: a new vote after a challenge went against the dissolution, which cancels it. */
export const DissolutionUndone = defineEvent('DissolutionUndone', {
  schema: z.object({ cooperativeId: z.uuid(), motionId: z.uuid(), undoneAt: z.iso.datetime() }),
});

export const OFFICES = ['chair', 'secretary', 'treasurer', 'board-member'] as const;
export type Office = (typeof OFFICES)[number];

export const OfficerAppointed = defineEvent('OfficerAppointed', {
  schema: z.object({ memberId: z.uuid(), office: z.enum(OFFICES), appointedAt: z.iso.datetime() }),
});

export const OfficerDismissed = defineEvent('OfficerDismissed', {
  schema: z.object({ memberId: z.uuid(), office: z.enum(OFFICES), dismissedAt: z.iso.datetime() }),
});

export type CooperativeEvent =
  | EventOf<typeof CooperativeFounded>
  | EventOf<typeof StatuteAmendmentAdopted>
  | EventOf<typeof RulesAmended>
  | EventOf<typeof StatuteAmendmentFiled>
  | EventOf<typeof AdoptedAmendmentUndone>
  | EventOf<typeof RulesAmendmentUndone>
  | EventOf<typeof CooperativeDissolved>
  | EventOf<typeof DissolutionUndone>
  | EventOf<typeof OfficerAppointed>
  | EventOf<typeof OfficerDismissed>;
export const cooperativeEvents = [
  CooperativeFounded,
  StatuteAmendmentAdopted,
  RulesAmended,
  StatuteAmendmentFiled,
  AdoptedAmendmentUndone,
  RulesAmendmentUndone,
  CooperativeDissolved,
  DissolutionUndone,
  OfficerAppointed,
  OfficerDismissed,
];
