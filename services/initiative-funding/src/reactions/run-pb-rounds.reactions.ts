// The participatory budgeting round's side of what others decide: the assembly's motion opens it, the budget reserves
// or refuses its money, initiatives submitted as proposals enter it, and its result decides each of them.
import { assertNever, causedBy, type CommandHandler, type EventOf, type Reaction, type StoredEvent } from '@meent/eventsourcing';
import { FundsReserved, ReservationRefused } from '@meent/budget/events';
import { MotionDecided } from '@meent/voting/events';
import type { InitiativeCommand } from '../domain/initiative.decider.js';
import { commandInitiative } from './follow-funding-decisions-and-money.reactions.js';
import { InitiativeSubmitted } from '../domain/initiative.events.js';
import { pbRoundDecider, pbRoundAggregate, type PbRoundCommand } from '../domain/pb-round.decider.js';
import { PbProposalRefused, PbRoundDecided } from '../domain/pb-round.events.js';

async function commandRound(reaction: Reaction, event: StoredEvent, commands: CommandHandler, roundId: string, command: PbRoundCommand): Promise<void> {
  const stream = pbRoundAggregate.stream(roundId);
  const { state } = await commands.load(stream, pbRoundDecider);
  // A round of another cooperative, or none, is not this event's to change.
  if (state.status !== 'NotOpened' && state.cooperativeId !== event.metadata.cooperativeId) return;
  if (state.status === 'NotOpened' && command.type !== 'OpenRound') return;
  await commands.handle(stream, pbRoundDecider, command, causedBy(reaction, event));
}

/** A passed participatory-budget motion opens its round, which takes the motion's id. */
export const openRoundWhenMotionPassed: Reaction = {
  name: 'open-pb-round-when-motion-passed',
  eventTypes: [MotionDecided.type],
  async react(event, commands) {
    const decision = MotionDecided.schema.parse(event.data);
    if (decision.decisionType !== 'participatory-budget' || decision.outcome !== 'passed') return;
    if (decision.subject?.kind !== 'participatory-budget') return;
    const { title, budgetId, lineCode, amountCents, settings } = decision.subject;
    await commandRound(openRoundWhenMotionPassed, event, commands, decision.motionId, {
      type: 'OpenRound',
      roundId: decision.motionId,
      cooperativeId: decision.cooperativeId,
      motionId: decision.motionId,
      motionRound: decision.round,
      title,
      budgetId,
      lineCode,
      amountCents,
      settings,
      now: new Date(decision.decidedAt),
    });
  },
};

/** The budget reserved the round's money on its line, or had too little left for it. */
export const recordRoundFunds: Reaction = {
  name: 'record-pb-round-funds',
  eventTypes: [FundsReserved.type, ReservationRefused.type],
  async react(event, commands) {
    const now = new Date(event.metadata.occurredAt);
    if (event.type === FundsReserved.type) {
      const reserved = FundsReserved.schema.parse(event.data);
      if (reserved.reference?.kind !== 'pb-round') return;
      await commandRound(recordRoundFunds, event, commands, reserved.reference.id, {
        type: 'RecordRoundFunds',
        reservationId: reserved.reservationId,
        amountCents: reserved.amountCents,
        now,
      });
      return;
    }
    const refused = ReservationRefused.schema.parse(event.data);
    if (refused.reference?.kind !== 'pb-round') return;
    await commandRound(recordRoundFunds, event, commands, refused.reference.id, {
      type: 'RecordRoundFundsRefused',
      availableCents: refused.availableCents,
      reason: refused.reason,
      now,
    });
  },
};

/** An initiative submitted as a proposal enters its round, on the ballot if it came in while proposals were open. */
export const enterProposalWhenSubmitted: Reaction = {
  name: 'enter-pb-proposal-when-submitted',
  eventTypes: [InitiativeSubmitted.type],
  async react(event, commands) {
    const submitted = InitiativeSubmitted.schema.parse(event.data);
    if (!submitted.roundId) return;
    await commandRound(enterProposalWhenSubmitted, event, commands, submitted.roundId, {
      type: 'EnterProposal',
      proposalId: submitted.initiativeId,
      title: submitted.title,
      costCents: submitted.requestedCents,
      themes: submitted.themes,
      proposedBy: submitted.applicant.kind === 'member' ? submitted.applicant.memberId : null,
      submittedAt: submitted.submittedAt,
      now: new Date(event.metadata.occurredAt),
    });
  },
};

type RoundOutcome = Extract<InitiativeCommand, { type: 'RecordRoundOutcome' }>['outcome'];

/** One result decides many proposals: each is keyed by its own id. */
function recordOutcome(event: StoredEvent, commands: CommandHandler, initiativeId: string, roundId: string, outcome: RoundOutcome) {
  const command: InitiativeCommand = { type: 'RecordRoundOutcome', roundId, outcome, now: new Date(event.metadata.occurredAt) };
  return commandInitiative(decideProposalsWhenRoundDecided, event, commands, initiativeId, command, initiativeId);
}

/** Why a proposal was not funded, in words for its proposer and the history. */
function reasonInWords(reason: EventOf<typeof PbRoundDecided>['data']['rejected'][number]['reason']): string {
  switch (reason.kind) {
    case 'ineligible':
      return `Not on the ballot: ${reason.reason}`;
    case 'no-approvals':
      return 'No ballot approved it';
    case 'unaffordable':
      return reason.beatenBy === null
        ? `Its supporters' shares (${reason.moneyBehind.cents} cents) did not cover its cost`
        : `After proposal ${reason.beatenBy} was funded in round ${reason.afterRound}, its supporters had ${reason.moneyBehind.cents} cents left, less than its cost`;
    default:
      return assertNever(reason);
  }
}

/** The round's result decides every proposal in it; a proposal that came in too late is decided by that. */
export const decideProposalsWhenRoundDecided: Reaction = {
  name: 'decide-pb-proposals-when-round-decided',
  eventTypes: [PbRoundDecided.type, PbProposalRefused.type],
  async react(event, commands) {
    if (event.type === PbProposalRefused.type) {
      const refused = PbProposalRefused.schema.parse(event.data);
      await recordOutcome(event, commands, refused.proposalId, refused.roundId, { selected: false, reason: refused.reason });
      return;
    }
    const decided = PbRoundDecided.schema.parse(event.data);
    for (const winner of decided.selected) {
      await recordOutcome(event, commands, winner.proposalId, decided.roundId, { selected: true, reservationId: winner.reservationId });
    }
    for (const { proposalId, reason } of decided.rejected) {
      await recordOutcome(event, commands, proposalId, decided.roundId, { selected: false, reason: reasonInWords(reason) });
    }
  },
};
