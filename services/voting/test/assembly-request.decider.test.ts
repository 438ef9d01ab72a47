import t from 'tap';
import { deciderSpecification } from '@meent/eventsourcing/testing';
import { AssemblyDemanded, AssemblyRequestSupported, AssemblyRequested } from '@meent/voting';
import { assemblyRequestDecider, type AssemblyRequestCommand } from '../src/domain/assembly-request.decider.js';
import { cooperativeId, voter } from './voting.fixture.js';

const spec = deciderSpecification(assemblyRequestDecider);
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
  spec(t).given().when({ ...request(1), weight: 0 }).thenError('ASSEMBLY_REQUEST.NOT_ELIGIBLE', { statusCode: 403 });
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
