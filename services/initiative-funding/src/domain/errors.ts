// The domain errors of the initiative-funding context: initiatives, their funding and tranches.
// Every code a command here can be refused with: its status, the rule it comes from and what it says. The README's
// list of errors is written from it (`pnpm readme`).
import { errorCatalogue } from '@meent/eventsourcing';

export const initiativeError = errorCatalogue({
  'INITIATIVE.ABOVE_BOARD_MANDATE': {
    status: 422,
    message: "The amount is above the board's mandate: the assembly decides",
    rule: 'boardMandateCents',
  },
  'INITIATIVE.CLAIM_BEYOND_PAID': {
    status: 422,
    message: 'A claim exceeds what was paid out and not yet claimed',
    rule: 'a claim never exceeds what was paid',
  },
  'INITIATIVE.EXISTS': { status: 409, message: 'This initiative exists' },
  'INITIATIVE.IN_ROUND': {
    status: 409,
    message: 'A proposal in a participatory budgeting round is decided by its vote, and stays in it until then',
  },
  'INITIATIVE.INDICATOR_TWICE': { status: 422, message: 'A report gives each indicator one value' },
  'INITIATIVE.NOT_A_SOCIAL_ENTERPRISE': { status: 422, message: 'Only a social enterprise reports income of its own' },
  'INITIATIVE.NOT_FOUND': { status: 404, message: 'No such initiative' },
  'INITIATIVE.NO_THEME': { status: 422, message: 'An initiative works on at least one of the themes', rule: 'themes' },
  'INITIATIVE.TARGETS_BEFORE_BASELINE': { status: 422, message: 'Targets are for years after the baseline, one each' },
  'INITIATIVE.UNKNOWN_INDICATOR': { status: 422, message: 'A report gives values for the initiative’s own indicators' },
  'INITIATIVE.UNKNOWN_THEME': { status: 422, message: "A theme is not one of the cooperative's", rule: 'themes' },
  'INITIATIVE.NO_TRANCHES_LEFT': { status: 409, message: 'Every planned tranche has been requested' },
  'INITIATIVE.RECUSED': {
    status: 403,
    message: 'The applicant is recused from decisions on their own initiative',
    rule: 'BW 2:12 conflict of interest',
  },
  'INITIATIVE.SAME_APPROVER': {
    status: 409,
    message: 'A tranche is approved by two different people',
    rule: 'two approvers per tranche',
  },
  'INITIATIVE.TRANCHES_DO_NOT_ADD_UP': {
    status: 422,
    message: 'The tranches do not add up to the amount requested',
    rule: 'tranches add up to the request',
  },
  'INITIATIVE.TRANCHE_NOT_AWAITING_APPROVAL': { status: 409, message: 'The tranche awaits no approval' },
  'INITIATIVE.TRANCHE_PENDING': { status: 409, message: 'The previous tranche has not been paid out yet' },
  'INITIATIVE.WRONG_STATE': { status: 409, message: 'The initiative is not in a state that allows this' },
});

/** Participatory budgeting rounds: their phases, ballots and result. */
export const pbError = errorCatalogue({
  'PB.APPROVALS_OUT_OF_RANGE': {
    status: 422,
    message: "A ballot approves fewer or more proposals than the round allows",
    rule: 'minApprovals and maxApprovals of the round',
  },
  'PB.APPROVED_TWICE': { status: 422, message: 'A ballot approves each proposal once' },
  'PB.CLOSES_IN_THE_PAST': { status: 422, message: 'Voting must close after it opens' },
  'PB.NOT_FUNDED_YET': { status: 409, message: "The round's money is not reserved on its line yet" },
  'PB.NOT_ON_BALLOT': { status: 422, message: "A ballot approves only proposals on the round's ballot" },
  'PB.NOT_ON_ROLL': {
    status: 403,
    message: 'Only members on the roll of the record date, and residents registered for the round, vote',
    rule: 'the voter roll is fixed at the record date',
  },
  'PB.PROPOSAL_NOT_FOUND': { status: 404, message: 'No such proposal in this round' },
  'PB.RECUSED': {
    status: 403,
    message: 'A proposer does not review their own proposal',
    rule: 'BW 2:12 conflict of interest',
  },
  'PB.RESIDENTS_DO_NOT_VOTE': { status: 409, message: 'In this round only members vote' },
  'PB.REVIEW_UNFINISHED': { status: 409, message: 'Every proposal is reviewed before voting opens' },
  'PB.ROUND_NOT_FOUND': { status: 404, message: 'No such participatory budgeting round' },
  'PB.TOO_FEW_ELIGIBLE': {
    status: 409,
    message: 'Fewer proposals are eligible than a ballot must approve',
    rule: 'minApprovals of the round',
  },
  'PB.VOTING_CLOSED': { status: 409, message: 'Voting in this round has closed' },
  'PB.VOTING_STILL_OPEN': { status: 409, message: 'Voting closes at the end of its window' },
  'PB.WRONG_PHASE': { status: 409, message: 'The round is not in the phase that allows this' },
});

/** Partners and their partnerships with initiatives. */
export const partnerError = errorCatalogue({
  'PARTNER.EXISTS': { status: 409, message: 'This partner is registered' },
  'PARTNERSHIP.CONTRIBUTIONS_AFTER': { status: 409, message: 'Contributions are booked after that day: the partnership ran until then at least' },
  'PARTNERSHIP.ENDED': { status: 409, message: 'The partnership has ended' },
  'PARTNERSHIP.ENDS_BEFORE_IT_BEGINS': { status: 422, message: 'A partnership ends on or after the day it begins' },
  'PARTNERSHIP.EXISTS': { status: 409, message: 'This partnership is agreed' },
  'PARTNERSHIP.INITIATIVE_ENDED': { status: 409, message: 'The initiative was rejected, withdrawn or completed' },
  'PARTNERSHIP.NOT_FOUND': { status: 404, message: 'No such partnership' },
  'PARTNERSHIP.NOT_OFFERED': { status: 422, message: 'A contribution is of a kind the partnership brings' },
  'PARTNERSHIP.OUTSIDE_PERIOD': { status: 422, message: 'The day lies outside the partnership' },
  'PARTNERSHIP.QUANTITY': { status: 422, message: 'Hours and co-funding state how much; expertise and space do not' },
});

/** Multi-year funding agreements and their yearly continuation reviews. */
export const agreementError = errorCatalogue({
  'AGREEMENT.AMOUNT': {
    status: 422,
    message: "A continued year keeps the amount, an adjusted one changes it, and the year's tranches add up to it",
  },
  'AGREEMENT.ENDED': { status: 409, message: 'The agreement has ended or run its course' },
  'AGREEMENT.EXISTS': { status: 409, message: 'This agreement is made' },
  'AGREEMENT.NOT_FOUND': { status: 404, message: 'No such funding agreement' },
  'AGREEMENT.NO_THEME': { status: 422, message: "A continued year works on one or more of the cooperative's themes: name them" },
  'AGREEMENT.NOT_GRANTED': { status: 409, message: 'An agreement is made for an initiative whose first year is granted' },
  'AGREEMENT.NOT_THE_NEXT_YEAR': { status: 409, message: 'Years are reviewed one after another' },
  'AGREEMENT.RECUSED': { status: 403, message: 'The applicant decides nothing about their own funding', rule: 'BW 2:12 conflict of interest' },
  'AGREEMENT.YEARS': { status: 422, message: 'An agreement runs two to ten years' },
});
