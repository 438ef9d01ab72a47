import t from 'tap';
import { deciderSpecification } from '@meent/eventsourcing/testing';
import { votingEvents } from '@meent/voting/events';
import { AssemblyDemanded, AssemblyRequestSupported, AssemblyRequested, DemandedAssemblyConvened } from '@meent/voting';
import { assemblyRequestAggregate, assemblyRequestDecider, assemblyRequestStream, type AssemblyRequestCommand } from '../src/domain/assembly-request.decider.js';
import { cooperativeId, voter } from './voting.fixture.js';

const spec = deciderSpecification(assemblyRequestDecider, votingEvents);
const requestId = '0193a6f0-0000-7000-8000-0000000000c1';
const now = new Date('2026-05-01T10:00:00.000Z');
const at = now.toISOString();
const oneTenth = { numerator: 1, denominator: 10 };

const standing = (member: number, weight = 1) => ({ memberId: voter(member), weight, eligibleWeight: 25, share: oneTenth, now });
const request = (member: number): AssemblyRequestCommand => ({
  type: 'RequestAssembly',
  requestId,
  cooperativeId,
  subject: 'De begroting opnieuw bespreken',
  ...standing(member),
});
const support = (member: number, weight = 1): AssemblyRequestCommand => ({ type: 'SupportRequest', ...standing(member, weight) });
const requested = AssemblyRequested({ requestId, cooperativeId, subject: 'De begroting opnieuw bespreken', requestedBy: voter(1), requestedAt: at });
const supported = (member: number, weight = 1) => AssemblyRequestSupported({ requestId, memberId: voter(member), weight, supportedAt: at });

t.test('a member requests an assembly and is its first supporter', async (t) => {
  spec(t).given().when(request(1)).then(requested, supported(1));
});

t.test('rejects a request from someone without a vote', async (t) => {
  spec(t).given().when({ type: 'SupportRequest', ...standing(1, 0) }).thenError('ASSEMBLY_REQUEST.NOT_ELIGIBLE', { statusCode: 403 });
});

t.test('below the share, support is recorded and nothing is demanded yet', async (t) => {
  spec(t).given(requested, supported(1)).when(support(2)).then(supported(2));
});

t.test('reaching a tenth of the votes demands the assembly, due within four weeks', async (t) => {
  spec(t)
    .given(requested, supported(1), supported(2))
    .when(support(3))
    .then(
      supported(3),
      AssemblyDemanded({
        requestId,
        cooperativeId,
        supportingWeight: 3,
        eligibleWeight: 25,
        deadline: '2026-05-29T10:00:00.000Z',
        demandedAt: at,
      }),
    );
});

t.test('rejects supporting twice', async (t) => {
  spec(t).given(requested, supported(1)).when(support(1)).thenError('ASSEMBLY_REQUEST.ALREADY_SUPPORTED', { statusCode: 409 });
});

t.test('rejects support once the assembly is demanded', async (t) => {
  const demanded = AssemblyDemanded({ requestId, cooperativeId, supportingWeight: 3, eligibleWeight: 25, deadline: at, demandedAt: at });
  spec(t).given(requested, supported(1), demanded).when(support(4)).thenError('ASSEMBLY_REQUEST.ALREADY_DEMANDED', { statusCode: 409 });
});

t.test('rejects support for an unknown request', async (t) => {
  spec(t).given().when(support(2)).thenError('ASSEMBLY_REQUEST.NOT_FOUND', { statusCode: 404 });
});

t.test('BW 2:41 lid 2: the board convenes the demanded assembly; after 14 days without it, the requesters may', async (t) => {
  const demandedAt = '2026-05-01T10:00:00.000Z';
  const deadline = '2026-05-29T10:00:00.000Z';
  const demanded = AssemblyDemanded({ requestId, cooperativeId, supportingWeight: 3, eligibleWeight: 25, deadline, demandedAt });
  const history = [requested, supported(1), supported(2), supported(3), demanded];
  const assemblyId = '0193a6f0-0000-7000-8000-0000000000a9';
  const convene = (by: { kind: 'board' } | { kind: 'requester'; memberId: string }, day: string, scheduledAt = '2026-05-28T19:00:00.000Z'): AssemblyRequestCommand => ({
    type: 'ConveneDemandedAssembly',
    assemblyId,
    scheduledAt,
    by,
    now: new Date(`${day}T10:00:00.000Z`),
  });
  const convened = (convenedBy: 'board' | 'requesters', day: string, withinDeadline = true, scheduledAt = '2026-05-28T19:00:00.000Z') =>
    DemandedAssemblyConvened({ requestId, assemblyId, convenedBy, scheduledAt, withinDeadline, convenedAt: `${day}T10:00:00.000Z` });

  spec(t).given(...history).when(convene({ kind: 'board' }, '2026-05-03')).then(convened('board', '2026-05-03'));
  spec(t)
    .given(...history)
    .when(convene({ kind: 'requester', memberId: voter(2) }, '2026-05-10'))
    .thenError('ASSEMBLY_REQUEST.BOARD_STILL_IN_TIME', { statusCode: 409, rule: 'BW 2:41 lid 2' });
  spec(t).given(...history).when(convene({ kind: 'requester', memberId: voter(2) }, '2026-05-15')).then(convened('requesters', '2026-05-15'));
  spec(t)
    .given(...history)
    .when(convene({ kind: 'requester', memberId: voter(9) }, '2026-05-15'))
    .thenError('ASSEMBLY_REQUEST.NOT_A_REQUESTER', { statusCode: 403 });
  spec(t)
    .given(...history)
    .when(convene({ kind: 'board' }, '2026-05-20', '2026-06-10T19:00:00.000Z'))
    .then(convened('board', '2026-05-20', false, '2026-06-10T19:00:00.000Z'));
  spec(t).given(requested, supported(1)).when(convene({ kind: 'board' }, '2026-05-03')).thenError('ASSEMBLY_REQUEST.NOT_DEMANDED', { statusCode: 409 });
  spec(t).given(...history, convened('board', '2026-05-03')).when(convene({ kind: 'board' }, '2026-05-03')).then();
  spec(t)
    .given(...history, convened('board', '2026-05-03'))
    .when({ ...convene({ kind: 'board' }, '2026-05-04'), assemblyId: '0193a6f0-0000-7000-8000-0000000000aa' } as AssemblyRequestCommand)
    .thenError('ASSEMBLY_REQUEST.ALREADY_CONVENED', { statusCode: 409 });
});

