import t from 'tap';
import {
  CommandHandler,
  EventRegistry,
  ForeignStreamError,
  type CommandContext,
  type StoredEvent,
} from '@meent/eventsourcing';
import { temporaryStores } from '@meent/eventsourcing/testing';
import { budgetDecider, budgetStream } from '../src/domain/budget.decider.js';
import { budgetEvents } from '../src/domain/budget.events.js';
import { ledgerEvents } from '../src/domain/ledger.events.js';
import { reserveFundsWhenFundingApproved } from '../src/reactions/initiative-money.reactions.js';

const cooperativeA = '0193a6f0-0000-7000-8000-00000000000a';
const cooperativeB = '0193a6f0-0000-7000-8000-00000000000b';
const budgetOfB = '0193a6f0-0000-7000-8000-0000000000b1';
const at = new Date('2027-01-15T10:00:00.000Z');
const contextIn = (cooperativeId: string): CommandContext => ({
  cooperativeId,
  actor: { id: 'treasurer-b', roles: ['member'] },
  correlationId: 'fixture',
  occurredAt: at,
});

/** FundingApproved as the initiative context records it, in cooperative A, naming a budget. */
const fundingApprovedIn = (cooperativeId: string, budgetId: string): StoredEvent => ({
  id: '0193a6f0-0000-7000-8000-0000000000e1',
  stream: 'initiative-0193a6f0-0000-7000-8000-0000000000c1',
  revision: 1,
  position: 99,
  type: 'FundingApproved',
  data: { initiativeId: '0193a6f0-0000-7000-8000-0000000000c1', amountCents: 10_000, budgetId, lineCode: '4100' },
  metadata: {
    eventId: '0193a6f0-0000-7000-8000-0000000000e1',
    cooperativeId,
    actor: { id: 'reaction', roles: ['system'] },
    correlationId: 'fixture',
    causationId: null,
    occurredAt: at.toISOString(),
    schemaVersion: 1,
  },
});

t.test('a funding approval naming another cooperative’s budget reserves nothing on that budget’s ledger', async (t) => {
  const { store } = temporaryStores(t);
  const commands = new CommandHandler({ store, registry: new EventRegistry([...budgetEvents, ...ledgerEvents]) });
  await commands.handle(
    budgetStream(budgetOfB),
    budgetDecider,
    { type: 'DraftBudget', budgetId: budgetOfB, cooperativeId: cooperativeB, financialYear: 2027, financialYearStartMonth: 1, title: 'Begroting B', now: at },
    contextIn(cooperativeB),
  );
  const refused = await reserveFundsWhenFundingApproved
    .react(fundingApprovedIn(cooperativeA, budgetOfB), commands)
    .catch((error: unknown) => error);
  t.ok(refused instanceof ForeignStreamError, 'refused as another cooperative’s, which a reaction skips');
  const ledgerOfB = [];
  for await (const event of commands.read(`ledger-${budgetOfB}`)) ledgerOfB.push(event);
  t.same(ledgerOfB, [], 'B’s ledger has no event');
});
