// For the benchmarks: a cooperative of admitted members written to the event log as the commands would record them,
// before a server starts, so that setting it up is not what a benchmark measures.
import type { EventStore } from '@meent/event-store';
import { EventRegistry, type DomainEvent } from '@meent/eventsourcing';
import { CooperativeFounded, MemberAdmitted, MemberRegistered, OfficerAppointed, cooperativeRulesSchema } from '@meent/membership';
import { v7 as uuidv7 } from 'uuid';

/** A cooperative whose members are on record before the server starts: the setup is not what is measured. */
export async function seedCooperative(store: EventStore, cooperativeId: string, memberIds: readonly string[], at: Date): Promise<void> {
  const registry = new EventRegistry([CooperativeFounded, OfficerAppointed, MemberRegistered, MemberAdmitted]);
  const append = (stream: string, ...events: DomainEvent[]) =>
    store.append(
      stream,
      events.map((event) =>
        registry.encode(event, {
          eventId: uuidv7(),
          cooperativeId,
          actor: { id: 'bench', roles: ['admin'] },
          correlationId: 'bench',
          causationId: null,
          occurredAt: at.toISOString(),
        }),
      ),
      'any',
    );
  const when = at.toISOString();
  const rules = cooperativeRulesSchema.parse({});
  await append(`cooperative-${cooperativeId}`, CooperativeFounded({ cooperativeId, name: 'Bench', chamberOfCommerceNumber: null, rules, foundedAt: when }));
  const personalData = { algorithm: 'aes-256-gcm' as const, subject: 'bench', iv: 'aXY=', ciphertext: 'Y2lwaGVy', tag: 'dGFn' };
  for (const memberId of memberIds) {
    await append(
      `member-${memberId}`,
      MemberRegistered({ memberId, cooperativeId, personalData, emailClaim: memberId, channel: 'secretary', registeredAt: when }),
      MemberAdmitted({ memberId, admittedAt: when }),
    );
  }
  await append(`cooperative-${cooperativeId}`, OfficerAppointed({ memberId: memberIds[0]!, office: 'secretary', appointedAt: when }));
}
