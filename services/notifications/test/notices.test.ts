// What Meent writes, pinned: the Dutch convocation a member reads, the English one, the signature a webhook receiver
// checks (the Standard Webhooks specification's own example), and the calendar entry.
import t from 'tap';
import { calendarOf } from '../src/calendar.js';
import { messageIdOf } from '../src/mailer.js';
import {
  applicationNotice,
  approvalAwaitedNotice,
  convocationNotice,
  decisionNotice,
  euros,
  expulsionNotice,
  proxyNotice,
  signInCodeNotice,
  votingOpenedNotice,
} from '../src/notices.js';
import { retryDelayAfter } from '../src/outbox.js';
import { webhookSignature } from '../src/webhooks.js';

const convocation = {
  cooperative: 'Wijkcoöperatie De Meent U.A.',
  recipient: 'Mila Buur',
  title: 'Algemene ledenvergadering',
  scheduledAt: '2026-12-15T18:30:00.000Z',
  venue: { kind: 'place' as const, address: 'Buurthuis De Meent, Meentweg 1' },
  recordDate: '2026-11-20T00:00:00.000Z',
  agenda: ['Opening', 'Jaarverslag'],
  motions: [{ title: 'Artikel 5', text: 'Artikel 5 luidt voortaan: de coöperatie vergadert tweemaal per jaar.', decisionType: 'statute-amendment' }],
  announcesStatuteAmendment: true,
  supplement: false,
};

t.test('the convocation in Dutch: date and place in Dutch time, the agenda, the amendment verbatim, BW 2:42', async (t) => {
  const notice = convocationNotice('nl', convocation);
  t.equal(notice.subject, 'Oproeping: Algemene ledenvergadering, dinsdag 15 december 2026 om 19:30');
  t.equal(
    notice.text,
    [
      'Beste Mila Buur,',
      'Hierbij nodigen wij je uit voor de Algemene ledenvergadering op dinsdag 15 december 2026 om 19:30, Buurthuis De Meent, Meentweg 1.',
      'Agenda:\n1. Opening\n2. Jaarverslag',
      'Voorstel tot statutenwijziging: Artikel 5\nDe letterlijke tekst van de voorgestelde wijziging:\n\nArtikel 5 luidt voortaan: de coöperatie vergadert tweemaal per jaar.',
      'Deze vergadering besluit over een wijziging van de statuten (artikel 2:42 BW). Het voorstel met de letterlijke tekst ligt tot na afloop van de vergadering ter inzage.',
      'Stemgerechtigd zijn de leden op vrijdag 20 november 2026 om 01:00. Kun je niet komen, dan kun je een ander lid een volmacht geven.',
      'Met vriendelijke groet,\nWijkcoöperatie De Meent U.A.',
    ].join('\n\n'),
  );
  const supplement = convocationNotice('nl', { ...convocation, supplement: true, agenda: [], motions: [], announcesStatuteAmendment: false, venue: { kind: 'online', url: null } });
  t.match(supplement.subject, /^Aanvullende oproeping: /);
  t.match(supplement.text, /Aanvullend op de eerdere oproeping nodigen wij je uit voor de Algemene ledenvergadering op .*, online \(de link volgt\)\./);
  t.match(supplement.text, /De agenda volgt\./);
  t.notMatch(supplement.text, /2:42/, 'no amendment announced, none said');
});

t.test('the convocation in English', async (t) => {
  const notice = convocationNotice('en', { ...convocation, venue: { kind: 'online', url: 'https://meet.example.org/alv' } });
  t.equal(notice.subject, 'Notice of meeting: Algemene ledenvergadering, Tuesday, 15 December 2026 at 19:30');
  t.match(notice.text, /^Dear Mila Buur,\n\nWe invite you to the Algemene ledenvergadering on Tuesday, 15 December 2026 at 19:30, online: https:\/\/meet\.example\.org\/alv\./);
  t.match(notice.text, /Proposed amendment of the statutes: Artikel 5\nThe verbatim text of the proposed amendment:/);
  t.match(notice.text, /Kind regards,\nWijkcoöperatie De Meent U\.A\.$/);
});

