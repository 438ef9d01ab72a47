import t from 'tap';
import { CommandHandler, EventRegistry, Projections } from '@meent/eventsourcing';
import { temporaryStores } from '@meent/eventsourcing/testing';
import { createMembership, cooperativeRulesSchema } from '@meent/membership';
import { SqliteKeyStore } from '@meent/eventsourcing';
import { cooperativeDecider, cooperativeStream } from '../src/domain/cooperative.decider.js';
import { cooperativesProjection, findCooperative } from '../src/projections/cooperatives.projection.js';

t.test('given a founded cooperative, the read model shows it with its rules', async (t) => {
  const { store, readModels, directory } = temporaryStores(t);
  const keys = new SqliteKeyStore({ path: `${directory}/events.db` });
  t.teardown(() => keys.close());
  const membership = createMembership({ keys });
  const registry = new EventRegistry(membership.events);
  const projections = await Projections.start({ store, readModels, registry, projections: membership.projections });
  t.teardown(() => projections.close());
  const cooperativeId = '0193a6f0-0000-7000-8000-000000000001';
  const rules = cooperativeRulesSchema.parse({ noticeDays: 21 });
  const { position } = await new CommandHandler({ store, registry }).handle(
    cooperativeStream(cooperativeId),
    cooperativeDecider,
    { type: 'FoundCooperative', cooperativeId, name: 'De Meent', chamberOfCommerceNumber: null, rules, now: new Date('2026-01-02T00:00:00Z') },
    { cooperativeId, actor: { id: 'admin', roles: ['admin'] }, correlationId: 'r', occurredAt: new Date('2026-01-02T00:00:00Z') },
  );
  t.ok(await projections.waitForPosition([cooperativesProjection.name], position, 5000));
  const view = await projections.query(cooperativesProjection, (reader, tables) => findCooperative(reader, tables, cooperativeId));
  t.same(view, {
    id: cooperativeId,
    name: 'De Meent',
    chamberOfCommerceNumber: null,
    rules,
    rulesVersion: 1,
    foundedAt: '2026-01-02T00:00:00.000Z',
    legalName: 'De Meent U.A.',
  });
  t.equal(
    await projections.query(cooperativesProjection, (reader, tables) => findCooperative(reader, tables, 'other')),
    undefined,
  );
});
