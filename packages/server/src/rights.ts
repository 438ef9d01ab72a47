// The rights table: for every operation of the API, which callers it serves. The access plugin enforces it on every
// request, the authorization-matrix test checks every cell against the running server, and the README's table is
// generated from it (`pnpm readme`), so there is one source of who may do what.
import type { CallerRole, Grant, Right } from '@meent/http';

type Grants = Partial<Record<CallerRole, Grant>>;

const all = (...roles: CallerRole[]): Grants => Object.fromEntries(roles.map((role) => [role, 'all']));
const own = (...roles: CallerRole[]): Grants => Object.fromEntries(roles.map((role) => [role, 'own']));

const OFFICERS: CallerRole[] = ['chair', 'secretary', 'treasurer', 'board-member'];
/** Admitted members, not suspended; an officer is always one too. */
const MEMBERS: CallerRole[] = ['member', ...OFFICERS];
const MEETING: CallerRole[] = ['admin', 'chair', 'secretary'];
const BOARD: CallerRole[] = ['chair', 'board-member'];
const AUDITORS: CallerRole[] = ['admin', 'treasurer', 'chair', 'board-member', 'secretary'];

const get = (path: string, grants: Grants, note?: string): Right => ({ method: 'GET', path, grants, ...(note ? { note } : {}) });
const post = (path: string, grants: Grants, note?: string): Right => ({ method: 'POST', path, grants, ...(note ? { note } : {}) });

const C = '/cooperatives/{cooperativeId}';

/** Anyone, without a token. */
const publicRoute = (method: Right['method'], path: string, note?: string): Right => ({ method, path, public: true, grants: {}, ...(note ? { note } : {}) });

/** BW 2:19 lid 5: new business, which a dissolved cooperative no longer takes on while it is wound up. */
const newBusiness = (right: Right): Right => ({ ...right, notInLiquidation: true });

