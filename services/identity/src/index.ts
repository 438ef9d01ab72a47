// The identity context: members and admins sign in by an e-mailed code (or an identity provider's token) and hold
// sessions; the tokens it issues are the ones the access plugin checks.
import type { KeyStore, ServiceRuntime } from '@meent/eventsourcing';
import type { TokenSettings } from '@meent/http';
import type { OutgoingMessage } from '@meent/notifications';
import type { FastifyPluginAsync } from 'fastify';
import { identityLinkEvents } from './domain/identity-link.js';
import { OidcVerifier, type OidcSettings } from './oidc.js';
import { oidcRoutes } from './oidc.routes.js';
import { revokeSessionsWhenMembershipEnds } from './revoke-sessions.reaction.js';
import type { SessionStore } from './session-store.js';
import { SignIn } from './sign-in.js';
import { sessionRoutes, signInRoutes } from './sign-in.routes.js';

export { SessionStore, SESSION_TABLES, DEFAULT_LIFETIMES, type SessionLifetimes, type SessionView } from './session-store.js';
export { ACCESS_TOKEN_SECONDS, CODES_PER_ADDRESS, SignIn, type Tokens } from './sign-in.js';
export { identityError, identityLinkEvents } from './domain/identity-link.js';
export type { OidcSettings } from './oidc.js';

export interface IdentityDependencies {
  readonly keys: KeyStore;
  /** Sends a message holding a sign-in code in the background, never storing it. */
  readonly sendSecret: (message: OutgoingMessage) => void;
  readonly sessions: SessionStore;
  readonly tokens: TokenSettings;
  /** The federation's identity provider, where the deployment names one. */
  readonly oidc: OidcSettings | undefined;
}

export function createIdentity({ keys, sendSecret, sessions, tokens, oidc }: IdentityDependencies) {
  const routes: FastifyPluginAsync<ServiceRuntime> = async (app, runtime) => {
    const signIn = new SignIn({ sessions, sendSecret, commands: runtime.commands, keys, tokens, clock: runtime.clock, newId: runtime.newId });
    await app.register(signInRoutes, { signIn, sessions, clock: runtime.clock });
    await app.register(sessionRoutes, { sessions, clock: runtime.clock });
    const verifier = oidc && new OidcVerifier(oidc, runtime.clock);
    await app.register(oidcRoutes, { runtime, keys, signIn, verifier });
  };
  return {
    name: 'identity',
    events: identityLinkEvents,
    projections: [],
    reactions: [revokeSessionsWhenMembershipEnds(sessions)],
    routes,
  };
}
