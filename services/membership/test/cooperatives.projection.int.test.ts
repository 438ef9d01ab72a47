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
  const commands = new CommandHandler({ store, registry });
  const context = { cooperativeId, actor: { id: 'admin', roles: ['admin'] }, correlationId: 'r', occurredAt: new Date('2026-01-02T00:00:00Z') };
  const { position } = await commands.handle(
    cooperativeStream(cooperativeId),
    cooperativeDecider,
    { type: 'FoundCooperative', cooperativeId, name: 'De Meent', chamberOfCommerceNumber: null, rules, now: new Date('2026-01-02T00:00:00Z') },
    context,
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
    statuteAmendments: [],
    liquidation: null,
  });

  const motionId = '0193a6f0-0000-7000-8000-0000000000a1';
  const amendedRules = cooperativeRulesSchema.parse({ noticeDays: 28 });
  const decide = async (command: Parameters<typeof cooperativeDecider.decide>[0]) => {
    const result = await commands.handle(cooperativeStream(cooperativeId), cooperativeDecider, command, context);
    await projections.waitForPosition([cooperativesProjection.name], result.position, 5000);
    return projections.query(cooperativesProjection, (reader, tables) => findCooperative(reader, tables, cooperativeId));
  };
  const adopted = await decide({ type: 'AmendRules', motionId, rules: amendedRules, now: new Date('2026-03-01T20:00:00Z') });
  t.match(adopted, { rules, rulesVersion: 1, statuteAmendments: [{ motionId, status: 'awaiting-deed', adoptedAt: '2026-03-01T20:00:00.000Z', deed: null, filedOn: null }] });
  const inForce = await decide({ type: 'RecordNotarialDeed', motionId, executedOn: '2026-03-10', notary: 'mr. J. de Notaris', now: new Date('2026-03-10T12:00:00Z') });
  t.match(inForce, {
    rules: amendedRules,
    rulesVersion: 2,
    statuteAmendments: [{ motionId, status: 'in-force', deed: { executedOn: '2026-03-10', notary: 'mr. J. de Notaris' }, filedOn: null }],
  });
  const filed = await decide({ type: 'RecordTradeRegisterFiling', motionId, filedOn: '2026-03-12', now: new Date('2026-03-12T12:00:00Z') });
  t.match(filed, { statuteAmendments: [{ motionId, status: 'in-force', filedOn: '2026-03-12' }] });
  t.equal(
    await projections.query(cooperativesProjection, (reader, tables) => findCooperative(reader, tables, 'other')),
    undefined,
  );
});
