// What Meent writes to people, in Dutch or English: pure functions from what happened to a subject and a text. Dates
// are written in the Netherlands' time, where the cooperatives meet.
import type { NoticeLanguage } from '@meent/membership/events';

export type Language = NoticeLanguage;

export interface Notice {
  readonly subject: string;
  readonly text: string;
}

const TIME_ZONE = 'Europe/Amsterdam';

export function dateTime(language: Language, instant: string): string {
  return new Intl.DateTimeFormat(language === 'nl' ? 'nl-NL' : 'en-GB', {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone: TIME_ZONE,
  }).format(new Date(instant));
}

export function euros(language: Language, cents: number): string {
  const whole = Math.trunc(cents / 100);
  const rest = String(Math.abs(cents % 100)).padStart(2, '0');
  const grouped = Math.abs(whole).toLocaleString(language === 'nl' ? 'nl-NL' : 'en-GB');
  return `€ ${cents < 0 ? '-' : ''}${grouped}${language === 'nl' ? ',' : '.'}${rest}`;
}

const greeting = (language: Language, name: string) => (language === 'nl' ? `Beste ${name},` : `Dear ${name},`);
const closing = (language: Language, cooperative: string) =>
  language === 'nl' ? `Met vriendelijke groet,\n${cooperative}` : `Kind regards,\n${cooperative}`;
const letter = (language: Language, name: string, cooperative: string, ...paragraphs: string[]) =>
  [greeting(language, name), ...paragraphs, closing(language, cooperative)].join('\n\n');

export type Venue = { readonly kind: 'online'; readonly url: string | null } | { readonly kind: 'place'; readonly address: string };

function venueText(language: Language, venue: Venue): string {
  if (venue.kind === 'place') return venue.address;
  if (venue.url) return `online: ${venue.url}`;
  return language === 'nl' ? 'online (de link volgt)' : 'online (the link follows)';
}

export interface Convocation {
  readonly cooperative: string;
  readonly recipient: string;
  readonly title: string;
  readonly scheduledAt: string;
  readonly venue: Venue;
  readonly recordDate: string;
  readonly agenda: readonly string[];
  readonly motions: readonly { readonly title: string; readonly text: string; readonly decisionType: string }[];
  readonly announcesStatuteAmendment: boolean;
  /** A convocation sent again supplements the first. */
  readonly supplement: boolean;
}

export function convocationNotice(language: Language, convocation: Convocation): Notice {
  const when = dateTime(language, convocation.scheduledAt);
  const where = venueText(language, convocation.venue);
  const nl = language === 'nl';
  const agenda =
    convocation.agenda.length > 0
      ? `Agenda:\n${convocation.agenda.map((item, index) => `${index + 1}. ${item}`).join('\n')}`
      : nl
        ? 'De agenda volgt.'
        : 'The agenda follows.';
  const motions = convocation.motions.map((motion) =>
    motion.decisionType === 'statute-amendment'
      ? `${nl ? 'Voorstel tot statutenwijziging' : 'Proposed amendment of the statutes'}: ${motion.title}\n${
          nl ? 'De letterlijke tekst van de voorgestelde wijziging' : 'The verbatim text of the proposed amendment'
        }:\n\n${motion.text}`
      : `${nl ? 'Voorstel' : 'Motion'}: ${motion.title}\n\n${motion.text}`,
  );
  const amendment = convocation.announcesStatuteAmendment
    ? nl
      ? 'Deze vergadering besluit over een wijziging van de statuten (artikel 2:42 BW). Het voorstel met de letterlijke tekst ligt tot na afloop van de vergadering ter inzage.'
      : 'This meeting decides on an amendment of the statutes (article 2:42 of the Dutch Civil Code). The proposal with its verbatim text is open to inspection until the meeting has ended.'
    : undefined;
  const opening = nl
    ? `${convocation.supplement ? 'Aanvullend op de eerdere oproeping nodigen' : 'Hierbij nodigen'} wij je uit voor de ${convocation.title} op ${when}, ${where}.`
    : `${convocation.supplement ? 'Further to the earlier notice, we invite' : 'We invite'} you to the ${convocation.title} on ${when}, ${where}.`;
  const roll = nl
    ? `Stemgerechtigd zijn de leden op ${dateTime(language, convocation.recordDate)}. Kun je niet komen, dan kun je een ander lid een volmacht geven.`
    : `Members on ${dateTime(language, convocation.recordDate)} may vote. If you cannot come, you may give another member your proxy.`;
  return {
    subject: nl
      ? `${convocation.supplement ? 'Aanvullende oproeping' : 'Oproeping'}: ${convocation.title}, ${when}`
      : `${convocation.supplement ? 'Supplementary notice' : 'Notice of meeting'}: ${convocation.title}, ${when}`,
    text: letter(language, convocation.recipient, convocation.cooperative, opening, agenda, ...motions, ...(amendment ? [amendment] : []), roll),
  };
}

