// The budget's side of initiative funding: a granted initiative's money is reserved on its line, each approved
// tranche disbursed against the reservation, and what is left released when the initiative ends. The budget context
// knows initiative events by name and by the fields read here — so it does not depend on the initiative context,
// which depends on it.
import {
  DomainError,
  ForeignStreamError,
  causedBy,
  type CommandContext,
  type CommandHandler,
  type Reaction,
  type StoredEvent,
} from '@meent/eventsourcing';
import { z } from 'zod';
import { inForce } from '../application/ledger.js';
import { budgetDecider, budgetStream } from '../domain/budget.decider.js';
import { ledgerDecider, ledgerStream, type BudgetInForce, type LedgerCommand } from '../domain/ledger.decider.js';

const fundingToReserve = z.object({
  initiativeId: z.uuid(),
  amountCents: z.int().positive(),
  budgetId: z.uuid(),
  lineCode: z.string(),
  /** Absent on a retry, which always reserves anew. */
  decidedBy: z.object({ kind: z.string() }).optional(),
});
const openedRound = z.object({ roundId: z.uuid(), budgetId: z.uuid(), lineCode: z.string(), amountCents: z.int().positive() });
const decidedRound = z.object({
  roundId: z.uuid(),
  budgetId: z.uuid(),
  reservationId: z.uuid(),
  selected: z.array(z.object({ proposalId: z.uuid(), costCents: z.int().positive(), reservationId: z.uuid() })),
});
const approvedTranche = z.object({
  initiativeId: z.uuid(),
  budgetId: z.uuid(),
  reservationId: z.uuid(),
  trancheNumber: z.int(),
  amountCents: z.int().positive(),
});
const endedInitiative = z.object({ initiativeId: z.uuid(), budgetId: z.uuid(), reservationId: z.uuid().nullable() });

const dayOf = (event: StoredEvent) => event.metadata.occurredAt.slice(0, 10);

/**
 * Books what another context asked for; once the year's books are closed, records the refusal instead — an event the
 * treasurer sees, where an error would only hold the reaction up.
 */
async function bookOrRefuse(
  commands: CommandHandler,
  budgetId: string,
  command: Extract<LedgerCommand, { type: 'BookDisbursement' | 'ReleaseReservation' | 'SettleRound' }>,
  causingEvent: StoredEvent,
  cause: CommandContext,
): Promise<void> {
  try {
    await commands.handle(ledgerStream(budgetId), ledgerDecider, command, cause);
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'LEDGER.BOOKS_CLOSED')) throw error;
    const disbursing = command.type === 'BookDisbursement';
    const refusal: LedgerCommand = {
      type: 'RefuseBooking',
      // A release has no id of its own: the event that asked for it names it.
      bookingId: disbursing ? command.disbursementId : causingEvent.id,
      kind: disbursing ? 'disbursement' : 'release',
      reservationId: command.reservationId,
      budget: command.budget,
      today: command.today,
      now: command.now,
    };
    await commands.handle(ledgerStream(budgetId), ledgerDecider, refusal, cause);
  }
}

/** The budget in force, which must be the causing event's cooperative's: a ledger is its budget's. */
async function budgetFor(commands: CommandHandler, budgetId: string, event: StoredEvent): Promise<BudgetInForce> {
  const { state, cooperativeId } = await commands.load(budgetStream(budgetId), budgetDecider);
  if (cooperativeId !== undefined && cooperativeId !== event.metadata.cooperativeId) {
    throw new ForeignStreamError(budgetStream(budgetId));
  }
  return state.status === 'NotDrafted' ? { adopted: false } : inForce(state);
}

/** Reserves money on a line for what the event asks it for, keyed by the event so it is never reserved twice. */
async function reserveFor(
  reaction: Reaction,
  event: StoredEvent,
  commands: CommandHandler,
  asked: { budgetId: string; lineCode: string; amountCents: number; reference: Extract<LedgerCommand, { type: 'ReserveFunds' }>['reference'] },
): Promise<void> {
  await commands.handle(
    ledgerStream(asked.budgetId),
    ledgerDecider,
    {
      type: 'ReserveFunds',
      reservationId: event.id,
      lineCode: asked.lineCode,
      amountCents: asked.amountCents,
      reference: asked.reference,
      override: null,
      budget: await budgetFor(commands, asked.budgetId, event),
      today: dayOf(event),
      now: new Date(event.metadata.occurredAt),
    },
    causedBy(reaction, event),
  );
}

