import t from 'tap';
import { deciderSpecification } from '@meent/eventsourcing/testing';
import { IdentityLinked, IdentityUnlinked, identityLinkDecider, identityLinkEvents, identityLinkStream } from '../src/domain/identity-link.js';

const spec = deciderSpecification(identityLinkDecider, identityLinkEvents);
const now = new Date('2026-11-02T09:00:00.000Z');
const at = now.toISOString();
const femke = '0193a6f0-0000-7000-8000-000000000001';
const sanne = '0193a6f0-0000-7000-8000-000000000002';
const issuer = 'https://login.federatie.example';
const linkedToFemke = IdentityLinked({ memberId: femke, issuer, recordedBy: 'member', linkedAt: at });

t.test('an account at the provider is linked to one member, by the member or the secretary', async (t) => {
  spec(t).given().when({ type: 'LinkIdentity', memberId: femke, issuer, recordedBy: 'member', now }).then(linkedToFemke);
  spec(t)
    .given()
    .when({ type: 'LinkIdentity', memberId: femke, issuer, recordedBy: 'secretary', now })
    .then(IdentityLinked({ memberId: femke, issuer, recordedBy: 'secretary', linkedAt: at }));
});

t.test('linking it again to the same member changes nothing', async (t) => {
  spec(t).given(linkedToFemke).when({ type: 'LinkIdentity', memberId: femke, issuer, recordedBy: 'secretary', now }).then();
});

t.test('an account linked to one member is not linked to another until it is unlinked', async (t) => {
  spec(t)
    .given(linkedToFemke)
    .when({ type: 'LinkIdentity', memberId: sanne, issuer, recordedBy: 'secretary', now })
    .thenError('IDENTITY.LINKED_TO_ANOTHER', { statusCode: 409 });
  spec(t)
    .given(linkedToFemke, IdentityUnlinked({ memberId: femke, unlinkedAt: at }))
    .when({ type: 'LinkIdentity', memberId: sanne, issuer, recordedBy: 'secretary', now })
    .then(IdentityLinked({ memberId: sanne, issuer, recordedBy: 'secretary', linkedAt: at }));
});

t.test('only the member it is linked to is unlinked from it', async (t) => {
  spec(t).given(linkedToFemke).when({ type: 'UnlinkIdentity', memberId: femke, now }).then(IdentityUnlinked({ memberId: femke, unlinkedAt: at }));
  spec(t).given(linkedToFemke).when({ type: 'UnlinkIdentity', memberId: sanne, now }).thenError('IDENTITY.NOT_LINKED', { statusCode: 404 });
  spec(t).given().when({ type: 'UnlinkIdentity', memberId: femke, now }).thenError('IDENTITY.NOT_LINKED', { statusCode: 404 });
});

t.test("a link's stream is named by the account's blind index, and no history shows its events", async (t) => {
  t.equal(identityLinkStream('k3y'), 'identitylink-k3y');
  t.strictSame(
    identityLinkEvents.map((definition) => [definition.type, definition.withheld]),
    [
      ['IdentityLinked', { event: true, fields: [] }],
      ['IdentityUnlinked', { event: true, fields: [] }],
    ],
  );
});
