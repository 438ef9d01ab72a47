// A general assembly on `assembly-{assemblyId}`: convened with its voter roll fixed, its agenda, the proxies its
// voters grant, the meeting itself with who attended, and its end.
import { defineEvent, type EventOf } from '@meent/eventsourcing';
import { cooperativeRulesSchema } from '@meent/membership/events';
import { z } from 'zod';

export const venueSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('online'), url: z.url().nullable().default(null) }),
    z.strictObject({ kind: z.literal('place'), address: z.string().min(1).max(500) }),
  ])
  .meta({ id: 'AssemblyVenue' });

export const AssemblyConvened = defineEvent('AssemblyConvened', {
  schema: z.object({
    assemblyId: z.uuid(),
    cooperativeId: z.uuid(),
    title: z.string().min(1),
    scheduledAt: z.iso.datetime(),
    venue: venueSchema,
    /** Membership on this moment decides who may vote. */
    recordDate: z.iso.datetime(),
    /** BW 2:42: the notice says the statutes are to be amended. */
    announcesStatuteAmendment: z.boolean(),
    /** The members' request this assembly answers (BW 2:41), if any. */
    requestId: z.uuid().nullable(),
    /** The rules in force at convening: every decision of this assembly is judged under them. */
    rules: cooperativeRulesSchema,
    rulesVersion: z.int().positive(),
    convenedAt: z.iso.datetime(),
  }),
});

export const voterSchema = z.object({ memberId: z.uuid(), weight: z.int().positive() });

export const VoterRollFixed = defineEvent('VoterRollFixed', {
  schema: z.object({
    assemblyId: z.uuid(),
    recordDate: z.iso.datetime(),
    voters: z.array(voterSchema),
    totalWeight: z.int().nonnegative(),
  }),
});

/**
 * A document the item puts before the assembly: the annual impact report of a financial year (the *jaarverslag* next
 * to the accounts), as it stood at a position in the event log — so every member reads the same figures, however
 * the record grows after.
 */
export const agendaDocumentSchema = z.object({
  kind: z.literal('impact-report'),
  year: z.int().min(2000).max(2200),
  /** The log position the report is read at; null: the item's own, the report as it stood when it was put on the agenda. */
  asOfPosition: z.int().nonnegative().nullable(),
});
export type AgendaDocument = z.infer<typeof agendaDocumentSchema>;

export const AgendaItemAdded = defineEvent('AgendaItemAdded', {
  schema: z.object({
    assemblyId: z.uuid(),
    number: z.int().positive(),
    title: z.string().min(1),
    document: agendaDocumentSchema.optional(),
    addedAt: z.iso.datetime(),
  }),
});

export const ProxyGranted = defineEvent('ProxyGranted', {
  schema: z.object({ assemblyId: z.uuid(), grantorId: z.uuid(), holderId: z.uuid(), grantedAt: z.iso.datetime() }),
});

export const ProxyRevoked = defineEvent('ProxyRevoked', {
  schema: z.object({ assemblyId: z.uuid(), grantorId: z.uuid(), holderId: z.uuid(), revokedAt: z.iso.datetime() }),
});

export const AssemblyOpened = defineEvent('AssemblyOpened', {
  schema: z.object({ assemblyId: z.uuid(), openedAt: z.iso.datetime() }),
});

export const AttendanceRecorded = defineEvent('AttendanceRecorded', {
  schema: z.object({ assemblyId: z.uuid(), memberId: z.uuid(), recordedAt: z.iso.datetime() }),
});

export const AssemblyClosed = defineEvent('AssemblyClosed', {
  schema: z.object({ assemblyId: z.uuid(), cooperativeId: z.uuid(), closedAt: z.iso.datetime() }),
});

export const convokedMotionSchema = z.object({
  motionId: z.uuid(),
  title: z.string().min(1),
  /** Verbatim: a statute amendment's proposal is sent along with the notice (BW 2:42 lid 1). */
  text: z.string().min(1),
  decisionType: z.string().min(1),
});

/**
 * The convocation went out to everyone on the roll: the agenda and the motions as tabled when it was sent. Notice runs
 * from here, and the notifications context e-mails it; sent again, it supplements what was sent before.
 */
export const ConvocationSent = defineEvent('ConvocationSent', {
  schema: z.object({
    assemblyId: z.uuid(),
    cooperativeId: z.uuid(),
    agenda: z.array(z.string().min(1)),
    motions: z.array(convokedMotionSchema),
    recipients: z.int().nonnegative(),
    sentAt: z.iso.datetime(),
  }),
});

export const AssemblyCancelled = defineEvent('AssemblyCancelled', {
  schema: z.object({ assemblyId: z.uuid(), reason: z.string().min(1), cancelledAt: z.iso.datetime() }),
});

export type AssemblyEvent =
  | EventOf<typeof AssemblyConvened>
  | EventOf<typeof VoterRollFixed>
  | EventOf<typeof AgendaItemAdded>
  | EventOf<typeof ConvocationSent>
  | EventOf<typeof ProxyGranted>
  | EventOf<typeof ProxyRevoked>
  | EventOf<typeof AssemblyOpened>
  | EventOf<typeof AttendanceRecorded>
  | EventOf<typeof AssemblyClosed>
  | EventOf<typeof AssemblyCancelled>;

export const assemblyEvents = [
  AssemblyConvened,
  VoterRollFixed,
  AgendaItemAdded,
  ConvocationSent,
  ProxyGranted,
  ProxyRevoked,
  AssemblyOpened,
  AttendanceRecorded,
  AssemblyClosed,
  AssemblyCancelled,
];
