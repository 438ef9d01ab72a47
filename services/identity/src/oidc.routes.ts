import { blindIndexId, type KeyStore, type ServiceRuntime } from '@meent/eventsourcing';
import {
  BEARER_SECURITY,
  HttpProblem,
  commandAcceptedSchema,
  commandOriginOf,
  cooperativeParams,
  forbidden,
  problemResponses,
  reference,
} from '@meent/http';
import { standingIn } from '@meent/membership/standing';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { identityError, identityLinkDecider, identityLinkStream } from './domain/identity-link.js';
import type { OidcVerifier } from './oidc.js';
import { MAY_SIGN_IN, type SignIn } from './sign-in.js';
import { tokensSchema } from './sign-in.routes.js';

const idToken = z.string().min(20).max(10_000).describe("An ID token the federation's identity provider issued to this deployment");
const memberParams = cooperativeParams.extend({ memberId: reference('member') });

/** The link's stream id for an account at the provider, within one cooperative: a blind index, shaped as a uuid. */
async function linkOf(keys: KeyStore, cooperativeId: string, issuer: string, subject: string): Promise<string> {
  return blindIndexId(await keys.indexKey(), `oidc\n${cooperativeId}\n${issuer}\n${subject}`);
}

export interface OidcRoutesOptions {
  readonly runtime: ServiceRuntime;
  readonly keys: KeyStore;
  readonly signIn: SignIn;
  /** Unset where the deployment names no identity provider: the routes then say so. */
  readonly verifier: OidcVerifier | undefined;
}

/** Signing in with the federation's identity provider, and the links between its accounts and members. */
export const oidcRoutes: FastifyPluginAsync<OidcRoutesOptions> = async (plain, { runtime, keys, signIn, verifier }) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();
  const configured = () => {
    if (!verifier) throw new HttpProblem(404, 'SIGN_IN.NO_IDENTITY_PROVIDER', 'This deployment names no identity provider (MEENT_OIDC_ISSUER)');
    return verifier;
  };
  const subjectOf = async (token: string) => {
    const check = await configured().verify(token);
    if (!check.ok) throw new HttpProblem(401, 'SIGN_IN.TOKEN_REFUSED', `The identity provider's token is refused: ${check.reason}`);
    return check.subject;
  };

  app.post(
    '/cooperatives/:cooperativeId/sign-in/oidc',
    {
      schema: {
        tags: ['identity'],
        summary: "Exchange the identity provider's ID token of a linked member for Meent's tokens (anyone with such a token)",
        params: cooperativeParams,
        body: z.strictObject({ idToken }),
        response: { 200: tokensSchema, ...problemResponses(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const { cooperativeId } = request.params;
      const { issuer } = configured().settings;
      const subject = await subjectOf(request.body.idToken);
      const { state } = await runtime.commands.load(identityLinkStream(await linkOf(keys, cooperativeId, issuer, subject)), identityLinkDecider);
      const signsIn = state.status === 'Linked' && MAY_SIGN_IN.has(await standingIn(runtime.commands, state.memberId, cooperativeId, runtime.clock()));
      if (!signsIn) throw new HttpProblem(401, 'SIGN_IN.TOKEN_REFUSED', 'This account is linked to no member of this cooperative');
      return signIn.start({ kind: 'member', memberId: state.memberId, cooperativeId }, 'oidc');
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/members/:memberId/identity-links',
    {
      schema: {
        tags: ['identity'],
        summary: "Link a member to their account at the identity provider: the member with a token from it, or the secretary naming the account's subject",
        security: BEARER_SECURITY,
        params: memberParams,
        body: z.union([z.strictObject({ idToken }), z.strictObject({ subject: z.string().min(1).max(255) })]),
        response: { 200: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { cooperativeId, memberId } = request.params;
      const byTheMember = request.reach === 'own';
      if (byTheMember && !('idToken' in request.body)) throw forbidden("A member links their own account with a token from the identity provider");
      const { issuer } = configured().settings;
      const subject = 'idToken' in request.body ? await subjectOf(request.body.idToken) : request.body.subject;
      if (!MAY_SIGN_IN.has(await standingIn(runtime.commands, memberId, cooperativeId, runtime.clock()))) throw identityError('IDENTITY.MEMBERSHIP_ENDED');
      const link = await linkOf(keys, cooperativeId, issuer, subject);
      const origin = commandOriginOf(request, cooperativeId);
      const { position } = await runtime.commands.handle(
        identityLinkStream(link),
        identityLinkDecider,
        { type: 'LinkIdentity', memberId, issuer, recordedBy: byTheMember ? 'member' : 'secretary', now: runtime.clock() },
        { ...origin, occurredAt: runtime.clock() },
      );
      return { id: memberId, position };
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/members/:memberId/identity-links/revocation',
    {
      schema: {
        tags: ['identity'],
        summary: "Unlink a member from an account at the identity provider, named by its subject (secretary, admin)",
        security: BEARER_SECURITY,
        params: memberParams,
        body: z.strictObject({ subject: z.string().min(1).max(255) }),
        response: { 200: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { cooperativeId, memberId } = request.params;
      const { issuer } = configured().settings;
      const link = await linkOf(keys, cooperativeId, issuer, request.body.subject);
      const { position } = await runtime.commands.handle(
        identityLinkStream(link),
        identityLinkDecider,
        { type: 'UnlinkIdentity', memberId, now: runtime.clock() },
        { ...commandOriginOf(request, cooperativeId), occurredAt: runtime.clock() },
      );
      return { id: memberId, position };
    },
  );
};
