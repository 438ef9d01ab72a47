// Signing in without an admin in the loop: a one-time code e-mailed to the address on the register (or on the
// deployment's list of admins), exchanged for a short-lived access token and a rotating refresh token. Whether an
// address is known is never told: every request is answered, counted and stored alike.
import type { CommandHandler, KeyStore } from '@meent/eventsourcing';
import { signToken, type Role, type TokenSettings } from '@meent/http';
import { contactOf, letterheadOf, memberByAddress, standingIn } from '@meent/membership/standing';
import { signInCodeNotice, type OutgoingMessage } from '@meent/notifications';
import type { SessionStore, SessionSubject, SignInMethod } from './session-store.js';

/** Minutes an access token holds: a terminated member or a removed admin keeps one at most this long. */
export const ACCESS_TOKEN_SECONDS = 15 * 60;
/** Codes an address may ask for in a quarter of an hour; more are answered alike and sent nowhere. */
export const CODES_PER_ADDRESS = 3;
const ADDRESS_WINDOW_MS = 15 * 60_000;

/** Who may sign in to a cooperative: everyone the register knows while their membership or application lasts. */
export const MAY_SIGN_IN: ReadonlySet<string> = new Set(['applicant', 'member', 'suspended']);

export interface Tokens {
  readonly tokenType: 'Bearer';
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly refreshToken: string;
  readonly sessionId: string;
  readonly subject: string;
}

export type Audience = { readonly kind: 'cooperative'; readonly cooperativeId: string } | { readonly kind: 'admin' };

const audienceKey = (audience: Audience) => (audience.kind === 'admin' ? 'admin' : `cooperative:${audience.cooperativeId}`);

export interface SignInDependencies {
  readonly sessions: SessionStore;
  /** Sends a message holding a code in the background, never storing it. */
  readonly sendSecret: (message: OutgoingMessage) => void;
  readonly commands: CommandHandler;
  readonly keys: KeyStore;
  readonly tokens: TokenSettings;
  readonly clock: () => Date;
  readonly newId: () => string;
}

export class SignIn {
  constructor(private readonly dependencies: SignInDependencies) {}

  /** Queues a code to the address if it signs in here; does the same work, and answers the same, if it does not. */
  async requestCode(audience: Audience, email: string): Promise<void> {
    const { sessions, sendSecret, clock, newId } = this.dependencies;
    const now = clock();
    const addressHash = sessions.addressHash(audienceKey(audience), email);
    if ((await sessions.codesAskedSince(addressHash, audienceKey(audience), new Date(now.getTime() - ADDRESS_WINDOW_MS))) >= CODES_PER_ADDRESS) {
      return;
    }
    const subject = await this.subjectFor(audience, email, now);
    const codeId = newId();
    const code = await sessions.issueCode({ id: codeId, addressHash, audience: audienceKey(audience), subject: subject?.id ?? null, now });
    if (!subject) return;
    const notice = signInCodeNotice(subject.language, { cooperative: subject.letterhead, code, minutes: sessions.lifetimes.codeMs / 60_000 });
    sendSecret({
      id: `sign-in/${codeId}`,
      cooperativeId: audience.kind === 'cooperative' ? audience.cooperativeId : null,
      kind: 'sign-in-code',
      memberId: audience.kind === 'cooperative' ? subject.id : null,
      to: email,
      ...notice,
    });
  }

  /** Tokens for a code the address was sent; undefined for any code that does not sign in. */
  async redeemCode(audience: Audience, email: string, code: string): Promise<Tokens | undefined> {
    const { sessions, clock } = this.dependencies;
    const now = clock();
    const key = audienceKey(audience);
    const subject = await sessions.redeemCode(sessions.addressHash(key, email), key, code, now);
    if (!subject) return undefined;
    const session: SessionSubject =
      audience.kind === 'admin' ? { kind: 'admin', adminId: subject } : { kind: 'member', memberId: subject, cooperativeId: audience.cooperativeId };
    if (!(await this.stillSignsIn(session, now))) return undefined;
    return this.start(session, 'email');
  }

  /** A session for a subject proven some other way (an identity provider's token). */
  async start(subject: SessionSubject, method: SignInMethod): Promise<Tokens> {
    const { sessions, clock, newId } = this.dependencies;
    const now = clock();
    const { sessionId, refreshToken } = await sessions.startSession({ id: newId(), subject, method, now });
    return this.tokensFor(subject, sessionId, refreshToken, now);
  }

  /** The next tokens of a session; undefined, and the session revoked, once its subject may no longer sign in. */
  async refresh(refreshToken: string): Promise<Tokens | { refused: string }> {
    const { sessions, clock } = this.dependencies;
    const now = clock();
    const rotated = await sessions.rotate(refreshToken, now);
    if (!rotated.ok) return { refused: REFUSALS[rotated.reason] };
    if (!(await this.stillSignsIn(rotated.subject, now))) {
      const subjectId = rotated.subject.kind === 'admin' ? rotated.subject.adminId : rotated.subject.memberId;
      await sessions.revokeSession(subjectId, rotated.sessionId, rotated.subject.kind === 'admin' ? 'no longer an admin' : 'the membership ended', now);
      return { refused: REFUSALS.revoked };
    }
    return this.tokensFor(rotated.subject, rotated.sessionId, rotated.refreshToken, now);
  }

  private tokensFor(subject: SessionSubject, sessionId: string, refreshToken: string, now: Date): Tokens {
    const roles: Role[] = subject.kind === 'admin' ? ['admin'] : ['member'];
    const id = subject.kind === 'admin' ? subject.adminId : subject.memberId;
    const accessToken = signToken(this.dependencies.tokens, {
      subject: id,
      ...(subject.kind === 'member' ? { cooperativeId: subject.cooperativeId } : {}),
      roles,
      expiresInSeconds: ACCESS_TOKEN_SECONDS,
      now,
    });
    return { tokenType: 'Bearer', accessToken, expiresIn: ACCESS_TOKEN_SECONDS, refreshToken, sessionId, subject: id };
  }

  private async stillSignsIn(subject: SessionSubject, now: Date): Promise<boolean> {
    if (subject.kind === 'admin') return this.dependencies.sessions.isAdmin(subject.adminId);
    return MAY_SIGN_IN.has(await standingIn(this.dependencies.commands, subject.memberId, subject.cooperativeId, now));
  }

  private async subjectFor(audience: Audience, email: string, now: Date) {
    const { sessions, commands, keys } = this.dependencies;
    if (audience.kind === 'admin') {
      const adminId = await sessions.adminByAddress(email);
      return adminId === undefined ? undefined : { id: adminId, letterhead: 'Meent', language: 'en' as const };
    }
    const letterhead = await letterheadOf(commands, audience.cooperativeId);
    if (!letterhead) return undefined;
    const memberId = await memberByAddress(commands, keys, audience.cooperativeId, email);
    if (memberId === undefined || !MAY_SIGN_IN.has(await standingIn(commands, memberId, audience.cooperativeId, now))) return undefined;
    const language = (await contactOf(commands, keys, memberId))?.language ?? letterhead.language;
    return { id: memberId, letterhead: letterhead.name, language };
  }
}

const REFUSALS = {
  unknown: 'The refresh token is not known',
  expired: 'The session has expired: sign in again',
  revoked: 'The session was revoked: sign in again',
  reused: 'The refresh token was used before, so the session is revoked: sign in again',
} as const;
