// What people type into the app's forms, read exactly: amounts in euros as each language writes them, and a date and
// time of the cooperative's own clock.
import t from 'tap';
import { centsFrom } from '../src/i18n.js';
import { localTimeToIso } from '../src/local-time.js';

t.test('an amount in euros becomes cents, as the language writes it, without floating point', async (t) => {
  t.equal(centsFrom('1.234,56', 'nl'), 123_456);
  t.equal(centsFrom('1234,5', 'nl'), 123_450);
  t.equal(centsFrom(' 750 ', 'nl'), 75_000);
  t.equal(centsFrom('0,07', 'nl'), 7);
  t.equal(centsFrom('1,234.56', 'en'), 123_456);
  t.equal(centsFrom('19.99', 'en'), 1_999);
  t.equal(centsFrom('999999999,99', 'nl'), 99_999_999_999, 'nine digits of euros, exactly');
  for (const typed of ['12,345', '', 'tien', '-5', '1,2,3', '€ 5', '1e3']) t.equal(centsFrom(typed, 'nl'), undefined, `"${typed}" is no amount`);
  t.equal(centsFrom('1.234,56', 'en'), undefined, "a Dutch amount is not taken for an English one's thousands");
});

t.test('a form’s date and time is Amsterdam’s, winter and summer', async (t) => {
  t.equal(localTimeToIso('2026-01-15T19:30'), '2026-01-15T18:30:00.000Z', 'CET: an hour ahead of UTC');
  t.equal(localTimeToIso('2026-07-01T19:30'), '2026-07-01T17:30:00.000Z', 'CEST: two hours ahead');
  t.equal(localTimeToIso('2026-03-29T03:30'), '2026-03-29T01:30:00.000Z', 'just after the clocks go forward');
  t.equal(localTimeToIso('2026-10-25T01:30'), '2026-10-24T23:30:00.000Z', 'the night the clocks go back, before they do');
  for (const typed of ['2026-01-15', '19:30', '2026-13-01T10:00', '2026-11-31T10:00', '2026-01-15T24:00', '2026-01-15T10:00x', '']) t.equal(localTimeToIso(typed), undefined, `"${typed}" is no date and time`);
});
