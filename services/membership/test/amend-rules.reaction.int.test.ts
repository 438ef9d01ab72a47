// Membership's side of a statute amendment: the decision, as the voting context publishes it, and the rules in force.
import t, { type Test } from 'tap';
import { CommandHandler, EventRegistry, type StoredEvent } from '@meent/eventsourcing';
import { temporaryStores } from '@meent/eventsourcing/testing';
import { cooperativeRulesSchema } from '@meent/membership';
import { cooperativeDecider, cooperativeStream } from '../src/domain/cooperative.decider.js';
import { cooperativeEvents } from '../src/domain/cooperative.events.js';
import { amendRulesWhenStatuteAmendmentPassed } from '../src/reactions/amend-rules-when-statute-amendment-passed.reaction.js';

const cooperativeId = '0193a6f0-0000-7000-8000-000000000001';
const motionId = '0193a6f0-0000-7000-8000-0000000000a1';
const context = {
  cooperativeId,
  actor: { id: 'admin-1', roles: ['admin'] },
  correlationId: 'founding',
  occurredAt: new Date('2026-03-01T10:00:00.000Z'),
};

/** A `MotionDecided` with the fields membership reads, and some it does not. */
function decided(data: { decisionType: string; outcome: 'passed' | 'rejected'; subject: object | null }, position = 100): StoredEvent {
  return {
    id: `0193a6f0-0000-7000-8000-${String(position).padStart(12, '0')}`,
    stream: `motion-${motionId}`,
    revision: 3,
    position,
    type: 'MotionDecided',
    data: { motionId, cooperativeId, round: 1, decidedAt: '2026-03-21T21:00:00.000Z', tally: { for: 8, against: 4 }, ...data },
    metadata: {
      eventId: `0193a6f0-0000-7000-8000-${String(position).padStart(12, '0')}`,
      cooperativeId,
      actor: { id: 'secretary-1', roles: ['member'] },
      correlationId: 'closing',
      causationId: null,
      occurredAt: '2026-03-21T21:00:00.000Z',
      schemaVersion: 1,
    },
  };
}

async function foundedCooperative(t: Test) {
  const { store } = temporaryStores(t);
  const commands = new CommandHandler({ store, registry: new EventRegistry(cooperativeEvents) });
  await commands.handle(
    cooperativeStream(cooperativeId),
    cooperativeDecider,
    { type: 'FoundCooperative', cooperativeId, name: 'De Meent', chamberOfCommerceNumber: null, rules: cooperativeRulesSchema.parse({}), now: context.occurredAt },
    context,
  );
  const inForce = async () => {
    const { state } = await commands.load(cooperativeStream(cooperativeId), cooperativeDecider);
    return state.status === 'Founded' ? { version: state.rulesVersion, rules: state.rules } : undefined;
  };
  const awaitingDeed = async () => {
    const { state } = await commands.load(cooperativeStream(cooperativeId), cooperativeDecider);
    return state.status === 'Founded' ? [...state.awaitingDeed.entries()].map(([motion, { rules }]) => ({ motion, rules })) : [];
  };
  return { commands, inForce, awaitingDeed };
}

const newRules = cooperativeRulesSchema.parse({ maxProxiesPerHolder: 2 });

t.test('a passed statute amendment with rules is adopted, once however often it is delivered, and in force from its deed', async (t) => {
  const { commands, inForce, awaitingDeed } = await foundedCooperative(t);
  const founding = await inForce();
  const decision = decided({ decisionType: 'statute-amendment', outcome: 'passed', subject: { kind: 'rules', rules: newRules } });
  await amendRulesWhenStatuteAmendmentPassed.react(decision, commands);
  await amendRulesWhenStatuteAmendmentPassed.react(decision, commands);
  t.same(await awaitingDeed(), [{ motion: motionId, rules: newRules }]);
  t.same(await inForce(), founding, 'BW 2:43 lid 5: not in force before its notarial deed');
  const deed = { type: 'RecordNotarialDeed', motionId, executedOn: '2026-03-23', notary: 'mr. J. de Notaris', now: new Date('2026-03-23T10:00:00.000Z') } as const;
  await commands.handle(cooperativeStream(cooperativeId), cooperativeDecider, deed, context);
  t.same(await inForce(), { version: 2, rules: newRules });
  t.same(await awaitingDeed(), []);
});

t.test('rejected, without rules, or not a statute amendment: the rules stay as they are', async (t) => {
  const { commands, inForce } = await foundedCooperative(t);
  const unchanged = await inForce();
  const decisions = [
    decided({ decisionType: 'statute-amendment', outcome: 'rejected', subject: { kind: 'rules', rules: newRules } }, 101),
    decided({ decisionType: 'statute-amendment', outcome: 'passed', subject: null }, 102),
    decided({ decisionType: 'budget-adoption', outcome: 'passed', subject: { kind: 'budget', id: motionId } }, 103),
  ];
  for (const decision of decisions) await amendRulesWhenStatuteAmendmentPassed.react(decision, commands);
  t.same(await inForce(), unchanged);
  t.equal(unchanged?.version, 1);
});

t.test('BW 2:13 lid 4: the round after a challenge that votes the amendment down puts the replaced rules back', async (t) => {
  const { commands, inForce, awaitingDeed } = await foundedCooperative(t);
  const founding = await inForce();
  const subject = { kind: 'rules', rules: newRules };
  await amendRulesWhenStatuteAmendmentPassed.react(decided({ decisionType: 'statute-amendment', outcome: 'passed', subject }, 101), commands);
  const newRound = decided({ decisionType: 'statute-amendment', outcome: 'rejected', subject }, 102);
  await amendRulesWhenStatuteAmendmentPassed.react(newRound, commands);
  await amendRulesWhenStatuteAmendmentPassed.react(newRound, commands);
  t.same(await awaitingDeed(), [], 'undone before its deed: it never takes effect');
  t.same(await inForce(), founding, 'the rules were never changed');
  const events = [];
  for await (const event of commands.read(cooperativeStream(cooperativeId))) events.push(event.type);
  t.same(events, ['CooperativeFounded', 'StatuteAmendmentAdopted', 'AdoptedAmendmentUndone'], 'undone once, however often the decision is delivered');
});
