// Who is told what, as a reaction: each event that concerns people queues one message for each of them in the outbox,
// with an id made of the event's and the person's, so a repeated reaction queues nothing twice. The facts a message
// needs beyond its event are folded from the streams the event points at, never read from a projection that may lag.
import { TimeSlices, type CommandHandler, type Decider, type KeyStore, type Reaction, type StoredEvent } from '@meent/eventsourcing';
import { ExpenseSubmitted } from '@meent/budget/events';
import { FundingApproved, FundingRejected, InitiativeSubmitted, TrancheApprovalGiven, TrancheRequested } from '@meent/initiative-funding/events';
import { ApplicationRejected, MemberAdmitted, MemberExpelled, PersonalDataErased, type NoticeLanguage } from '@meent/membership/events';
import { contactOf, letterheadOf, officersIn, type Contact } from '@meent/membership/standing';
import {
  AssemblyConvened,
  ConvocationSent,
  MotionDecided,
  MotionTabled,
  ProxyGranted,
  ProxyRevoked,
  VoterRollFixed,
  VotingOpened,
} from '@meent/voting/events';
import { calendarOf } from './calendar.js';
import {
  applicationNotice,
  approvalAwaitedNotice,
  convocationNotice,
  decisionNotice,
  expulsionNotice,
  proxyNotice,
  votingOpenedNotice,
  type Notice,
  type Venue,
} from './notices.js';
import type { OutgoingMessage, Outbox } from './outbox.js';

interface AssemblyFacts {
  readonly title: string;
  readonly scheduledAt: string;
  readonly venue: Venue;
  readonly recordDate: string;
  readonly announcesStatuteAmendment: boolean;
  readonly roll: readonly string[];
  readonly convocationsSent: number;
}

const assemblyFacts: Decider<AssemblyFacts | null, never, StoredEvent> = {
  initialState: null,
  evolve: (state, event) => {
    if (AssemblyConvened.is(event)) {
      const { title, scheduledAt, venue, recordDate, announcesStatuteAmendment } = event.data;
      return { title, scheduledAt, venue, recordDate, announcesStatuteAmendment, roll: [], convocationsSent: 0 };
    }
    if (!state) return state;
    if (VoterRollFixed.is(event)) return { ...state, roll: event.data.voters.map((voter) => voter.memberId) };
    if (ConvocationSent.is(event)) return { ...state, convocationsSent: state.convocationsSent + 1 };
    return state;
  },
  decide: () => [],
};

const motionFacts: Decider<{ readonly title: string; readonly assemblyId: string; readonly secret: boolean } | null, never, StoredEvent> = {
  initialState: null,
  evolve: (state, event) =>
    MotionTabled.is(event) ? { title: event.data.title, assemblyId: event.data.assemblyId, secret: event.data.ballot === 'secret' } : state,
  decide: () => [],
};

interface InitiativeFacts {
  readonly title: string;
  readonly applicantId: string | null;
  readonly tranches: ReadonlyMap<number, number>;
}

const initiativeFacts: Decider<InitiativeFacts | null, never, StoredEvent> = {
  initialState: null,
  evolve: (state, event) => {
    if (InitiativeSubmitted.is(event)) {
      const { applicant, title } = event.data;
      return { title, applicantId: applicant.kind === 'member' ? applicant.memberId : null, tranches: new Map() };
    }
    if (state && TrancheRequested.is(event)) {
      return { ...state, tranches: new Map(state.tranches).set(event.data.trancheNumber, event.data.amountCents) };
    }
    return state;
  },
  decide: () => [],
};

export interface NotifyDependencies {
  readonly outbox: Outbox;
  readonly keys: KeyStore;
}

export const NOTIFY_REACTION = 'notify-people-concerned';

