// Members demanding an assembly (BW 2:41) on `assembly-request-{requestId}`: once the supporters hold the rules'
// share of the votes, the board must hold one within four weeks.
import { defineEvent, type EventOf } from '@meent/eventsourcing';
import { z } from 'zod';

export const AssemblyRequested = defineEvent('AssemblyRequested', {
  schema: z.object({
    requestId: z.uuid(),
    cooperativeId: z.uuid(),
    subject: z.string().min(1),
    requestedBy: z.uuid(),
    requestedAt: z.iso.datetime(),
  }),
});

export const AssemblyRequestSupported = defineEvent('AssemblyRequestSupported', {
  schema: z.object({ requestId: z.uuid(), memberId: z.uuid(), weight: z.int().positive(), supportedAt: z.iso.datetime() }),
});

export const AssemblyDemanded = defineEvent('AssemblyDemanded', {
  schema: z.object({
    requestId: z.uuid(),
    cooperativeId: z.uuid(),
    supportingWeight: z.int().positive(),
    /** The votes of every member eligible when the share was reached. */
    eligibleWeight: z.int().positive(),
    /** The board must hold the assembly by then. */
    deadline: z.iso.datetime(),
    demandedAt: z.iso.datetime(),
  }),
});

/**
 * The demanded assembly is convened: by the board, or — when the board had not convened it within 14 days — by the
 * requesters themselves (BW 2:41 lid 2). Whether it is held by the deadline is on record with it.
 */
export const DemandedAssemblyConvened = defineEvent('DemandedAssemblyConvened', {
  schema: z.object({
    requestId: z.uuid(),
    assemblyId: z.uuid(),
    convenedBy: z.enum(['board', 'requesters']),
    scheduledAt: z.iso.datetime(),
    /** Whether the meeting is held by the deadline the demand set. */
    withinDeadline: z.boolean(),
    convenedAt: z.iso.datetime(),
  }),
});

export type AssemblyRequestEvent =
  | EventOf<typeof AssemblyRequested>
  | EventOf<typeof AssemblyRequestSupported>
  | EventOf<typeof AssemblyDemanded>
  | EventOf<typeof DemandedAssemblyConvened>;

export const assemblyRequestEvents = [AssemblyRequested, AssemblyRequestSupported, AssemblyDemanded, DemandedAssemblyConvened];
