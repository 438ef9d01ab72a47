// The domain errors of the voting context: assemblies, requests for one, motions.
// Every code a command here can be refused with: its status, the rule it comes from and what it says. The README's
// list of errors is written from it (`pnpm readme`).
import { errorCatalogue } from '@meent/eventsourcing';

export const votingError = errorCatalogue({
  'ASSEMBLY.ALREADY_CONVENED': { status: 409, message: 'This assembly is already convened' },
  'ASSEMBLY.ATTENDEE_NOT_ON_ROLL': {
    status: 422,
    message: "The member is not on this assembly's voter roll",
    rule: 'recordDate',
  },
  'ASSEMBLY.EMPTY_VOTER_ROLL': {
    status: 422,
    message: 'Nobody was an eligible member at the record date',
    rule: 'recordDate',
  },
  'ASSEMBLY.HOLDER_NOT_ON_ROLL': {
    status: 422,
    message: "The proxy holder is not on this assembly's voter roll",
    rule: 'recordDate',
  },
  'ASSEMBLY.NOTICE_TOO_SHORT': {
    status: 422,
    message: "The meeting is closer than the rules' notice period",
    rule: 'noticeDays (BW 2:42 statuteAmendmentNoticeDays for a statute amendment)',
  },
  'ASSEMBLY.NOT_FOUND': { status: 404, message: 'No such assembly' },
  'ASSEMBLY.AMENDMENT_NOT_TABLED': {
    status: 422,
    message: 'The assembly is to amend the statutes: table the amendment, with its verbatim text, before sending the convocation',
    rule: 'BW 2:42 lid 1',
  },
  'ASSEMBLY.NOT_ON_ROLL': { status: 403, message: "You are not on this assembly's voter roll", rule: 'recordDate' },
  'ASSEMBLY.NO_PROXY': { status: 409, message: 'You have granted no proxy for this assembly' },
  'ASSEMBLY.PROXIES_NOT_ALLOWED': {
    status: 422,
    message: "The cooperative's rules do not allow proxies",
    rule: 'proxiesAllowed',
  },
  'ASSEMBLY.PROXY_ALREADY_GRANTED': { status: 409, message: 'You have already granted a proxy; revoke it first' },
  'ASSEMBLY.PROXY_CAP_REACHED': {
    status: 422,
    message: 'The holder already holds as many proxies as the rules allow',
    rule: 'maxProxiesPerHolder',
  },
  'ASSEMBLY.PROXY_TO_SELF': { status: 422, message: 'A proxy goes to another voter' },
  'ASSEMBLY.RECORD_DATE_AHEAD': {
    status: 422,
    message: 'The record date may not lie ahead: the roll is fixed now',
    rule: 'recordDate',
  },
  'ASSEMBLY.TOO_EARLY': { status: 422, message: 'The meeting has not reached its scheduled time', rule: 'scheduledAt' },
  'ASSEMBLY.VOTING_STILL_OPEN': { status: 409, message: 'Voting is still open on a motion of this assembly' },
  'ASSEMBLY.WRONG_STATE': { status: 409, message: 'The assembly is not in a state that allows this' },
  'ASSEMBLY_REQUEST.ALREADY_DEMANDED': { status: 409, message: 'The request already holds the votes it needs' },
  'ASSEMBLY_REQUEST.ALREADY_SUPPORTED': { status: 409, message: 'You already support this request' },
  'ASSEMBLY_REQUEST.ALREADY_CONVENED': { status: 409, message: 'The demanded assembly is convened already' },
  'ASSEMBLY_REQUEST.BOARD_STILL_IN_TIME': {
    status: 409,
    message: 'The board has 14 days to convene a demanded assembly; the requesters may after that',
    rule: 'BW 2:41 lid 2',
  },
  'ASSEMBLY_REQUEST.EXISTS': { status: 409, message: 'This request exists' },
  'ASSEMBLY_REQUEST.NOT_ELIGIBLE': { status: 403, message: 'Only a member with a vote may request an assembly' },
  'ASSEMBLY_REQUEST.NOT_A_REQUESTER': {
    status: 403,
    message: 'Only the secretary or chair convenes an assembly; a member only as a requester of a demanded one',
    rule: 'BW 2:41 lid 2',
  },
  'ASSEMBLY_REQUEST.NOT_DEMANDED': { status: 409, message: 'The request has not gathered the support to demand an assembly yet' },
  'ASSEMBLY_REQUEST.NOT_FOUND': { status: 404, message: 'No such request' },
  'MOTION.ALREADY_TABLED': { status: 409, message: 'This motion is already tabled' },
  'MOTION.AMENDMENT_NOT_ANNOUNCED': {
    status: 422,
    message: 'The notice convening this assembly did not say the statutes are to be amended',
    rule: 'BW 2:42',
  },
  'MOTION.ASSEMBLY_NOT_ACTIVE': { status: 409, message: 'The assembly is closed or cancelled' },
  'MOTION.BALLOT_KEY_LOST': { status: 409, message: 'The ballot key of this round is gone' },
  'MOTION.CHALLENGE_TOO_LATE': {
    status: 409,
    message: 'A result is challenged at once, at the meeting that announced it',
    rule: 'BW 2:13',
  },
  'MOTION.DECISION_NOT_ANNOUNCED': {
    status: 422,
    message: 'The notice convening this assembly did not announce this decision, which the statutes require',
    rule: 'BW 2:42 (BW 2:317 for a merger)',
  },
  'MOTION.ELECTRONIC_VOTING_NOT_ALLOWED': {
    status: 422,
    message: "The cooperative's rules allow voting only at the meeting",
    rule: 'electronicVoting',
  },
  'MOTION.MEETING_NOT_IN_SESSION': { status: 409, message: 'The chair closes voting at the meeting' },
  'MOTION.NOT_A_SECOND_MEETING': {
    status: 422,
    message: 'Only a statute amendment that missed its quorum is decided again at a second meeting',
    rule: 'BW 2:42',
  },
  'MOTION.NOT_EVERYONE_VOTED': { status: 409, message: 'Not every voter on the roll has voted yet' },
  'MOTION.NOT_FOUND': { status: 404, message: 'No such motion' },
  'MOTION.CHALLENGE_WITHOUT_MAJORITY': {
    status: 422,
    message: 'A new vote needs the request of more than half of the votes at the meeting',
    rule: 'BW 2:13 lid 3',
  },
  'MOTION.REQUESTER_NOT_PRESENT': {
    status: 422,
    message: 'Only a voter at the meeting may ask for a new vote',
    rule: 'BW 2:13 lid 3',
  },
  'MOTION.NOT_ON_ROLL': {
    status: 403,
    message: 'Only a voter on the roll may challenge the result',
    rule: 'recordDate',
  },
  'MOTION.NO_DECISION': { status: 404, message: 'The motion has no decision that stands' },
  'MOTION.NO_PROXY': { status: 403, message: 'You hold no proxy of this member for this assembly' },
  'MOTION.PROXY_ALREADY_USED': { status: 409, message: 'This proxy has already been used on this motion' },
  'MOTION.PROXY_OVERRIDDEN': { status: 409, message: 'The member has voted in person, which overrides the proxy' },
  'MOTION.RECUSAL_WITHOUT_GROUND': {
    status: 422,
    message: 'A member is recused only for a conflict of interest the statutes name',
    rule: 'BW 2:12',
  },
  'MOTION.RECUSED': {
    status: 403,
    message: 'The member is recused from this decision',
    rule: 'BW 2:12 conflict of interest',
  },
  'MOTION.ROUND_CHANGED': {
    status: 409,
    message: 'A new round of voting began while this ballot was cast; vote again',
  },
  'MOTION.RULES_AGAINST_THE_LAW': {
    status: 422,
    message: 'The rules the amendment sets ask more than the law lets statutes ask',
    rule: 'BW 2:41 lid 1',
  },
  'MOTION.RULES_NEED_STATUTE_AMENDMENT': {
    status: 422,
    message: 'Only a statute amendment sets new rules',
    rule: 'BW 2:43',
  },
  'MOTION.SECOND_MEETING_OUT_OF_WINDOW': {
    status: 422,
    message: 'The second assembly is convened outside the window after the first decision',
    rule: 'secondMeetingWindowDays',
  },
  'MOTION.SUBJECT_DOES_NOT_FIT': {
    status: 422,
    message: 'The subject does not fit the decision type',
    rule: 'BW 2:35 lid 4, 2:48 lid 3, 2:58 lid 1',
  },
  'MOTION.TEXT_DEPOSITED_TOO_LATE': {
    status: 422,
    message: 'The text was deposited too late before the meeting',
    rule: 'BW 2:42 statuteTextDepositDays (BW 2:317 for a merger)',
  },
  'MOTION.VOTER_SUSPENDED': {
    status: 403,
    message: 'A suspended member has no vote while the suspension lasts',
    rule: 'BW 2:38 lid 1: a suspended member has no vote',
  },
  'MOTION.VOTING_CLOSED': { status: 409, message: 'Voting on this motion has closed' },
  'MOTION.VOTING_NOT_OPEN': { status: 409, message: 'Voting on this motion is not open' },
  'MOTION.VOTING_TOO_EARLY': {
    status: 422,
    message: 'Voting may open 30 days before the meeting at the earliest',
    rule: 'BW 2:38 lid 7',
  },
  'MOTION.WRONG_BALLOT': { status: 422, message: 'This motion is voted on by the other kind of ballot' },
  'MOTION.WRONG_STATE': { status: 409, message: 'The motion is not in a state that allows this' },
  'WRITTEN_RESOLUTION.ALREADY_PROPOSED': { status: 409, message: 'This written resolution was proposed already' },
  'WRITTEN_RESOLUTION.NEEDS_A_MEETING': {
    status: 422,
    message: 'A decision the statutes tie to an announced meeting is not taken in writing',
    rule: 'BW 2:40 lid 2, 2:42',
  },
  'WRITTEN_RESOLUTION.NOT_A_VOTER': {
    status: 403,
    message: 'Only a member with a vote when it was proposed approves or declines a written resolution',
    rule: 'BW 2:40 lid 2',
  },
  'WRITTEN_RESOLUTION.NOT_FOUND': { status: 404, message: 'No such written resolution' },
  'WRITTEN_RESOLUTION.NOT_OPEN': { status: 409, message: 'The written resolution is decided or was declined' },
});
