// A written resolution on `written-resolution-{resolutionId}` (BW 2:40 lid 2): a proposal the board puts to every member
// with a vote outside a meeting. When each of them has approved it in writing it is a decision of the general assembly,
// recorded as the `MotionDecided` every context already acts on; one who declines ends it.
import { defineEvent, type EventOf } from '@meent/eventsourcing';
import { DECISION_TYPES, majoritySchema } from '@meent/membership/events';
import { z } from 'zod';
import { voterSchema } from './assembly.events.js';
import { subjectSchema, type MotionDecided } from './motion.events.js';

export const WrittenResolutionProposed = defineEvent('WrittenResolutionProposed', {
  schema: z.object({
    resolutionId: z.uuid(),
    cooperativeId: z.uuid(),
    title: z.string().min(1),
    text: z.string().min(1),
    decisionType: z.enum(DECISION_TYPES),
    subject: subjectSchema.nullable(),
    /** The statutes' majority for its decision type, which the decision records as met: unanimity meets any. */
    majority: majoritySchema,
    /** The officer who put it on the board's behalf: the board's prior knowledge, on record. */
    proposedBy: z.uuid(),
    /** Every member with a vote when it was proposed, with their votes: each must approve. */
    voters: z.array(voterSchema).min(1),
    totalWeight: z.int().positive(),
    proposedAt: z.iso.datetime(),
  }),
});

export const WrittenResolutionApproved = defineEvent('WrittenResolutionApproved', {
  schema: z.object({ resolutionId: z.uuid(), memberId: z.uuid(), approvedAt: z.iso.datetime() }),
});

/** A member with a vote declined: unanimity is out of reach, and the proposal ends without a decision. */
export const WrittenResolutionDeclined = defineEvent('WrittenResolutionDeclined', {
  schema: z.object({ resolutionId: z.uuid(), memberId: z.uuid(), declinedAt: z.iso.datetime() }),
});

export type WrittenResolutionEvent =
  | EventOf<typeof WrittenResolutionProposed>
  | EventOf<typeof WrittenResolutionApproved>
  | EventOf<typeof WrittenResolutionDeclined>
  | EventOf<typeof MotionDecided>;

export const writtenResolutionEvents = [WrittenResolutionProposed, WrittenResolutionApproved, WrittenResolutionDeclined];
