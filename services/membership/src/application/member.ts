// The membership use cases that span more than one stream or hold personal data: the e-mail claim, the
// encryption under the member's own key, erasure by destroying that key.
import {
  decryptWith,
  encryptFor,
  type CommandContext,
  type CommandOrigin,
  type CommandResult,
  type KeyStore,
  type ServiceRuntime,
} from '@meent/eventsourcing';
import { cooperativeAggregate } from '../domain/cooperative.decider.js';
import { emailClaimOf } from './contact.js';
import {
  emailClaimDecider,
  emailClaimStream,
  type ClaimHolder,
} from '../domain/email-claim.decider.js';
import {
  memberDecider,
  memberStream,
  type MemberCommand,
  type MemberState,
} from '../domain/member.decider.js';
import type { MemberEvent } from '../domain/member.events.js';
import { personalDataSchema, type PersonalData } from '../domain/personal-data.js';
import { membershipError } from '../domain/errors.js';

export class MembershipCommands {
  constructor(
    private readonly runtime: ServiceRuntime,
    private readonly keys: KeyStore,
  ) {}

  async member(memberId: string): Promise<MemberState> {
    return (await this.runtime.commands.load(memberStream(memberId), memberDecider)).state;
  }

  async register(
    cooperativeId: string,
    memberId: string,
    personalData: PersonalData,
    channel: 'secretary' | 'self-application',
    origin: CommandOrigin,
  ): Promise<CommandResult<MemberEvent>> {
    const context = this.contextOf(origin);
    const cooperative = await this.runtime.aggregate(cooperativeAggregate).load(cooperativeId, cooperativeId);
    await this.keys.createKey(memberId);
    const emailClaim = await this.emailClaim(cooperativeId, personalData.email);
    const command: MemberCommand = {
      type: 'RegisterMember',
      memberId,
      cooperativeId,
      personalData: await encryptFor(this.keys, memberId, personalData),
      emailClaim,
      channel,
      selfApplicationAllowed: cooperative.rules.selfApplication,
      now: context.occurredAt,
    };
    // Deciding first refuses a registration the rules or the register forbid before it claims the address: a refused
    // command writes nothing.
    memberDecider.decide(command, await this.member(memberId));
    return this.withClaim(emailClaim, memberId, context, () =>
      this.runtime.commands.handle(memberStream(memberId), memberDecider, command, context),
    );
  }

  async changeDetails(
    cooperativeId: string,
    memberId: string,
    changes: Partial<PersonalData>,
    origin: CommandOrigin,
  ): Promise<CommandResult<MemberEvent>> {
    const context = this.contextOf(origin);
    const current = await this.personalData(memberId);
    if (!current) throw membershipError('MEMBER.NOT_FOUND');
    const personalData = personalDataSchema.parse({ ...current, ...changes });
    const command: MemberCommand = {
      type: 'ChangeDetails',
      personalData: await encryptFor(this.keys, memberId, personalData),
      emailClaim: await this.emailClaim(cooperativeId, personalData.email),
      now: context.occurredAt,
    };
    // Decided before the new address is claimed, so a change the register refuses claims nothing.
    memberDecider.decide(command, await this.member(memberId));
    const change = () => this.runtime.commands.handle(memberStream(memberId), memberDecider, command, context);
    return personalData.email === current.email ? change() : this.withClaim(command.emailClaim, memberId, context, change);
  }

  /**
   * Destroys the member's key first: should the process stop before the event is written, the person is already
   * unreadable, and asking again writes the event.
   */
  async erase(memberId: string, origin: CommandOrigin): Promise<CommandResult<MemberEvent>> {
    const context = this.contextOf(origin);
    const command: MemberCommand = { type: 'ErasePersonalData', now: context.occurredAt };
    memberDecider.decide(command, await this.member(memberId));
    await this.keys.destroyKey(memberId);
    return this.runtime.commands.handle(memberStream(memberId), memberDecider, command, context);
  }

  /** The member's current personal data, or undefined once erased. */
  async personalData(memberId: string): Promise<PersonalData | undefined> {
    let latest: PersonalData | undefined;
    for await (const event of this.runtime.commands.read(memberStream(memberId))) {
      if (event.type !== 'MemberRegistered' && event.type !== 'MemberDetailsChanged') continue;
      const { personalData } = (event as MemberEvent & { type: 'MemberRegistered' | 'MemberDetailsChanged' }).data;
      latest = await decryptWith(this.keys, personalData, personalDataSchema);
      if (!latest) return undefined;
    }
    return latest;
  }

  private contextOf(origin: CommandOrigin): CommandContext {
    return { ...origin, occurredAt: this.runtime.clock() };
  }

  private emailClaim(cooperativeId: string, email: string): Promise<string> {
    return emailClaimOf(this.keys, cooperativeId, email);
  }

  /**
   * Claims the address for the member, then runs the command that needs it. Should that command be refused after all
   * (a registration that lost a race decided on the same state), the claim is given back, so the refusal leaves the
   * address as it found it.
   */
  private async withClaim<Result>(emailClaim: string, memberId: string, context: CommandContext, work: () => Promise<Result>): Promise<Result> {
    const stream = emailClaimStream(emailClaim);
    const { state } = await this.runtime.commands.load(stream, emailClaimDecider);
    const holder: ClaimHolder =
      state.status === 'Claimed' && state.memberId !== memberId ? await this.holder(state.memberId, emailClaim) : 'missing';
    const claimed = await this.runtime.commands.handle(
      stream,
      emailClaimDecider,
      { type: 'ClaimEmail', memberId, holder, now: context.occurredAt },
      context,
    );
    try {
      return await work();
    } catch (error) {
      if (claimed.events.length > 0) {
        await this.runtime.commands.handle(stream, emailClaimDecider, { type: 'ReleaseClaim', memberId, now: context.occurredAt }, context);
      }
      throw error;
    }
  }

  /** Whether the member holding a claim still uses the address: a former member or an old address frees it. */
  private async holder(memberId: string, emailClaim: string): Promise<ClaimHolder> {
    const state = await this.member(memberId);
    if (state.status === 'Unregistered') return 'missing';
    const active = state.status === 'Applied' || state.status === 'Admitted' || state.status === 'Suspended';
    return active && !state.erased && state.emailClaim === emailClaim ? 'active' : 'former';
  }
}
