// The initiative's side of its funding: the assembly's decision on it, and what the budget did with its money.
import { causedBy, type CommandHandler, type Reaction, type StoredEvent } from '@meent/eventsourcing';
import { DisbursementBooked, FundsReserved, ReservationRefused } from '@meent/budget/events';
import { MotionDecided } from '@meent/voting/events';
import { initiativeDecider, initiativeStream, type InitiativeCommand } from '../domain/initiative.decider.js';

/**
 * Decides a command on an initiative of the causing event's cooperative; none, or another's, changes nothing. A
 * reaction that commands several initiatives from one event names each (`keyedBy`), so their events take ids apart.
 */
export async function commandInitiative(
  reaction: Reaction,
  event: StoredEvent,
  commands: CommandHandler,
  initiativeId: string,
  command: InitiativeCommand,
  keyedBy?: string,
): Promise<void> {
  const stream = initiativeStream(initiativeId);
  const { state } = await commands.load(stream, initiativeDecider);
  // Money or a decision about an initiative of another cooperative, or none, changes nothing here.
  if (state.status === 'NotSubmitted' || state.cooperativeId !== event.metadata.cooperativeId) return;
  const cause = causedBy(reaction, event);
  await commands.handle(stream, initiativeDecider, command, keyedBy === undefined ? cause : { ...cause, idempotencyKey: `${cause.idempotencyKey}/${keyedBy}` });
}

/** A funding-decision motion about an initiative decides it. */
export const decideFundingWhenMotionDecided: Reaction = {
  name: 'decide-funding-when-motion-decided',
  eventTypes: [MotionDecided.type],
  async react(event, commands) {
    const decision = MotionDecided.schema.parse(event.data);
    if (decision.decisionType !== 'funding-decision' || decision.subject?.kind !== 'initiative') return;
    await commandInitiative(decideFundingWhenMotionDecided, event, commands, decision.subject.id, {
      type: 'RecordAssemblyDecision',
      motionId: decision.motionId,
      round: decision.round,
      passed: decision.outcome === 'passed',
      now: new Date(decision.decidedAt),
    });
  },
};

/** The budget reserved the granted money, or refused for lack of it. */
export const recordReservationOutcome: Reaction = {
  name: 'record-reservation-outcome',
  eventTypes: [FundsReserved.type, ReservationRefused.type],
  async react(event, commands) {
    const now = new Date(event.metadata.occurredAt);
    if (event.type === FundsReserved.type) {
      const reserved = FundsReserved.schema.parse(event.data);
      if (reserved.reference?.kind !== 'initiative') return;
      await commandInitiative(recordReservationOutcome, event, commands, reserved.reference.id, {
        type: 'RecordReservation',
        reservationId: reserved.reservationId,
        amountCents: reserved.amountCents,
        now,
      });
      return;
    }
    const refused = ReservationRefused.schema.parse(event.data);
    if (refused.reference?.kind !== 'initiative') return;
    await commandInitiative(recordReservationOutcome, event, commands, refused.reference.id, {
      type: 'RecordReservationRefused',
      availableCents: refused.availableCents,
      reason: refused.reason,
      now,
    });
  },
};

export const recordDisbursement: Reaction = {
  name: 'record-initiative-disbursement',
  eventTypes: [DisbursementBooked.type],
  async react(event, commands) {
    const disbursed = DisbursementBooked.schema.parse(event.data);
    if (disbursed.reference?.kind !== 'initiative') return;
    await commandInitiative(recordDisbursement, event, commands, disbursed.reference.id, {
      type: 'RecordDisbursement',
      amountCents: disbursed.amountCents,
      now: new Date(event.metadata.occurredAt),
    });
  },
};
