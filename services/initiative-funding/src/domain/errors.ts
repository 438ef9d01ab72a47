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
  'INITIATIVE.NOT_FOUND': { status: 404, message: 'No such initiative' },
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