t.test("members' request for an assembly is its own stream, which exists once made", async (t) => {
  t.equal(assemblyRequestStream(requestId), `assembly-request-${requestId}`);
  t.equal(assemblyRequestAggregate.exists(assemblyRequestDecider.initialState), false);
  t.equal(assemblyRequestAggregate.exists(assemblyRequestDecider.evolve(assemblyRequestDecider.initialState, requested)), true);
});

t.test('a request is made once; exactly the share demands the assembly, one vote less does not', async (t) => {
  spec(t).given(requested, supported(1)).when(request(2)).thenError('ASSEMBLY_REQUEST.EXISTS', { statusCode: 409 });
  spec(t)
    .given(requested, supported(1))
    .when(support(2, 1))
    .then(supported(2));
  spec(t)
    .given(requested, supported(1))
    .when({ type: 'SupportRequest', ...standing(2, 1), eligibleWeight: 20 })
    .then(
      supported(2),
      AssemblyDemanded({ requestId, cooperativeId, supportingWeight: 2, eligibleWeight: 20, deadline: '2026-05-29T10:00:00.000Z', demandedAt: at }),
    );
  spec(t)
    .given(requested, supported(1))
    .when({ type: 'SupportRequest', ...standing(2, 1), eligibleWeight: 21 })
    .then(supported(2));
});

t.test('the convening of a demanded assembly: refusals name the day and the assembly; the deadline day itself is in time', async (t) => {
  const demanded = AssemblyDemanded({ requestId, cooperativeId, supportingWeight: 3, eligibleWeight: 25, deadline: '2026-05-29T10:00:00.000Z', demandedAt: at });
  const history = [requested, supported(1), supported(2), supported(3), demanded];
  const assemblyId = '0193a6f0-0000-7000-8000-0000000000a9';
  const convene = (by: { kind: 'board' } | { kind: 'requester'; memberId: string }, when: Date, scheduledAt = '2026-05-28T19:00:00.000Z'): AssemblyRequestCommand => ({
    type: 'ConveneDemandedAssembly',
    assemblyId,
    scheduledAt,
    by,
    now: when,
  });
  spec(t)
    .given(...history)
    .when(convene({ kind: 'board' }, now, '2026-05-29T10:00:00.000Z'))
    .then(DemandedAssemblyConvened({ requestId, assemblyId, convenedBy: 'board', scheduledAt: '2026-05-29T10:00:00.000Z', withinDeadline: true, convenedAt: at }));
  spec(t)
    .given(...history)
    .when(convene({ kind: 'requester', memberId: voter(2) }, new Date('2026-05-15T09:59:59.999Z')))
    .thenError('ASSEMBLY_REQUEST.BOARD_STILL_IN_TIME', {
      message: 'The board may convene the demanded assembly until 2026-05-15T10:00:00.000Z; the requesters after that',
    });
  const fifteenth = new Date('2026-05-15T10:00:00.000Z');
  spec(t)
    .given(...history)
    .when(convene({ kind: 'requester', memberId: voter(2) }, fifteenth))
    .then(DemandedAssemblyConvened({ requestId, assemblyId, convenedBy: 'requesters', scheduledAt: '2026-05-28T19:00:00.000Z', withinDeadline: true, convenedAt: fifteenth.toISOString() }));
  const convenedOnce = DemandedAssemblyConvened({ requestId, assemblyId, convenedBy: 'board', scheduledAt: '2026-05-28T19:00:00.000Z', withinDeadline: true, convenedAt: at });
  spec(t)
    .given(...history, convenedOnce)
    .when({ ...convene({ kind: 'board' }, now), assemblyId: '0193a6f0-0000-7000-8000-0000000000aa' } as AssemblyRequestCommand)
    .thenError('ASSEMBLY_REQUEST.ALREADY_CONVENED', { message: `The demanded assembly is convened already: ${assemblyId}` });
  spec(t).given(...history, convenedOnce).when(support(4)).thenError('ASSEMBLY_REQUEST.ALREADY_DEMANDED');
  spec(t).given().when(convene({ kind: 'board' }, now)).thenError('ASSEMBLY_REQUEST.NOT_FOUND', { statusCode: 404 });
});
