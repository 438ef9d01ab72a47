// Every event Meent records, for tools that read the store without building a server (`meent audit verify`).
import { budgetContextEvents } from '@meent/budget';
import { EventRegistry } from '@meent/eventsourcing';
import { initiativeEvents } from '@meent/initiative-funding';
import { membershipEvents } from '@meent/membership';
import { votingEvents } from '@meent/voting';
import { auditEvents } from './audit/seal.js';

export function eventRegistry(): EventRegistry {
  return new EventRegistry([...membershipEvents, ...votingEvents, ...budgetContextEvents, ...initiativeEvents, ...auditEvents]);
}
