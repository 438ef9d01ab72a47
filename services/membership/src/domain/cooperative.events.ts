// The cooperative's events: its founding, with the rules it starts under.
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

export type CooperativeEvent = EventOf<typeof CooperativeFounded>;
export const cooperativeEvents = [CooperativeFounded];
