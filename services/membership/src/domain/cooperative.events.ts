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

/** A statute amendment the assembly passed that sets new rules: the rules in full, in force from the decision. */
export const RulesAmended = defineEvent('RulesAmended', {
  schema: z.object({
    cooperativeId: z.uuid(),
    rules: cooperativeRulesSchema,
    /** 1 is the rules the cooperative was founded under; each amendment the next. */
    version: z.int().min(2),
    motionId: z.uuid(),
    amendedAt: z.iso.datetime(),
  }),
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
  | EventOf<typeof RulesAmended>
  | EventOf<typeof RulesAmendmentUndone>
  | EventOf<typeof OfficerAppointed>
  | EventOf<typeof OfficerDismissed>;
export const cooperativeEvents = [CooperativeFounded, RulesAmended, RulesAmendmentUndone, OfficerAppointed, OfficerDismissed];
