// For the benchmarks: a cooperative of admitted members, and its budget, ledger and initiatives, written to the event
// log as the commands would record them, before a server starts, so that setting it up is not what a benchmark measures.
import type { EventStore } from '@meent/event-store';
import { EventRegistry, type Decider, type DomainEvent } from '@meent/eventsourcing';
import { budgetContextEvents } from '@meent/budget';
import { initiativeEvents } from '@meent/initiative-funding';
import { CooperativeFounded, MemberAdmitted, MemberRegistered, OfficerAppointed, cooperativeRulesSchema } from '@meent/membership';
import { v7 as uuidv7 } from 'uuid';
import { budgetDecider, budgetStream } from '../../services/budget/src/domain/budget.decider.js';
import { ledgerDecider, ledgerStream, type LedgerCommand } from '../../services/budget/src/domain/ledger.decider.js';
import { initiativeDecider, initiativeStream } from '../../services/initiative-funding/src/domain/initiative.decider.js';

/** Appends events to a stream as a command of the cooperative's would record them. */
function recorder(store: EventStore, registry: EventRegistry, cooperativeId: string, at: Date) {
  return (stream: string, events: readonly DomainEvent[]) =>
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
}

/** A cooperative whose members are on record before the server starts: the setup is not what is measured. */
export async function seedCooperative(store: EventStore, cooperativeId: string, memberIds: readonly string[], at: Date): Promise<void> {
  const append = recorder(store, new EventRegistry([CooperativeFounded, OfficerAppointed, MemberRegistered, MemberAdmitted]), cooperativeId, at);
  const when = at.toISOString();
  const rules = cooperativeRulesSchema.parse({});
  await append(`cooperative-${cooperativeId}`, [CooperativeFounded({ cooperativeId, name: 'Bench', chamberOfCommerceNumber: null, rules, foundedAt: when })]);
  const personalData = { algorithm: 'aes-256-gcm' as const, subject: 'bench', iv: 'aXY=', ciphertext: 'Y2lwaGVy', tag: 'dGFn' };
  for (const memberId of memberIds) {
    await append(`member-${memberId}`, [
      MemberRegistered({ memberId, cooperativeId, personalData, emailClaim: memberId, channel: 'secretary', registeredAt: when }),
      MemberAdmitted({ memberId, admittedAt: when }),
    ]);
  }
  await append(`cooperative-${cooperativeId}`, [OfficerAppointed({ memberId: memberIds[0]!, office: 'secretary', appointedAt: when })]);
}

/** Decides the commands one after another on one stream's state and appends what they decide, a thousand at a time. */
async function recordDecided<State, Command, Event extends DomainEvent>(
  append: ReturnType<typeof recorder>,
  stream: string,
  decider: Decider<State, Command, Event>,
  commands: Iterable<Command>,
): Promise<void> {
  let state = decider.initialState;
  let pending: Event[] = [];
  for (const command of commands) {
    for (const event of decider.decide(command, state)) {
      state = decider.evolve(state, event);
      pending.push(event);
    }
    if (pending.length >= 1000) {
      await append(stream, pending);
      pending = [];
    }
  }
  if (pending.length > 0) await append(stream, pending);
}

/**
 * An adopted budget of the year `at` falls in, with `entries` bookings spread over its first 300 days (income and
 * expenses under the four-eyes threshold, over 40 lines), and `initiatives` initiatives submitted by the members
 * in turn: the budget versus actuals and the initiatives list of a cooperative that has been at work.
 */
export async function seedFunding(
  store: EventStore,
  cooperativeId: string,
  memberIds: readonly string[],
  { entries, initiatives, at }: { entries: number; initiatives: number; at: Date },
): Promise<{ budgetId: string }> {
  const append = recorder(store, new EventRegistry([...budgetContextEvents, ...initiativeEvents]), cooperativeId, at);
  const budgetId = uuidv7();
  const financialYear = at.getUTCFullYear();
  const lines = Array.from({ length: 40 }, (_, index) => ({
    code: String(4000 + index),
    name: `Regel ${index}`,
    kind: index < 10 ? ('income' as const) : ('expense' as const),
    amountCents: 1_000_000_000,
  }));
  const now = at;
  await recordDecided(append, budgetStream(budgetId), budgetDecider, [
    { type: 'DraftBudget', budgetId, cooperativeId, financialYear, financialYearStartMonth: 1, title: 'Bench', now },
    ...lines.map((line) => ({ type: 'SetLine' as const, line, now })),
    { type: 'SubmitBudget', now },
    { type: 'RecordAdoptionDecision', motionId: uuidv7(), round: 1, passed: true, now },
  ]);
  const budget = {
    adopted: true as const,
    lines: new Map(lines.map((line) => [line.code, line])),
    financialYear,
    period: { firstDay: `${financialYear}-01-01`, lastDay: `${financialYear}-12-31` },
  };
  function* bookings(): Generator<LedgerCommand> {
    for (let index = 0; index < entries; index += 1) {
      const line = lines[index % lines.length]!;
      const day = new Date(Date.UTC(financialYear, 0, 1 + (index % 300))).toISOString().slice(0, 10);
      const dated = { budget, today: day, now: new Date(`${day}T12:00:00.000Z`) };
      const amountCents = 1 + (index % 997);
      yield line.kind === 'income'
        ? { type: 'RecordIncome', entryId: uuidv7(), lineCode: line.code, source: 'Bijdrage', amountCents, receivedOn: day, by: 'bench', ...dated }
        : {
            type: 'SubmitExpense',
            expenseId: uuidv7(),
            lineCode: line.code,
            payee: 'Leverancier',
            amountCents,
            invoiceReference: `F-${index}`,
            description: 'Benchmark',
            by: 'bench',
            fourEyesThresholdCents: 50_000,
            override: null,
            ...dated,
          };
    }
  }
  await recordDecided(append, ledgerStream(budgetId), ledgerDecider, bookings());
  const themes = cooperativeRulesSchema.parse({}).themes.map((theme) => theme.code);
  for (let index = 0; index < initiatives; index += 1) {
    const initiativeId = uuidv7();
    const memberId = memberIds[index % memberIds.length]!;
    await recordDecided(append, initiativeStream(initiativeId), initiativeDecider, [
      {
        type: 'SubmitInitiative',
        initiativeId,
        cooperativeId,
        applicant: { kind: 'member', memberId },
        submittedBy: memberId,
        title: `Initiatief ${index}`,
        description: 'Benchmark',
        requestedCents: 100_000,
        budgetId,
        lineCode: lines[10]!.code,
        tranches: [{ amountCents: 100_000, milestone: 'Start' }],
        themes: [themes[index % themes.length]!],
        kind: 'community-initiative',
        cooperativeThemes: themes,
        now: new Date(at.getTime() + index * 1000),
      },
    ]);
  }
  return { budgetId };
}
