// Shared givens for the voting specifications: a cooperative's rules, an assembly convened on them, its voters.
import { cooperativeRulesSchema, type CooperativeRulesInput } from '@meent/membership';
import { AssemblyConvened, AssemblyOpened, AttendanceRecorded, ProxyGranted, VoterRollFixed } from '@meent/voting';
import { assemblyDecider, type ConvenedAssembly } from '../src/domain/assembly.decider.js';
import type { AssemblyEvent } from '../src/domain/assembly.events.js';

export const cooperativeId = '0193a6f0-0000-7000-8000-000000000001';
export const assemblyId = '0193a6f0-0000-7000-8000-0000000000a1';
export const motionId = '0193a6f0-0000-7000-8000-0000000000b1';
export const voter = (n: number) => `0193a6f0-0000-7000-8000-${String(n).padStart(12, '0')}`;
export const outsider = voter(999);

export const convenedAt = new Date('2026-03-01T10:00:00.000Z');
export const scheduledAt = '2026-04-01T19:00:00.000Z';
export const recordDate = '2026-02-28T00:00:00.000Z';
export const atMeeting = new Date('2026-04-01T19:30:00.000Z');

export const rulesWith = (input: CooperativeRulesInput = {}) => cooperativeRulesSchema.parse(input);

export function convened(
  options: { rules?: CooperativeRulesInput; voters?: number; announcesStatuteAmendment?: boolean; at?: Date } = {},
): AssemblyEvent[] {
  const voters = Array.from({ length: options.voters ?? 5 }, (_, index) => ({ memberId: voter(index + 1), weight: 1 }));
  return [
    AssemblyConvened({
      assemblyId,
      cooperativeId,
      title: 'Algemene ledenvergadering voorjaar',
      scheduledAt,
      venue: { kind: 'place', address: 'Buurthuis De Meent, Dorpsstraat 1' },
      recordDate,
      announcesStatuteAmendment: options.announcesStatuteAmendment ?? false,
      requestId: null,
      rules: rulesWith(options.rules),
      rulesVersion: 1,
      convenedAt: (options.at ?? convenedAt).toISOString(),
    }),
    VoterRollFixed({ assemblyId, recordDate, voters, totalWeight: voters.length }),
  ];
}

export const opened = AssemblyOpened({ assemblyId, openedAt: atMeeting.toISOString() });
export const present = (n: number) => AttendanceRecorded({ assemblyId, memberId: voter(n), recordedAt: atMeeting.toISOString() });
export const proxy = (grantor: number, holder: number) =>
  ProxyGranted({ assemblyId, grantorId: voter(grantor), holderId: voter(holder), grantedAt: convenedAt.toISOString() });

/** The assembly as the motion decider is given it. */
export function assemblyAfter(...events: AssemblyEvent[]): ConvenedAssembly {
  const state = events.reduce(assemblyDecider.evolve, assemblyDecider.initialState);
  if (state.status === 'NotConvened') throw new Error('the givens never convene the assembly');
  return state;
}
