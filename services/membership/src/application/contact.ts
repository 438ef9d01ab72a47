// What other contexts may learn to reach a person on the register: which member an e-mail address signs in as, and
// where to write to a member. Read from the streams, never a projection, so a member registered a moment ago is found
// and an erased one is not.
import { blindIndexId, decryptWith, type CommandHandler, type Decider, type EncryptedData, type KeyStore } from '@meent/eventsourcing';
import { emailClaimDecider, emailClaimStream } from '../domain/email-claim.decider.js';
import { memberDecider, memberStream } from '../domain/member.decider.js';
import type { MemberEvent } from '../domain/member.events.js';
import type { NoticeLanguage } from '../domain/cooperative-rules.js';
import { personalDataSchema } from '../domain/personal-data.js';

/** The claim stream's id for an address in a cooperative: its blind index, shaped as a uuid. */
export async function emailClaimOf(keys: KeyStore, cooperativeId: string, email: string): Promise<string> {
  return blindIndexId(await keys.indexKey(), `${cooperativeId}\n${email.toLowerCase()}`);
}

/** The member an address belongs to in a cooperative now: registered with it, still using it, not erased. */
export async function memberByAddress(
  commands: CommandHandler,
  keys: KeyStore,
  cooperativeId: string,
  email: string,
): Promise<string | undefined> {
  const claim = await emailClaimOf(keys, cooperativeId, email);
  const { state } = await commands.load(emailClaimStream(claim), emailClaimDecider);
  if (state.status !== 'Claimed') return undefined;
  const { state: member } = await commands.load(memberStream(state.memberId), memberDecider);
  if (member.status === 'Unregistered' || member.cooperativeId !== cooperativeId) return undefined;
  return !member.erased && member.emailClaim === claim ? state.memberId : undefined;
}

export interface Contact {
  readonly memberId: string;
  readonly cooperativeId: string;
  readonly name: string;
  readonly email: string;
  /** Null: the cooperative's language. */
  readonly language: NoticeLanguage | null;
}

type Written = { readonly cooperativeId: string; readonly personalData: EncryptedData } | null;

/** The member's latest personal data as recorded, still encrypted; null once erased. */
const latestPersonalData: Decider<Written, never, MemberEvent> = {
  initialState: null,
  evolve: (state, event) => {
    switch (event.type) {
      case 'MemberRegistered':
        return { cooperativeId: event.data.cooperativeId, personalData: event.data.personalData };
      case 'MemberDetailsChanged':
        return state && { ...state, personalData: event.data.personalData };
      case 'PersonalDataErased':
        return null;
      default:
        return state;
    }
  },
  decide: () => [],
};

/** Where to write to a member: their name and address as the register has them; undefined once erased. */
export async function contactOf(commands: CommandHandler, keys: KeyStore, memberId: string): Promise<Contact | undefined> {
  const { state } = await commands.load(memberStream(memberId), latestPersonalData);
  if (!state) return undefined;
  const personalData = await decryptWith(keys, state.personalData, personalDataSchema);
  return (
    personalData && { memberId, cooperativeId: state.cooperativeId, name: personalData.name, email: personalData.email, language: personalData.language }
  );
}