t.test('the other notices say what happened, to whom, in the cooperative’s language', async (t) => {
  const letterhead = { cooperative: 'De Meent', recipient: 'Mila' };
  t.match(votingOpenedNotice('nl', { ...letterhead, motion: 'Moestuin', round: 2, secret: true }), {
    subject: 'De stemming is geopend: Moestuin (stemronde 2)',
    text: /De stemming is geheim: niemand ziet hoe je stemt, wel dat je gestemd hebt\./,
  });
  t.match(votingOpenedNotice('en', { ...letterhead, motion: 'Garden', round: 1, secret: false }), { subject: 'Voting has opened: Garden', text: /goes into the minutes/ });
  t.match(proxyNotice('nl', { ...letterhead, role: 'holder', other: 'Ravi', assembly: 'ALV', change: 'granted' }), {
    subject: 'Volmacht gegeven: ALV',
    text: /Ravi heeft je een volmacht gegeven om namens hem of haar te stemmen op de ALV\./,
  });
  t.match(proxyNotice('en', { ...letterhead, role: 'grantor', other: 'Ravi', assembly: 'ALV', change: 'revoked' }), {
    subject: 'Proxy revoked: ALV',
    text: /Your proxy to Ravi for the ALV was revoked\./,
  });
  t.match(decisionNotice('nl', { ...letterhead, motion: 'Moestuin', outcome: 'passed', tally: { for: 3, against: 1, abstain: 2 }, explanation: 'Gewone meerderheid.' }), {
    subject: 'Besluit: "Moestuin" is aangenomen',
    text: /Voor 3, tegen 1, onthouden 2\.\n\nGewone meerderheid\./,
  });
  t.match(approvalAwaitedNotice('nl', { ...letterhead, what: 'expense', description: 'Verf', amountCents: 123_456 }), {
    subject: 'Goedkeuring gevraagd: Verf, € 1.234,56',
    text: /Een uitgave van € 1\.234,56 \(Verf\) wacht op de goedkeuring van een tweede bestuurder\./,
  });
  t.match(applicationNotice('en', { ...letterhead, application: 'initiative', title: 'Repair café', outcome: 'granted', reason: null, amountCents: 50_000 }), {
    subject: 'Decision on your initiative: Repair café',
    text: /Your initiative "Repair café" is granted € 500\.00\./,
  });
  t.match(applicationNotice('nl', { ...letterhead, application: 'membership', title: null, outcome: 'refused', reason: 'buiten de wijk', amountCents: null }), {
    subject: 'Je aanmelding als lid',
    text: /is afgewezen\.\n\nReden: buiten de wijk/,
  });
  t.match(expulsionNotice('nl', { ...letterhead, reason: 'herhaald wangedrag', appealUntil: '2026-12-02T23:00:00.000Z' }), {
    subject: 'Besluit tot ontzetting uit het lidmaatschap van De Meent',
    text: /De reden: herhaald wangedrag\n\nJe kunt tot donderdag 3 december 2026 om 00:00 in beroep gaan bij de algemene ledenvergadering \(artikel 2:35 lid 4 BW\)\./,
  });
  t.match(signInCodeNotice('nl', { cooperative: 'De Meent', code: '01234567', minutes: 10 }), {
    subject: 'Je inlogcode voor De Meent: 01234567',
    text: /De code is 10 minuten geldig en werkt één keer\./,
  });
});

t.test('money in words: integer cents, grouped, in either language', async (t) => {
  t.equal(euros('nl', 5), '€ 0,05');
  t.equal(euros('en', 100_000_00), '€ 100,000.00');
  t.equal(euros('nl', -1_50), '€ -1,50');
});

t.test('a webhook signature is the Standard Webhooks specification’s: its own example', async (t) => {
  t.equal(
    webhookSignature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}'),
    'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  );
});

t.test('a retry waits half a minute, doubling, six hours at most', async (t) => {
  t.same([1, 2, 3, 10, 11, 20].map(retryDelayAfter), [30_000, 60_000, 120_000, 15_360_000, 6 * 3_600_000, 6 * 3_600_000]);
});

t.test('the Message-ID comes from the message’s id and the sender’s domain, the same on every retry', async (t) => {
  t.equal(messageIdOf({ id: 'convocation/abc/def' }, 'De Meent <secretariaat@demeent.nl>'), '<convocation.abc.def@demeent.nl>');
  t.equal(messageIdOf({ id: 'sign-in/x' }, 'meent@localhost'), '<sign-in.x@localhost>');
});

t.test('an assembly in the calendar: its uid, its time in UTC, cancelled when it is', async (t) => {
  const calendar = calendarOf(
    [{ assemblyId: 'a1', cooperative: 'De Meent', title: 'ALV', scheduledAt: '2026-12-15T18:30:00.000Z', venue: { kind: 'online', url: 'https://meet.example.org/alv' }, cancelled: true, sequence: 1 }],
    'De Meent',
  );
  t.match(calendar, /BEGIN:VEVENT\r\nUID:assembly-a1@meent\r\n/);
  t.match(calendar, /DTSTART:20261215T183000Z/);
  t.match(calendar, /STATUS:CANCELLED/);
  t.match(calendar, /SEQUENCE:1/);
  t.match(calendar, /URL:https:\/\/meet\.example\.org\/alv/);
});
