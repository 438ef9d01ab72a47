import t from 'tap';
import { deciderSpecification } from '@meent/eventsourcing/testing';
import { membershipEvents } from '@meent/membership/events';
import { ABANDONED_CLAIM_MS, EmailClaimReleased, EmailClaimed, emailClaimDecider, emailClaimStream } from '../src/domain/email-claim.decider.js';

const spec = deciderSpecification(emailClaimDecider, membershipEvents);
const anna = '0193a6f0-0000-7000-8000-00000000000a';
const bram = '0193a6f0-0000-7000-8000-00000000000b';
const claimedAt = '2026-03-01T10:00:00.000Z';
const soon = new Date(Date.parse(claimedAt) + 1000);
const later = new Date(Date.parse(claimedAt) + ABANDONED_CLAIM_MS + 1);
const annasClaim = EmailClaimed({ memberId: anna, claimedAt });

t.test('when the address is free', async (t) => {
  t.test('it is claimed', async (t) => {
    spec(t)
      .given()
      .when({ type: 'ClaimEmail', memberId: anna, holder: 'missing', now: soon })
      .then(EmailClaimed({ memberId: anna, claimedAt: soon.toISOString() }));
  });
});

t.test('when another member holds the address', async (t) => {
  t.test('refuses it while they use it', async (t) => {
    spec(t)
      .given(annasClaim)
      .when({ type: 'ClaimEmail', memberId: bram, holder: 'active', now: later })
      .thenError('MEMBER.EMAIL_TAKEN', { statusCode: 409 });
  });
  t.test('refuses it while a registration holding it may still be under way', async (t) => {
    spec(t)
      .given(annasClaim)
      .when({ type: 'ClaimEmail', memberId: bram, holder: 'missing', now: soon })
      .thenError('MEMBER.EMAIL_TAKEN');
  });
  t.test('takes over a claim its registration abandoned', async (t) => {
    spec(t)
      .given(annasClaim)
      .when({ type: 'ClaimEmail', memberId: bram, holder: 'missing', now: later })
      .then(EmailClaimed({ memberId: bram, claimedAt: later.toISOString() }));
  });
  t.test('takes over the address of a former member, or one they no longer use', async (t) => {
    spec(t)
      .given(annasClaim)
      .when({ type: 'ClaimEmail', memberId: bram, holder: 'former', now: soon })
      .then(EmailClaimed({ memberId: bram, claimedAt: soon.toISOString() }));
  });
});

t.test('when the same member claims their own address again', async (t) => {
  t.test('nothing changes', async (t) => {
    spec(t).given(annasClaim).when({ type: 'ClaimEmail', memberId: anna, holder: 'active', now: later }).then();
  });
});

t.test('when the command a claim was made for is refused after all', async (t) => {
  t.test('the member who holds it gives it back', async (t) => {
    spec(t)
      .given(annasClaim)
      .when({ type: 'ReleaseClaim', memberId: anna, now: soon })
      .then(EmailClaimReleased({ memberId: anna, releasedAt: soon.toISOString() }));
  });
  t.test('nobody else can give it back', async (t) => {
    spec(t).given(annasClaim).when({ type: 'ReleaseClaim', memberId: bram, now: soon }).then();
  });
  t.test('given back, the address is free at once', async (t) => {
    spec(t)
      .given(annasClaim, EmailClaimReleased({ memberId: anna, releasedAt: soon.toISOString() }))
      .when({ type: 'ClaimEmail', memberId: bram, holder: 'missing', now: soon })
      .then(EmailClaimed({ memberId: bram, claimedAt: soon.toISOString() }));
  });
});

t.test('a claim is abandoned only once the full minute has passed', async (t) => {
  const atTheMinute = new Date(Date.parse(claimedAt) + ABANDONED_CLAIM_MS);
  spec(t).given(annasClaim).when({ type: 'ClaimEmail', memberId: bram, holder: 'missing', now: atTheMinute }).thenError('MEMBER.EMAIL_TAKEN');
});

t.test('a released claim is given back once: nothing to give back after that', async (t) => {
  const released = EmailClaimReleased({ memberId: anna, releasedAt: soon.toISOString() });
  spec(t).given(annasClaim, released).when({ type: 'ReleaseClaim', memberId: anna, now: later }).then();
  spec(t).given(annasClaim, released).when({ type: 'ClaimEmail', memberId: bram, holder: 'active', now: soon }).then(EmailClaimed({ memberId: bram, claimedAt: soon.toISOString() }));
});

t.test("a claim's stream is named by the address's blind index, and no history shows its events", async (t) => {
  t.equal(emailClaimStream('k3y'), 'emailclaim-k3y');
  t.strictSame([EmailClaimed.withheld, EmailClaimReleased.withheld], [{ event: true, fields: [] }, { event: true, fields: [] }]);
});