export const RIGHTS: readonly Right[] = [
  publicRoute('GET', '/health/live'),
  publicRoute('GET', '/health/ready'),
  publicRoute('GET', '/metrics', 'from the addresses in `MEENT_METRICS_ALLOW_FROM` (loopback by default) without a token; from elsewhere an admin'),

  // The cooperative, its register and its officers.
  post('/cooperatives', all('admin')),
  get(C, { ...all('admin', ...MEMBERS), ...all('suspended') }, 'a suspended member keeps sight of the rules they are held to'),
  post(`${C}/statute-amendments/{motionId}/deed`, all('admin', 'secretary'), 'a passed statute amendment awaiting it'),
  post(`${C}/statute-amendments/{motionId}/filing`, all('admin', 'secretary'), 'an amendment in force'),
  newBusiness(post(`${C}/members`, { ...all('admin', 'secretary'), ...own('unregistered') }, 'anyone else applies for themselves, where the rules allow self-application')),
  newBusiness(post(`${C}/members/{memberId}/admission`, all('admin', 'secretary'))),
  post(`${C}/members/{memberId}/rejection`, all('admin', 'secretary')),
  post(`${C}/members/{memberId}/membership-kind`, all('admin', 'secretary')),
  post(`${C}/members/{memberId}/turnover`, all('admin', 'treasurer')),
  post(`${C}/members/{memberId}/suspension`, all('admin', 'secretary', 'chair')),
  post(`${C}/members/{memberId}/reinstatement`, all('admin', 'secretary', 'chair')),
  post(`${C}/members/{memberId}/termination`, { ...all('admin', 'secretary'), ...own('member', 'suspended') }, 'a member only to resign'),
  post(`${C}/members/{memberId}/appeal`, { ...all('admin', 'secretary'), ...own('suspended') }, 'the expelled member within the appeal term (BW 2:35 lid 4)'),
  post(`${C}/members/{memberId}/details`, { ...all('admin', 'secretary'), ...own('member', 'suspended', 'applicant') }),
  post(`${C}/members/{memberId}/erasure`, all('admin', 'secretary'), 'only a former member or a rejected applicant'),
  get(`${C}/members`, all('admin', ...OFFICERS)),
  get(`${C}/members/counts`, all('admin', ...MEMBERS)),
  get(`${C}/members/export.csv`, all('admin', 'secretary')),
  get(`${C}/members/{memberId}`, { ...all('admin', ...OFFICERS), ...own('member', 'suspended', 'applicant', 'former') }, 'personal data for the member and the secretary only'),
  get(`${C}/members/{memberId}/personal-data`, { ...all('admin', 'secretary'), ...own('member', 'suspended', 'applicant', 'former') }),
  get(`${C}/officers`, all('admin', ...MEMBERS)),
  post(`${C}/officers`, all('admin', 'chair', 'secretary'), 'an admitted member'),
  post(`${C}/officers/{memberId}/dismissal`, all('admin', 'chair', 'secretary')),

  // Assemblies, motions and votes.
  post(`${C}/assemblies`, all(...MEETING, ...MEMBERS), 'a member only as a requester of a demanded assembly the board left unconvened for 14 days (BW 2:41 lid 2)'),
  get(`${C}/assemblies`, all('admin', ...MEMBERS)),
  get(`${C}/assemblies/{assemblyId}`, all('admin', ...MEMBERS), 'proxies: officers see all, a member their own'),
  get(`${C}/assemblies/{assemblyId}/voters/{memberId}`, { ...all(...MEETING), ...own('member', 'treasurer', 'board-member', 'suspended') }),
  post(`${C}/assemblies/{assemblyId}/agenda`, all(...MEETING)),
  post(`${C}/assemblies/{assemblyId}/convocation`, all(...MEETING), 'the notice the rules require, from now on'),
  post(`${C}/assemblies/{assemblyId}/proxies`, all(...MEMBERS), 'a voter on the roll, to another voter'),
  post(`${C}/assemblies/{assemblyId}/proxies/revocation`, all(...MEMBERS), 'the grantor'),
  post(`${C}/assemblies/{assemblyId}/opening`, all(...MEETING)),
  post(`${C}/assemblies/{assemblyId}/attendance`, all(...MEETING)),
  post(`${C}/assemblies/{assemblyId}/closing`, all(...MEETING)),
  post(`${C}/assemblies/{assemblyId}/cancellation`, all(...MEETING)),
  post(`${C}/assemblies/{assemblyId}/motions`, all(...MEETING)),
  post(`${C}/motions/{motionId}/opening`, all(...MEETING)),
  post(`${C}/motions/{motionId}/closing`, all(...MEETING)),
  post(`${C}/motions/{motionId}/votes`, all(...MEMBERS), 'a voter on the roll, not recused; for another only as their proxy holder'),
  post(`${C}/motions/{motionId}/challenge`, all(...MEETING), 'at the meeting, asked by more than half of the votes there'),
  get(`${C}/motions/{motionId}`, all('admin', ...MEMBERS)),
  get(`${C}/motions/{motionId}/turnout`, all(...MEETING)),
  post(`${C}/assembly-requests`, all(...MEMBERS), 'a member with a vote'),
  post(`${C}/assembly-requests/{requestId}/support`, all(...MEMBERS), 'a member with a vote'),
  get(`${C}/assembly-requests/{requestId}`, all('admin', ...MEMBERS)),
  post(`${C}/written-resolutions`, all('chair', 'secretary'), "the board's knowledge on record (BW 2:40 lid 2)"),
  post(`${C}/written-resolutions/{resolutionId}/approval`, all(...MEMBERS), 'a member with a vote when it was proposed'),
  post(`${C}/written-resolutions/{resolutionId}/declining`, all(...MEMBERS), 'a member with a vote when it was proposed'),
  get(`${C}/written-resolutions/{resolutionId}`, all('admin', ...MEMBERS)),

  // The budget and the ledger.
  newBusiness(post(`${C}/budgets`, all('admin', 'treasurer'))),
  post(`${C}/budgets/{budgetId}/lines`, all('admin', 'treasurer')),
  post(`${C}/budgets/{budgetId}/lines/{code}/removal`, all('admin', 'treasurer')),
  post(`${C}/budgets/{budgetId}/submission`, all('admin', 'treasurer')),
  get(`${C}/budgets`, all('admin', ...MEMBERS)),
  get(`${C}/budgets/{budgetId}`, all('admin', ...MEMBERS)),
  get(`${C}/budgets/{budgetId}/overview.csv`, all('admin', ...MEMBERS)),
  get(`${C}/budgets/{budgetId}/journal`, all('admin', ...OFFICERS)),
  post(`${C}/budgets/{budgetId}/income`, all('admin', 'treasurer')),
  post(`${C}/budgets/{budgetId}/expenses`, all('admin', 'treasurer', ...BOARD), 'the board only to exceed a line, with `overrideReason`'),
  post(`${C}/budgets/{budgetId}/expenses/{expenseId}/approval`, all(...OFFICERS), 'an officer other than the submitter'),
  post(`${C}/budgets/{budgetId}/expenses/{expenseId}/payment`, all('admin', 'treasurer')),
  newBusiness(post(`${C}/budgets/{budgetId}/reservations`, all('admin', 'treasurer', ...BOARD), 'the board only to exceed a line, with `overrideReason`')),
  post(`${C}/budgets/{budgetId}/reservations/{reservationId}/release`, all('admin', 'treasurer')),
  post(`${C}/budgets/{budgetId}/reservations/{reservationId}/disbursements`, all('admin', 'treasurer')),
  post(`${C}/budgets/{budgetId}/entries/{entryId}/reversal`, all('admin', 'treasurer')),

  // The annual cycle: accounts, audit committee, adoption and discharge (BW 2:48, 2:58).
  post(`${C}/budgets/{budgetId}/annual-accounts`, all('admin', 'treasurer'), "after the year's last day; closes its books"),
  post(`${C}/budgets/{budgetId}/annual-accounts/audit-committee`, all('admin', 'secretary'), 'two or more members, none on the board (BW 2:48 lid 2)'),
  post(`${C}/budgets/{budgetId}/annual-accounts/audit-report`, all(...MEMBERS), 'a member of the audit committee'),
  get(`${C}/budgets/{budgetId}/annual-accounts`, all('admin', ...MEMBERS)),
  get(`${C}/annual-accounts`, all('admin', ...MEMBERS)),

  // Initiatives.
  newBusiness(post(`${C}/initiatives`, all('admin', ...MEMBERS), 'a member for themselves; the secretary (or an admin) for anyone')),
  get(`${C}/initiatives`, all('admin', ...MEMBERS)),
  get(`${C}/initiatives/pipeline`, all('admin', ...OFFICERS)),
  get(`${C}/initiatives/{initiativeId}`, all('admin', ...MEMBERS)),
  newBusiness(post(`${C}/initiatives/{initiativeId}/review`, all(...OFFICERS), 'not the applicant')),
  newBusiness(post(`${C}/initiatives/{initiativeId}/decision`, all(...BOARD), "within the board's mandate; the applicant is recused")),
  newBusiness(post(`${C}/initiatives/{initiativeId}/reservation-retry`, all(...BOARD))),
  post(`${C}/initiatives/{initiativeId}/rejection-for-lack-of-funds`, all(...BOARD)),
  post(`${C}/initiatives/{initiativeId}/tranches`, { ...all('secretary'), ...own('member', 'chair', 'treasurer', 'board-member') }, 'the applicant; the secretary for an outside applicant'),
  post(`${C}/initiatives/{initiativeId}/tranches/{trancheNumber}/approval`, all(...OFFICERS), 'two different officers'),
  post(`${C}/initiatives/{initiativeId}/indicators`, { ...all('secretary'), ...own('member', 'chair', 'treasurer', 'board-member') }, 'the applicant; the secretary for an outside applicant'),
  post(`${C}/initiatives/{initiativeId}/progress-reports`, { ...all('secretary'), ...own('member', 'chair', 'treasurer', 'board-member') }, 'the applicant; the secretary for an outside applicant'),
  get(`${C}/initiatives/{initiativeId}/results`, all('admin', ...MEMBERS)),
  post(`${C}/initiatives/{initiativeId}/completion`, { ...all('secretary'), ...own('member', 'chair', 'treasurer', 'board-member') }, 'the applicant; the secretary for an outside applicant'),
  post(`${C}/initiatives/{initiativeId}/withdrawal`, { ...all('secretary'), ...own('member', 'chair', 'treasurer', 'board-member') }, 'the applicant; the secretary for an outside applicant'),
  post(`${C}/initiatives/{initiativeId}/repayment-claim`, all(...BOARD, 'treasurer')),

  // Multi-year funding agreements and their yearly continuation reviews.
  newBusiness(post(`${C}/initiatives/{initiativeId}/funding-agreement`, all(...BOARD), 'a granted initiative; the applicant is recused')),
  newBusiness(post(`${C}/funding-agreements/{agreementId}/reviews`, all(...BOARD), 'the next year, in order; the applicant is recused')),
  get(`${C}/funding-agreements`, all('admin', ...MEMBERS)),
  get(`${C}/funding-agreements/{agreementId}`, all('admin', ...MEMBERS)),
  get(`${C}/durability`, all('admin', ...MEMBERS)),
  get(`${C}/impact-report`, all('admin', ...MEMBERS)),
  get(`${C}/impact-report.csv`, all('admin', ...MEMBERS)),
  get(`${C}/impact-report.html`, all('admin', ...MEMBERS)),

  // Partners: the organisations the cooperative works with, their partnerships with initiatives and contributions.
  newBusiness(post(`${C}/partners`, all('admin', ...OFFICERS))),
  get(`${C}/partners`, all('admin', ...MEMBERS)),
  get(`${C}/partners/{partnerId}`, all('admin', ...MEMBERS)),
  newBusiness(post(`${C}/initiatives/{initiativeId}/partnerships`, all('admin', ...OFFICERS), 'an initiative that still runs')),
  get(`${C}/initiatives/{initiativeId}/partnerships`, all('admin', ...MEMBERS)),
  post(`${C}/partnerships/{partnershipId}/contributions`, all('admin', ...OFFICERS), 'of a kind the partnership brings, within its period'),
  post(`${C}/partnerships/{partnershipId}/ending`, all('admin', ...OFFICERS)),

  // Participatory budgeting: a round the assembly opened on a budget line; the Method of Equal Shares decides.
  get(`${C}/pb-rounds`, all('admin', ...MEMBERS)),
  get(`${C}/pb-rounds/{roundId}`, all('admin', ...MEMBERS)),
  newBusiness(post(`${C}/pb-rounds/{roundId}/proposals`, all('admin', ...MEMBERS), 'while the round takes proposals; a member for themselves, the secretary for anyone')),
  post(`${C}/pb-rounds/{roundId}/proposals/closing`, all('admin', 'chair', 'secretary')),
  post(`${C}/pb-rounds/{roundId}/proposals/{proposalId}/review`, all(...OFFICERS), 'not the proposer'),
  post(`${C}/pb-rounds/{roundId}/residents`, all('admin', 'secretary'), 'where the round lets residents vote'),
  post(`${C}/pb-rounds/{roundId}/voting/opening`, all('admin', 'chair', 'secretary'), 'every proposal reviewed and the money reserved'),
  post(`${C}/pb-rounds/{roundId}/ballots`, all(...MEMBERS), 'a member on the roll of the record date, until voting closes'),
  publicRoute('POST', `${C}/pb-rounds/{roundId}/resident-ballots`),
  post(`${C}/pb-rounds/{roundId}/voting/closing`, all('admin', 'chair', 'secretary'), 'at the end of the voting window'),
  get(`${C}/pb-rounds/{roundId}/export.pb`, all('admin', ...MEMBERS), 'once decided'),
  post(`${C}/pb-sandbox`, all('admin', ...MEMBERS), 'records nothing'),

  // The history and its tamper evidence.
  get(`${C}/events`, { ...all(...AUDITORS), ...own('member', 'suspended', 'applicant') }, 'a member: the streams of their own record'),
  get(`${C}/streams/{stream}/events`, { ...all(...AUDITORS), ...own('member', 'suspended', 'applicant') }, 'a member: the streams of their own record'),
  post(`${C}/audit/seals`, all('admin', 'treasurer', 'secretary')),
  get(`${C}/audit/verification`, all(...AUDITORS)),

  // Operations.
  get('/admin/projections', all('admin')),
  get('/admin/projections/{name}', all('admin')),
  post('/admin/projections/{name}/replay', all('admin')),
  post('/admin/projections/{name}/restart', all('admin')),
  get('/admin/reactions', all('admin')),
  get('/admin/notifications', all('admin')),
  post('/admin/notifications/{messageId}/retry', all('admin')),

  // Signing in: anyone may ask for a code and exchange it; what it signs in as is the register's (or the admins' list's).
  publicRoute('POST', `${C}/sign-in`),
  publicRoute('POST', `${C}/sign-in/code`),
  publicRoute('POST', '/admin/sign-in'),
  publicRoute('POST', '/admin/sign-in/code'),
  publicRoute('POST', '/sessions/refresh'),
  publicRoute('POST', `${C}/sign-in/oidc`),
  post(`${C}/members/{memberId}/identity-links`, { ...all('admin', 'secretary'), ...own('member', 'suspended', 'applicant') }, 'the member with a token from the identity provider'),
  post(`${C}/members/{memberId}/identity-links/revocation`, all('admin', 'secretary')),
  post(`${C}/webhooks`, all('admin', 'secretary')),
  get(`${C}/webhooks`, all('admin', 'secretary')),
  post(`${C}/webhooks/{webhookId}/revocation`, all('admin', 'secretary')),
  get(`${C}/webhooks/{webhookId}/deliveries`, all('admin', 'secretary')),
  post(`${C}/members/{memberId}/calendar-feed`, { ...all('admin'), ...own('member', 'suspended') }, 'an admin helping a member set up their calendar'),
  post(`${C}/members/{memberId}/calendar-feed/revocation`, { ...all('admin'), ...own('member', 'suspended') }),
  publicRoute('GET', '/calendars/{feedToken}'),
  get(`${C}/members/{memberId}/sessions`, { ...all('admin'), ...own('member', 'suspended', 'applicant') }),
  post(`${C}/members/{memberId}/sessions/{sessionId}/revocation`, { ...all('admin'), ...own('member', 'suspended', 'applicant') }),
];

