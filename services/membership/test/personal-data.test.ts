// What the register holds of a person, as it holds it: trimmed, the address in lower case, nothing it does not know.
import t from 'tap';
import { membershipEvents } from '@meent/membership/events';
import { personalDataSchema } from '../src/domain/personal-data.js';

t.test('names, addresses and phone numbers are held trimmed; an e-mail address in lower case', async (t) => {
  t.strictSame(personalDataSchema.parse({ name: '  Anna de Vries ', email: 'Anna.de.Vries@Example.NL' }), {
    name: 'Anna de Vries',
    email: 'anna.de.vries@example.nl',
    address: null,
    phone: null,
    language: null,
  });
  t.strictSame(
    personalDataSchema.parse({ name: 'Bram', email: 'bram@example.nl', address: ' Dorpsstraat 1, Rotterdam ', phone: ' +31 10 123 4567 ', language: 'en' }),
    { name: 'Bram', email: 'bram@example.nl', address: 'Dorpsstraat 1, Rotterdam', phone: '+31 10 123 4567', language: 'en' },
  );
});

t.test('nothing but spaces is no name, address or phone number', async (t) => {
  for (const field of ['name', 'address', 'phone'] as const) {
    const result = personalDataSchema.safeParse({ name: 'Anna', email: 'anna@example.nl', [field]: '   ' });
    t.equal(result.success, false, field);
    t.strictSame(result.error?.issues.map((issue) => issue.path), [[field]], field);
  }
});

t.test('each field holds up to its length, not a character more', async (t) => {
  const valid = { name: 'Anna', email: 'anna@example.nl' };
  const local = 'a'.repeat(64);
  const domain = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.nl`;
  const limits = [
    ['name', 'n'.repeat(200), 'n'.repeat(201)],
    ['address', 'a'.repeat(500), 'a'.repeat(501)],
    ['phone', '1'.repeat(40), '1'.repeat(41)],
    ['email', `${local}@${domain}`, `${local}@b${domain}`],
  ] as const;
  for (const [field, longest, tooLong] of limits) {
    t.equal(personalDataSchema.safeParse({ ...valid, [field]: longest }).success, true, `${field} of ${longest.length}`);
    t.equal(personalDataSchema.safeParse({ ...valid, [field]: tooLong }).success, false, `${field} of ${tooLong.length}`);
  }
});

t.test('a language the notices are not written in, a field the register does not hold, and a missing name are refused', async (t) => {
  t.equal(personalDataSchema.safeParse({ name: 'Anna', email: 'anna@example.nl', language: 'fr' }).success, false);
  t.equal(personalDataSchema.safeParse({ name: 'Anna', email: 'anna@example.nl', bsn: '123456782' }).success, false);
  t.equal(personalDataSchema.safeParse({ email: 'anna@example.nl' }).success, false);
  t.equal(personalDataSchema.safeParse({ name: 'Anna', email: 'anna' }).success, false);
  t.equal(personalDataSchema.safeParse({ name: 'Anna', email: 'anna@example.nl', language: 'nl' }).success, true);
});

t.test("what no history shows, and which event erases a person's data from the read models", async (t) => {
  const privacy = Object.fromEntries(
    membershipEvents.filter((definition) => definition.withheld.event || definition.withheld.fields.length > 0 || definition.erasesPersonalData)
      .map((definition) => [definition.type, { withheld: definition.withheld, erases: definition.erasesPersonalData }]),
  );
  t.strictSame(privacy, {
    MemberRegistered: { withheld: { event: false, fields: ['emailClaim'] }, erases: false },
    MemberDetailsChanged: { withheld: { event: false, fields: ['emailClaim'] }, erases: false },
    PersonalDataErased: { withheld: { event: false, fields: [] }, erases: true },
    EmailClaimed: { withheld: { event: true, fields: [] }, erases: false },
    EmailClaimReleased: { withheld: { event: true, fields: [] }, erases: false },
  });
});