export function votingOpenedNotice(
  language: Language,
  opened: { cooperative: string; recipient: string; motion: string; round: number; secret: boolean },
): Notice {
  const nl = language === 'nl';
  const again = opened.round > 1 ? (nl ? ` (stemronde ${opened.round})` : ` (round ${opened.round})`) : '';
  const secrecy = opened.secret
    ? nl
      ? 'De stemming is geheim: niemand ziet hoe je stemt, wel dat je gestemd hebt.'
      : 'The ballot is secret: nobody sees how you vote, only that you did.'
    : nl
      ? 'De stemming is open: hoe je stemt komt in de notulen.'
      : 'The vote is open: how you vote goes into the minutes.';
  return {
    subject: nl ? `De stemming is geopend: ${opened.motion}${again}` : `Voting has opened: ${opened.motion}${again}`,
    text: letter(
      language,
      opened.recipient,
      opened.cooperative,
      nl ? `De stemming over "${opened.motion}"${again} is geopend.` : `Voting on "${opened.motion}"${again} has opened.`,
      secrecy,
    ),
  };
}

export function proxyNotice(
  language: Language,
  proxy: { cooperative: string; recipient: string; role: 'grantor' | 'holder'; other: string; assembly: string; change: 'granted' | 'revoked' },
): Notice {
  const nl = language === 'nl';
  const granted = proxy.change === 'granted';
  const sentence = nl
    ? proxy.role === 'grantor'
      ? granted
        ? `Je hebt ${proxy.other} een volmacht gegeven om namens jou te stemmen op de ${proxy.assembly}.`
        : `Je volmacht aan ${proxy.other} voor de ${proxy.assembly} is ingetrokken.`
      : granted
        ? `${proxy.other} heeft je een volmacht gegeven om namens hem of haar te stemmen op de ${proxy.assembly}.`
        : `De volmacht van ${proxy.other} aan jou voor de ${proxy.assembly} is ingetrokken.`
    : proxy.role === 'grantor'
      ? granted
        ? `You gave ${proxy.other} your proxy to vote for you at the ${proxy.assembly}.`
        : `Your proxy to ${proxy.other} for the ${proxy.assembly} was revoked.`
      : granted
        ? `${proxy.other} gave you their proxy to vote for them at the ${proxy.assembly}.`
        : `The proxy ${proxy.other} gave you for the ${proxy.assembly} was revoked.`;
  return {
    subject: nl ? (granted ? `Volmacht gegeven: ${proxy.assembly}` : `Volmacht ingetrokken: ${proxy.assembly}`) : granted ? `Proxy granted: ${proxy.assembly}` : `Proxy revoked: ${proxy.assembly}`,
    text: letter(language, proxy.recipient, proxy.cooperative, sentence),
  };
}

export function decisionNotice(
  language: Language,
  decision: {
    cooperative: string;
    recipient: string;
    motion: string;
    outcome: 'passed' | 'rejected';
    tally: { for: number; against: number; abstain: number };
    explanation: string;
  },
): Notice {
  const nl = language === 'nl';
  const outcome = nl ? (decision.outcome === 'passed' ? 'aangenomen' : 'verworpen') : decision.outcome;
  const { tally } = decision;
  return {
    subject: nl ? `Besluit: "${decision.motion}" is ${outcome}` : `Decision: "${decision.motion}" ${outcome}`,
    text: letter(
      language,
      decision.recipient,
      decision.cooperative,
      nl ? `Het voorstel "${decision.motion}" is ${outcome}.` : `The motion "${decision.motion}" was ${outcome}.`,
      nl
        ? `Voor ${tally.for}, tegen ${tally.against}, onthouden ${tally.abstain}.`
        : `For ${tally.for}, against ${tally.against}, abstained ${tally.abstain}.`,
      decision.explanation,
    ),
  };
}

