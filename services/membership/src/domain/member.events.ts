// A member's life in the register, on `member-{memberId}`. Personal data appears only encrypted.
import { defineEvent, encryptedDataSchema, type EventOf } from '@meent/eventsourcing';
import { z } from 'zod';

export const TERMINATION_KINDS = ['resigned', 'expelled', 'deceased'] as const;
export type TerminationKind = (typeof TERMINATION_KINDS)[number];

export const MemberRegistered = defineEvent('MemberRegistered', {
  schema: z.object({
    memberId: z.uuid(),
    cooperativeId: z.uuid(),
    personalData: encryptedDataSchema,
    /** Blind index of the e-mail address: the claim stream that keeps it unique. */
    emailClaim: z.string(),
    channel: z.enum(['secretary', 'self-application']),
    registeredAt: z.iso.datetime(),
  }),
  withheld: ['emailClaim'],
});

export const MemberAdmitted = defineEvent('MemberAdmitted', {
  schema: z.object({ memberId: z.uuid(), admittedAt: z.iso.datetime() }),
});

export const ApplicationRejected = defineEvent('ApplicationRejected', {
  schema: z.object({ memberId: z.uuid(), reason: z.string().min(1), rejectedAt: z.iso.datetime() }),
});

export const MemberDetailsChanged = defineEvent('MemberDetailsChanged', {
  schema: z.object({
    memberId: z.uuid(),
    personalData: encryptedDataSchema,
    emailClaim: z.string(),
    changedAt: z.iso.datetime(),
  }),
  withheld: ['emailClaim'],
});

/** The secretary recorded the member's kind of membership, which gives them the votes the statutes set (BW 2:38 lid 1). */
export const MembershipKindAssigned = defineEvent('MembershipKindAssigned', {
  schema: z.object({ memberId: z.uuid(), kind: z.string().min(1).nullable(), assignedAt: z.iso.datetime() }),
});

/** The treasurer recorded the member's turnover with the cooperative in a financial year, which statutes may count votes by. */
export const MemberTurnoverRecorded = defineEvent('MemberTurnoverRecorded', {
  schema: z.object({ memberId: z.uuid(), financialYear: z.int().min(2000).max(2200), turnoverCents: z.int().nonnegative(), recordedAt: z.iso.datetime() }),
});

export const MemberSuspended = defineEvent('MemberSuspended', {
  schema: z.object({ memberId: z.uuid(), reason: z.string().min(1), suspendedAt: z.iso.datetime() }),
});

export const MemberReinstated = defineEvent('MemberReinstated', {
  schema: z.object({ memberId: z.uuid(), reinstatedAt: z.iso.datetime() }),
});

export const MemberTerminated = defineEvent('MemberTerminated', {
  schema: z.object({
    memberId: z.uuid(),
    kind: z.enum(TERMINATION_KINDS),
    reason: z.string().min(1).nullable(),
    /** The moment membership ends; it may lie ahead, as a resignation at year end does. */
    effectiveAt: z.iso.datetime(),
    terminatedAt: z.iso.datetime(),
  }),
});

/**
 * BW 2:35 lid 4: the board expelled the member, with its reasons, which the member is told. Until the appeal term has
 * run, and while an appeal is pending, the member is suspended; unappealed, the expulsion takes effect when the term ends.
 */
export const MemberExpelled = defineEvent('MemberExpelled', {
  schema: z.object({
    memberId: z.uuid(),
    reason: z.string().min(1),
    /** The last moment the member may appeal to the general assembly. */
    appealUntil: z.iso.datetime(),
    expelledAt: z.iso.datetime(),
  }),
});

export const ExpulsionAppealed = defineEvent('ExpulsionAppealed', {
  schema: z.object({ memberId: z.uuid(), appealedAt: z.iso.datetime() }),
});

/** The assembly confirmed the expulsion on appeal: it takes effect with the decision. */
export const ExpulsionUpheld = defineEvent('ExpulsionUpheld', {
  schema: z.object({ memberId: z.uuid(), motionId: z.uuid(), round: z.int().positive(), effectiveAt: z.iso.datetime() }),
});

/** The assembly did not confirm the expulsion on appeal, or a new vote undid its confirmation: the member is restored. */
export const ExpulsionAnnulled = defineEvent('ExpulsionAnnulled', {
  schema: z.object({ memberId: z.uuid(), motionId: z.uuid(), round: z.int().positive(), annulledAt: z.iso.datetime() }),
});

export const PersonalDataErased = defineEvent('PersonalDataErased', {
  erasesPersonalData: true,
  schema: z.object({ memberId: z.uuid(), erasedAt: z.iso.datetime() }),
});

export type MemberEvent =
  | EventOf<typeof MemberRegistered>
  | EventOf<typeof MemberAdmitted>
  | EventOf<typeof ApplicationRejected>
  | EventOf<typeof MemberDetailsChanged>
  | EventOf<typeof MembershipKindAssigned>
  | EventOf<typeof MemberTurnoverRecorded>
  | EventOf<typeof MemberSuspended>
  | EventOf<typeof MemberReinstated>
  | EventOf<typeof MemberTerminated>
  | EventOf<typeof MemberExpelled>
  | EventOf<typeof ExpulsionAppealed>
  | EventOf<typeof ExpulsionUpheld>
  | EventOf<typeof ExpulsionAnnulled>
  | EventOf<typeof PersonalDataErased>;

export const memberEvents = [
  MemberRegistered,
  MemberAdmitted,
  ApplicationRejected,
  MemberDetailsChanged,
  MembershipKindAssigned,
  MemberTurnoverRecorded,
  MemberSuspended,
  MemberReinstated,
  MemberTerminated,
  MemberExpelled,
  ExpulsionAppealed,
  ExpulsionUpheld,
  ExpulsionAnnulled,
  PersonalDataErased,
];
