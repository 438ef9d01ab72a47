// The domain errors of the membership context: cooperatives, their officers, the member register.
// Every code a command here can be refused with: its status, the rule it comes from and what it says. The README's
// list of errors is written from it (`pnpm readme`).
import { errorCatalogue } from '@meent/eventsourcing';

export const membershipError = errorCatalogue({
  'COOPERATIVE.ALREADY_FOUNDED': { status: 409, message: 'The cooperative already exists' },
  'COOPERATIVE.RULES_AGAINST_THE_LAW': {
    status: 422,
    message: 'The rules ask more than the law lets statutes ask',
    rule: 'BW 2:41 lid 1',
  },
  'COOPERATIVE.AMENDMENT_ALREADY_FILED': { status: 409, message: 'This statute amendment is filed with the trade register already' },
  'COOPERATIVE.DEED_DATE_IMPOSSIBLE': {
    status: 422,
    message: 'A notarial deed is executed after the decision it records, and not later than today',
    rule: 'BW 2:43 lid 5',
  },
  'COOPERATIVE.IN_LIQUIDATION': {
    status: 409,
    message: 'The cooperative is dissolved: while it is wound up it takes on nothing new',
    rule: 'BW 2:19 lid 5',
  },
  'COOPERATIVE.NOT_FOUND': { status: 404, message: 'No such cooperative' },
  'COOPERATIVE.NO_AMENDMENT_AWAITING_DEED': {
    status: 409,
    message: 'No statute amendment passed by this motion awaits its notarial deed',
    rule: 'BW 2:43 lid 5',
  },
  'COOPERATIVE.NO_AMENDMENT_IN_FORCE': { status: 409, message: 'No statute amendment of this motion is in force' },
  'MEMBER.ALREADY_APPEALED': { status: 409, message: 'This expulsion is appealed already; the assembly decides' },
  'MEMBER.ALREADY_ADMITTED': { status: 409, message: 'This member is already admitted' },
  'MEMBER.ALREADY_ERASED': { status: 409, message: 'This member’s personal data is already erased' },
  'MEMBER.ALREADY_REGISTERED': { status: 409, message: 'This member is already registered' },
  'MEMBER.ALREADY_SUSPENDED': { status: 409, message: 'This member is already suspended' },
  'MEMBER.EMAIL_TAKEN': { status: 409, message: 'Another member of this cooperative has this e-mail address' },
  'MEMBER.ERASURE_WHILE_MEMBER': {
    status: 422,
    message: 'The register must hold a member’s details while the membership lasts; terminate it first',
    rule: 'register-obligation',
  },
  'MEMBER.APPEAL_TERM_PASSED': {
    status: 422,
    message: 'The term to appeal the expulsion has passed',
    rule: 'BW 2:35 lid 4 expulsionAppealMonths',
  },
  'MEMBER.EXPELLED': { status: 409, message: 'This member was expelled: suspended until the appeal term has run or the assembly has decided' },
  'MEMBER.EXPULSION_DATE_BY_LAW': {
    status: 422,
    message: 'An expulsion takes effect when its appeal term has run, or when the assembly confirms it: it has no date of its own',
    rule: 'BW 2:35 lid 4',
  },
  'MEMBER.EXPULSION_WITHOUT_REASON': {
    status: 422,
    message: 'An expulsion states its reason',
    rule: 'expulsion-reason',
  },
  'MEMBER.NOT_ADMITTED': { status: 409, message: 'Only an admitted member can be suspended' },
  'MEMBER.NOT_AN_APPLICANT': { status: 409, message: 'Only a pending application can be rejected' },
  'MEMBER.NOT_EXPELLED': { status: 409, message: 'Only an expelled member appeals' },
  'MEMBER.NOT_FOUND': { status: 404, message: 'No such member, or their personal data is erased' },
  'MEMBER.NOT_SUSPENDED': { status: 409, message: 'Only a suspended member can be reinstated' },
  'MEMBER.REJECTED': { status: 409, message: 'This application was rejected' },
  'MEMBER.RESIGNATION_DATE_BY_LAW': {
    status: 422,
    message: "A resignation takes effect at the end of the financial year after the statutes' notice: it has no date of its own",
    rule: 'BW 2:36 lid 2',
  },
  'MEMBER.SELF_APPLICATION_NOT_ALLOWED': {
    status: 422,
    message: 'The rules of this cooperative let only the secretary register members',
    rule: 'selfApplication',
  },
  'MEMBER.TERMINATED': { status: 409, message: 'This membership was terminated' },
  'MEMBER.UNKNOWN_MEMBERSHIP_KIND': {
    status: 422,
    message: 'The statutes name no such kind of membership',
    rule: 'BW 2:38 lid 1 votesByMembershipKind',
  },
  'OFFICER.ALREADY_APPOINTED': { status: 409, message: 'This member already holds the office' },
  'OFFICER.NOT_AN_ADMITTED_MEMBER': {
    status: 422,
    message: 'Only an admitted member can hold an office',
    rule: 'officers-are-members',
  },
  'OFFICER.NOT_IN_OFFICE': { status: 409, message: 'This member does not hold the office' },
  'OFFICER.OFFICE_TAKEN': { status: 409, message: 'The office is held; dismiss its holder first' },
});
