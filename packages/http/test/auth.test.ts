import t from 'tap';
import { SignJWT } from 'jose';
import { signToken, verifyToken } from '@meent/http';

const secret = 'a-test-secret-that-is-long-enough-for-hs256';
const key = new TextEncoder().encode(secret);
const now = new Date('2026-11-25T12:00:00.000Z');
const nowSeconds = Math.floor(now.getTime() / 1000);
const cooperativeId = '0193a6f0-0000-7000-8000-000000000001';
const memberToken = () =>
  signToken(secret, { subject: 'member-1', cooperativeId, roles: ['member'], expiresInSeconds: 60, now });

/** A token as a standard library other than Meent's would mint it. */
const joseToken = (header: Record<string, unknown>, claims: Record<string, unknown>) =>
  new SignJWT({ cooperativeId, roles: ['member'], ...claims }).setProtectedHeader({ alg: 'HS256', ...header }).sign(key);

t.test('a token it signed verifies, and names its caller', async (t) => {
  t.same(await verifyToken(secret, memberToken(), now), {
    ok: true,
    principal: { subject: 'member-1', cooperativeId, roles: ['member'] },
  });
});

t.test('an admin token may name no cooperative; a member token must', async (t) => {
  const admin = signToken(secret, { subject: 'admin-1', roles: ['admin'], expiresInSeconds: 60, now });
  t.match(await verifyToken(secret, admin, now), { ok: true, principal: { roles: ['admin'], cooperativeId: undefined } });
  t.throws(() => signToken(secret, { subject: 'm', roles: ['member'], expiresInSeconds: 60, now }), /a member token names its cooperative/);
});

t.test('accepts tokens minted by jose with standard headers', async (t) => {
  const claims = { sub: 'member-1', exp: nowSeconds + 60 };
  t.test('alg alone, no typ', async (t) => {
    t.match(await verifyToken(secret, await joseToken({}, claims), now), { ok: true, principal: { subject: 'member-1' } });
  });
  t.test('with a kid', async (t) => {
    t.match(await verifyToken(secret, await joseToken({ kid: 'meent-1', typ: 'JWT' }, claims), now), { ok: true });
  });
  t.test('header keys in another order', async (t) => {
    const header = Buffer.from('{"typ":"JWT","alg":"HS256"}').toString('base64url');
    const signed = await new SignJWT({ sub: 'member-1', cooperativeId, roles: ['member'], exp: nowSeconds + 60 })
      .setProtectedHeader({ typ: 'JWT', alg: 'HS256' })
      .sign(key);
    t.equal(signed.split('.')[0], header, 'the header keeps typ first');
    t.match(await verifyToken(secret, signed, now), { ok: true });
  });
});

t.test('checks issuer and audience when configured', async (t) => {
  const settings = { secret, issuer: 'https://meent.example', audience: 'meent-api' };
  const minted = signToken(settings, { subject: 'member-1', cooperativeId, roles: ['member'], expiresInSeconds: 60, now });
  t.match(await verifyToken(settings, minted, now), { ok: true }, 'meent token puts them in');
  const claims = { sub: 'member-1', exp: nowSeconds + 60 };
  t.match(await verifyToken(settings, await joseToken({}, { ...claims, iss: 'https://other.example', aud: 'meent-api' }), now), {
    ok: false,
    reason: /iss/,
  });
  t.match(await verifyToken(settings, await joseToken({}, { ...claims, iss: 'https://meent.example', aud: 'another-api' }), now), {
    ok: false,
    reason: /aud/,
  });
  t.match(await verifyToken(settings, await joseToken({}, claims), now), { ok: false }, 'a token without them');
});

t.test('refuses', async (t) => {
  t.test('a token not valid before an hour from now', async (t) => {
    const token = await joseToken({}, { sub: 'member-1', nbf: nowSeconds + 3600, exp: nowSeconds + 7200 });
    t.match(await verifyToken(secret, token, now), { ok: false, reason: /not valid yet/ });
  });
  t.test('a token without an expiry', async (t) => {
    t.match(await verifyToken(secret, await joseToken({}, { sub: 'member-1' }), now), { ok: false, reason: /exp/ });
  });
  t.test('an expired token, beyond the allowed clock skew', async (t) => {
    t.match(await verifyToken(secret, memberToken(), new Date(now.getTime() + 91_000)), { ok: false, reason: /expired/ });
    t.match(
      await verifyToken(secret, memberToken(), new Date(now.getTime() + 89_000)),
      { ok: true },
      'within 30 s of skew it still counts',
    );
  });
  t.test('a token signed with another secret', async (t) => {
    t.match(await verifyToken(`${secret}-other`, memberToken(), now), { ok: false, reason: /signature/ });
  });
  t.test('a token whose claims were changed after signing', async (t) => {
    const [header, , signature] = memberToken().split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'member-1', roles: ['admin'], iat: 0, exp: 9e9 })).toString(
      'base64url',
    );
    t.match(await verifyToken(secret, `${header}.${forged}.${signature}`, now), { ok: false, reason: /signature/ });
  });
  t.test('an unsigned token', async (t) => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const [, payload] = memberToken().split('.');
    t.match(await verifyToken(secret, `${header}.${payload}.`, now), { ok: false });
  });
  t.test('another algorithm', async (t) => {
    const token = await new SignJWT({ sub: 'member-1', cooperativeId, roles: ['member'], exp: nowSeconds + 60 })
      .setProtectedHeader({ alg: 'HS512' })
      .sign(new TextEncoder().encode(`${secret}${secret}`));
    t.match(await verifyToken(`${secret}${secret}`, token, now), { ok: false, reason: /HS256/ });
  });
  t.test('something that is not a JWT', async (t) => {
    t.match(await verifyToken(secret, 'not-a-token', now), { ok: false, reason: /not a valid JWT/ });
  });
});