const COLUMNS: readonly { role: CallerRole; heading: string }[] = [
  { role: 'admin', heading: 'admin' },
  { role: 'chair', heading: 'chair' },
  { role: 'secretary', heading: 'secr.' },
  { role: 'treasurer', heading: 'treas.' },
  { role: 'board-member', heading: 'board' },
  { role: 'member', heading: 'member' },
  { role: 'suspended', heading: 'susp.' },
  { role: 'applicant', heading: 'appl.' },
  { role: 'former', heading: 'former' },
  { role: 'unregistered', heading: 'unreg.' },
  { role: 'other-cooperative', heading: 'other coop' },
];

const OFFICES: readonly CallerRole[] = ['chair', 'secretary', 'treasurer', 'board-member'];

/** What a column's caller gets: an officer is an admitted member too, so gets the wider of the two grants. */
function cell(right: Right, role: CallerRole): string {
  const grants = [right.grants[role], ...(OFFICES.includes(role) ? [right.grants.member] : [])];
  if (grants.includes('all')) return '✓';
  if (grants.includes('own')) return 'own';
  return '';
}

/** The rights table as the README shows it. */
export function rightsTableMarkdown(rights: readonly Right[] = RIGHTS): string {
  const header = `| operation | ${COLUMNS.map((column) => column.heading).join(' | ')} | and |`;
  const rule = `|---|${COLUMNS.map(() => ':-:').join('|')}|---|`;
  const rows = rights.map((right) => {
    const path = right.path.replace('/cooperatives/{cooperativeId}/', '…/');
    const cells = right.public ? COLUMNS.map(() => '✓') : COLUMNS.map((column) => cell(right, column.role));
    const note = right.public ? (right.note ?? 'anyone, without a token') : [right.note, right.notInLiquidation ? 'not once dissolved (BW 2:19 lid 5)' : undefined].filter(Boolean).join('; ');
    return `| \`${right.method} ${path}\` | ${cells.join(' | ')} | ${note} |`;
  });
  return [header, rule, ...rows].join('\n');
}
