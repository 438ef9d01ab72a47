import t from 'tap';
import { signToken, verifyToken } from '@meent/http';

const secret = 'a-test-secret-that-is-long-enough-for-hs256';
const now = new Date('2026-11-25T12:00:00.000Z');
const cooperativeId = '0193a6f0-0000-7000-8000-000000000001';
const memberToken = () =>
  signToken(secret, { subject: 'member-1', cooperativeId, roles: ['member'], expiresInSeconds: 60, now });

t.test('a token it signed verifies, and names its caller', async (t) => {
  t.same(verifyToken(secret, memberToken(), now), {
    ok: true,
    principal: { subject: 'member-1', cooperativeId, roles: ['member'] },
  });
});

t.test('an admin token may name no cooperative; a member token must', async (t) => {
  const admin = signToken(secret, { subject: 'admin-1', roles: ['admin'], expiresInSeconds: 60, now });
  t.match(verifyToken(secret, admin, now), { ok: true, principal: { roles: ['admin'], cooperativeId: undefined } });
  t.throws(() => signToken(secret, { subject: 'm', roles: ['member'], expiresInSeconds: 60, now }));
});

t.test('refuses', async (t) => {
  t.test('an expired token', async (t) => {
    t.match(verifyToken(secret, memberToken(), new Date(now.getTime() + 61_000)), { ok: false, reason: /expired/ });
  });
  t.test('a token signed with another secret', async (t) => {
    t.match(verifyToken(`${secret}-other`, memberToken(), now), { ok: false, reason: /signature/ });
  });
  t.test('a token whose claims were changed after signing', async (t) => {
    const [header, , signature] = memberToken().split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'member-1', roles: ['admin'], iat: 0, exp: 9e9 })).toString(
      'base64url',
    );
    t.match(verifyToken(secret, `${header}.${forged}.${signature}`, now), { ok: false, reason: /signature/ });
  });
  t.test('an unsigned token', async (t) => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const [, payload] = memberToken().split('.');
    t.match(verifyToken(secret, `${header}.${payload}.`, now), { ok: false });
  });
  t.test('something that is not a JWT', async (t) => {
    t.match(verifyToken(secret, 'not-a-token', now), { ok: false, reason: /not a JWT/ });
  });
});