/** FundingApproved or ReservationRetried: reserve the amount, keyed by the causing event so it is never doubled. */
export const reserveFundsWhenFundingApproved: Reaction = {
  name: 'reserve-funds-when-funding-approved',
  eventTypes: ['FundingApproved', 'ReservationRetried'],
  async react(event, commands) {
    const funding = fundingToReserve.parse(event.data);
    // A participatory budgeting round's winner: its money was reserved for the round and is settled from there.
    if (funding.decidedBy?.kind === 'participatory-budget') return;
    await reserveFor(reserveFundsWhenFundingApproved, event, commands, { ...funding, reference: { kind: 'initiative', id: funding.initiativeId } });
  },
};

export const disburseWhenTrancheApproved: Reaction = {
  name: 'disburse-when-tranche-approved',
  eventTypes: ['TrancheApproved'],
  async react(event, commands) {
    const tranche = approvedTranche.parse(event.data);
    await bookOrRefuse(
      commands,
      tranche.budgetId,
      {
        type: 'BookDisbursement',
        disbursementId: event.id,
        reservationId: tranche.reservationId,
        amountCents: tranche.amountCents,
        description: `Tranche ${tranche.trancheNumber} of initiative ${tranche.initiativeId}`,
        budget: await budgetFor(commands, tranche.budgetId, event),
        today: dayOf(event),
        now: new Date(event.metadata.occurredAt),
      },
      event,
      causedBy(disburseWhenTrancheApproved, event),
    );
  },
};

/** Why a reservation goes back to its line, by the initiative event that gives it back. */
const RELEASE_REASONS: Readonly<Record<string, string>> = {
  InitiativeCompleted: 'The initiative is completed',
  InitiativeWithdrawn: 'The initiative was withdrawn',
  FundingRevoked: 'The grant was revoked by a new vote (BW 2:13 lid 4)',
  RevokedReservationReturned: 'The grant was revoked by a new vote (BW 2:13 lid 4)',
};

/** An initiative that ends, or whose grant a new vote revoked, gives back what is left of its reservation. */
export const releaseReservationWhenInitiativeEnds: Reaction = {
  name: 'release-reservation-when-initiative-ends',
  eventTypes: Object.keys(RELEASE_REASONS),
  async react(event, commands) {
    const ended = endedInitiative.parse(event.data);
    if (!ended.reservationId) return;
    try {
      await bookOrRefuse(
        commands,
        ended.budgetId,
        {
          type: 'ReleaseReservation',
          reservationId: ended.reservationId,
          reason: RELEASE_REASONS[event.type] ?? event.type,
          budget: await budgetFor(commands, ended.budgetId, event),
          today: dayOf(event),
          now: new Date(event.metadata.occurredAt),
        },
        event,
        causedBy(releaseReservationWhenInitiativeEnds, event),
      );
    } catch (error) {
      // Every cent was paid out: there is nothing to give back.
      if (!(error instanceof DomainError && error.code === 'LEDGER.NOTHING_RESERVED')) throw error;
    }
  },
};

/** A participatory budgeting round sets the amount its motion named apart on the line, keyed by the opening event. */
export const reserveFundsWhenRoundOpened: Reaction = {
  name: 'reserve-funds-when-pb-round-opened',
  eventTypes: ['PbRoundOpened'],
  async react(event, commands) {
    const round = openedRound.parse(event.data);
    await reserveFor(reserveFundsWhenRoundOpened, event, commands, { ...round, reference: { kind: 'pb-round', id: round.roundId } });
  },
};

/** The round is decided: its reservation becomes the winners' own, and what they do not cost goes back to the line. */
export const settleRoundWhenDecided: Reaction = {
  name: 'settle-pb-round-when-decided',
  eventTypes: ['PbRoundDecided'],
  async react(event, commands) {
    const round = decidedRound.parse(event.data);
    const winners = round.selected.map((winner) => ({ reservationId: winner.reservationId, initiativeId: winner.proposalId, amountCents: winner.costCents }));
    await bookOrRefuse(
      commands,
      round.budgetId,
      {
        type: 'SettleRound',
        reservationId: round.reservationId,
        winners,
        reason: `Participatory budgeting round ${round.roundId} is decided: ${winners.length} proposal(s) funded`,
        budget: await budgetFor(commands, round.budgetId, event),
        today: dayOf(event),
        now: new Date(event.metadata.occurredAt),
      },
      event,
      causedBy(settleRoundWhenDecided, event),
    );
  },
};