/** One letter to each member named, in their language or else the cooperative's; a member erased meanwhile gets none. */
async function lettersTo(
  context: { commands: CommandHandler; keys: KeyStore; event: StoredEvent; kind: string },
  memberIds: readonly string[],
  write: (contact: Contact, letterhead: { name: string; language: NoticeLanguage }) => Notice & { calendar?: string },
): Promise<OutgoingMessage[]> {
  const letterhead = await letterheadOf(context.commands, context.event.metadata.cooperativeId);
  if (!letterhead) return [];
  const messages: OutgoingMessage[] = [];
  // A roll of many thousands: the process goes on serving requests while their letters are written.
  const slices = new TimeSlices();
  for (const memberId of new Set(memberIds)) {
    await slices.pause();
    const contact = await contactOf(context.commands, context.keys, memberId);
    if (!contact) continue;
    const { subject, text, calendar } = write(contact, { ...letterhead, language: contact.language ?? letterhead.language });
    messages.push({
      id: `${context.kind}/${context.event.id}/${memberId}`,
      cooperativeId: context.event.metadata.cooperativeId,
      kind: context.kind,
      memberId,
      to: contact.email,
      subject,
      text,
      calendar,
    });
  }
  return messages;
}

async function messagesFor(event: StoredEvent, commands: CommandHandler, keys: KeyStore): Promise<OutgoingMessage[]> {
  const context = (kind: string) => ({ commands, keys, event, kind });
  if (ConvocationSent.is(event)) {
    const { state: assembly } = await commands.load(`assembly-${event.data.assemblyId}`, assemblyFacts);
    if (!assembly) return [];
    const { agenda, motions } = event.data;
    return lettersTo(context('convocation'), assembly.roll, (contact, letterhead) => ({
      ...convocationNotice(letterhead.language, {
        cooperative: letterhead.name,
        recipient: contact.name,
        ...assembly,
        agenda,
        motions,
        supplement: assembly.convocationsSent > 1,
      }),
      calendar: calendarOf(
        [{ assemblyId: event.data.assemblyId, cooperative: letterhead.name, ...assembly, cancelled: false, sequence: assembly.convocationsSent - 1 }],
        letterhead.name,
      ),
    }));
  }
  if (VotingOpened.is(event) || MotionDecided.is(event)) {
    const { state: motion } = await commands.load(`motion-${event.data.motionId}`, motionFacts);
    if (!motion) return []; // a written resolution: decided outside a meeting, and its members asked in writing
    const { state: assembly } = await commands.load(`assembly-${motion.assemblyId}`, assemblyFacts);
    const roll = assembly?.roll ?? [];
    if (VotingOpened.is(event)) {
      return lettersTo(context('voting-opened'), roll, (contact, letterhead) =>
        votingOpenedNotice(letterhead.language, { cooperative: letterhead.name, recipient: contact.name, motion: motion.title, round: event.data.round, secret: motion.secret }),
      );
    }
    const { outcome, tally, explanation } = event.data;
    return lettersTo(context('decision'), roll, (contact, letterhead) =>
      decisionNotice(letterhead.language, { cooperative: letterhead.name, recipient: contact.name, motion: motion.title, outcome, tally, explanation }),
    );
  }
  if (ProxyGranted.is(event) || ProxyRevoked.is(event)) {
    const { assemblyId, grantorId, holderId } = event.data;
    const { state: assembly } = await commands.load(`assembly-${assemblyId}`, assemblyFacts);
    const [grantor, holder] = [await contactOf(commands, keys, grantorId), await contactOf(commands, keys, holderId)];
    if (!assembly || !grantor || !holder) return [];
    const change = ProxyGranted.is(event) ? 'granted' : 'revoked';
    return lettersTo(context(`proxy-${change}`), [grantorId, holderId], (contact, letterhead) =>
      proxyNotice(letterhead.language, {
        cooperative: letterhead.name,
        recipient: contact.name,
        role: contact.memberId === grantorId ? 'grantor' : 'holder',
        other: contact.memberId === grantorId ? holder.name : grantor.name,
        assembly: assembly.title,
        change,
      }),
    );
  }
  if (ExpenseSubmitted.is(event)) {
    if (!event.data.needsSecondApprover) return [];
    const { submittedBy, description, amountCents } = event.data;
    const officers = (await officersIn(commands, event.metadata.cooperativeId)).map((officer) => officer.memberId).filter((id) => id !== submittedBy);
    return lettersTo(context('approval-awaited'), officers, (contact, letterhead) =>
      approvalAwaitedNotice(letterhead.language, { cooperative: letterhead.name, recipient: contact.name, what: 'expense', description, amountCents }),
    );
  }
  if (TrancheApprovalGiven.is(event)) {
    const { state: initiative } = await commands.load(`initiative-${event.data.initiativeId}`, initiativeFacts);
    if (!initiative) return [];
    const amountCents = initiative.tranches.get(event.data.trancheNumber) ?? 0;
    const officers = (await officersIn(commands, event.metadata.cooperativeId))
      .map((officer) => officer.memberId)
      .filter((id) => id !== event.data.approvedBy);
    return lettersTo(context('approval-awaited'), officers, (contact, letterhead) =>
      approvalAwaitedNotice(letterhead.language, {
        cooperative: letterhead.name,
        recipient: contact.name,
        what: 'tranche',
        description: `${initiative.title}, tranche ${event.data.trancheNumber}`,
        amountCents,
      }),
    );
  }
  if (MemberAdmitted.is(event) || ApplicationRejected.is(event)) {
    const refused = ApplicationRejected.is(event);
    return lettersTo(context('application-decided'), [event.data.memberId], (contact, letterhead) =>
      applicationNotice(letterhead.language, {
        cooperative: letterhead.name,
        recipient: contact.name,
        application: 'membership',
        title: null,
        outcome: refused ? 'refused' : 'granted',
        reason: refused ? event.data.reason : null,
        amountCents: null,
      }),
    );
  }
  if (MemberExpelled.is(event)) {
    const { reason, appealUntil } = event.data;
    return lettersTo(context('expulsion'), [event.data.memberId], (contact, letterhead) =>
      expulsionNotice(letterhead.language, { cooperative: letterhead.name, recipient: contact.name, reason, appealUntil }),
    );
  }
  if (FundingApproved.is(event) || FundingRejected.is(event)) {
    const { state: initiative } = await commands.load(`initiative-${event.data.initiativeId}`, initiativeFacts);
    // An outside applicant is no member: the secretary tells them.
    if (!initiative?.applicantId) return [];
    const rejected = FundingRejected.is(event);
    return lettersTo(context('application-decided'), [initiative.applicantId], (contact, letterhead) =>
      applicationNotice(letterhead.language, {
        cooperative: letterhead.name,
        recipient: contact.name,
        application: 'initiative',
        title: initiative.title,
        outcome: rejected ? 'refused' : 'granted',
        reason: rejected ? event.data.reason : null,
        amountCents: rejected ? null : event.data.amountCents,
      }),
    );
  }
  return [];
}

/** Notices to the people an event concerns; a member's erasure takes their unsent messages with it. */
export function notifyPeopleConcerned({ outbox, keys }: NotifyDependencies): Reaction {
  return {
    name: NOTIFY_REACTION,
    startsAt: 'head',
    eventTypes: [
      ConvocationSent.type,
      VotingOpened.type,
      MotionDecided.type,
      ProxyGranted.type,
      ProxyRevoked.type,
      ExpenseSubmitted.type,
      TrancheApprovalGiven.type,
      MemberAdmitted.type,
      ApplicationRejected.type,
      MemberExpelled.type,
      FundingApproved.type,
      FundingRejected.type,
      PersonalDataErased.type,
    ],
    async react(event, commands) {
      if (PersonalDataErased.is(event)) return outbox.forgetUnsentTo(event.data.memberId);
      await outbox.enqueue(await messagesFor(event, commands, keys), new Date(event.metadata.occurredAt));
    },
  };
}