export function approvalAwaitedNotice(
  language: Language,
  awaited: { cooperative: string; recipient: string; what: 'expense' | 'tranche'; description: string; amountCents: number },
): Notice {
  const nl = language === 'nl';
  const amount = euros(language, awaited.amountCents);
  const what = nl ? (awaited.what === 'expense' ? 'Een uitgave' : 'Een tranche') : awaited.what === 'expense' ? 'An expense' : 'A tranche';
  return {
    subject: nl ? `Goedkeuring gevraagd: ${awaited.description}, ${amount}` : `Approval awaited: ${awaited.description}, ${amount}`,
    text: letter(
      language,
      awaited.recipient,
      awaited.cooperative,
      nl
        ? `${what} van ${amount} (${awaited.description}) wacht op de goedkeuring van een tweede bestuurder.`
        : `${what} of ${amount} (${awaited.description}) awaits a second officer's approval.`,
    ),
  };
}

export function applicationNotice(
  language: Language,
  decided: { cooperative: string; recipient: string; application: 'membership' | 'initiative'; title: string | null; outcome: 'granted' | 'refused'; reason: string | null; amountCents: number | null },
): Notice {
  const nl = language === 'nl';
  const granted = decided.outcome === 'granted';
  const sentence =
    decided.application === 'membership'
      ? nl
        ? granted
          ? `Je bent toegelaten als lid van ${decided.cooperative}. Welkom!`
          : `Je aanmelding als lid van ${decided.cooperative} is afgewezen.`
        : granted
          ? `You have been admitted as a member of ${decided.cooperative}. Welcome!`
          : `Your application for membership of ${decided.cooperative} was refused.`
      : nl
        ? granted
          ? `Je initiatief "${decided.title ?? ''}" krijgt ${euros(language, decided.amountCents ?? 0)}.`
          : `Je aanvraag voor het initiatief "${decided.title ?? ''}" is afgewezen.`
        : granted
          ? `Your initiative "${decided.title ?? ''}" is granted ${euros(language, decided.amountCents ?? 0)}.`
          : `Your application for the initiative "${decided.title ?? ''}" was refused.`;
  const reason = decided.reason ? (nl ? `Reden: ${decided.reason}` : `Reason: ${decided.reason}`) : undefined;
  const subject =
    decided.application === 'membership'
      ? nl
        ? granted ? 'Welkom als lid' : 'Je aanmelding als lid'
        : granted ? 'Welcome as a member' : 'Your application for membership'
      : nl
        ? `Besluit over je initiatief: ${decided.title ?? ''}`
        : `Decision on your initiative: ${decided.title ?? ''}`;
  return { subject, text: letter(language, decided.recipient, decided.cooperative, sentence, ...(reason ? [reason] : [])) };
}

/** BW 2:35 lid 4: the member is told of the expulsion as soon as may be, with its reasons and the term to appeal. */
export function expulsionNotice(language: Language, expelled: { cooperative: string; recipient: string; reason: string; appealUntil: string }): Notice {
  const nl = language === 'nl';
  const until = dateTime(language, expelled.appealUntil);
  return {
    subject: nl ? `Besluit tot ontzetting uit het lidmaatschap van ${expelled.cooperative}` : `Decision to expel you from ${expelled.cooperative}`,
    text: letter(
      language,
      expelled.recipient,
      expelled.cooperative,
      nl
        ? `Het bestuur heeft besloten je uit het lidmaatschap te ontzetten. De reden: ${expelled.reason}`
        : `The board has decided to expel you from the membership. The reason: ${expelled.reason}`,
      nl
        ? `Je kunt tot ${until} in beroep gaan bij de algemene ledenvergadering (artikel 2:35 lid 4 BW). Tot die termijn verstreken is, en zolang je beroep loopt, ben je geschorst.`
        : `You may appeal to the general assembly until ${until} (article 2:35(4) of the Dutch Civil Code). Until that term has run, and while your appeal is pending, you are suspended.`,
    ),
  };
}

export function signInCodeNotice(language: Language, code: { cooperative: string; code: string; minutes: number }): Notice {
  const nl = language === 'nl';
  return {
    subject: nl ? `Je inlogcode voor ${code.cooperative}: ${code.code}` : `Your sign-in code for ${code.cooperative}: ${code.code}`,
    text: [
      nl ? `Je inlogcode is ${code.code}.` : `Your sign-in code is ${code.code}.`,
      nl
        ? `De code is ${code.minutes} minuten geldig en werkt één keer. Heb je niet gevraagd om in te loggen? Dan kun je dit bericht negeren.`
        : `It is valid for ${code.minutes} minutes and works once. If you did not ask to sign in, you can ignore this message.`,
      code.cooperative,
    ].join('\n\n'),
  };
}
