import { BEARER_SECURITY, HttpProblem, callerOf, cooperativeParams, notFound, problemResponses, reference, unauthorized } from '@meent/http';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SessionStore } from './session-store.js';
import type { SignIn } from './sign-in.js';

const revokedSchema = z.object({ id: z.string(), revoked: z.literal(true) });

const email = z.email().max(254).transform((address) => address.toLowerCase());
const codeBody = z.strictObject({ email, code: z.string().regex(/^\d{8}$/, 'the eight digits of the code') });
export const tokensSchema = z
  .object({
    tokenType: z.literal('Bearer'),
    accessToken: z.string(),
    /** Seconds the access token holds. */
    expiresIn: z.int(),
    /** Used once, for the next tokens: a token used twice revokes the session. */
    refreshToken: z.string(),
    sessionId: z.uuid(),
    /** The member (or admin) signed in. */
    subject: z.string(),
  })
  .meta({ id: 'SignInTokens' });
const codeSent = z.object({ message: z.string(), expiresInSeconds: z.int() }).meta({ id: 'SignInCodeRequested' });
const sessionSchema = z
  .object({
    id: z.uuid(),
    method: z.enum(['email', 'oidc']),
    createdAt: z.string(),
    lastRefreshedAt: z.string().nullable(),
    expiresAt: z.string(),
    revokedAt: z.string().nullable(),
    revokedBecause: z.string().nullable(),
  })
  .meta({ id: 'Session' });
const memberParams = cooperativeParams.extend({ memberId: reference('member') });

/** Per client address: a few codes a quarter of an hour, whichever addresses they are for. */
const CODE_REQUESTS = { rateLimit: { max: 10, timeWindow: 15 * 60_000 } };
/** Per client address: enough tries for typing errors, too few to guess eight digits. */
const CODE_TRIES = { rateLimit: { max: 20, timeWindow: 15 * 60_000 } };

const SENT = 'If the address signs in here, a code is on its way to it';
const REFUSED = 'The code is wrong, used or expired: ask for a new one';

export interface SignInRoutesOptions {
  readonly signIn: SignIn;
  readonly sessions: SessionStore;
  readonly clock: () => Date;
}

/** Signing in by e-mailed code, for members and for admins, and refreshing. */
export const signInRoutes: FastifyPluginAsync<SignInRoutesOptions> = async (plain, { signIn, sessions }) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();
  const expiresInSeconds = sessions.lifetimes.codeMs / 1000;

  app.post(
    '/cooperatives/:cooperativeId/sign-in',
    {
      config: CODE_REQUESTS,
      schema: {
        tags: ['identity'],
        summary: 'Ask for a sign-in code by e-mail (anyone; the answer is the same whether or not the address is on the register)',
        params: cooperativeParams,
        body: z.strictObject({ email }),
        response: { 202: codeSent, ...problemResponses(400, 429) },
      },
    },
    async (request, reply) => {
      await signIn.requestCode({ kind: 'cooperative', cooperativeId: request.params.cooperativeId }, request.body.email);
      return reply.code(202).send({ message: SENT, expiresInSeconds });
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/sign-in/code',
    {
      config: CODE_TRIES,
      schema: {
        tags: ['identity'],
        summary: 'Exchange the e-mailed code for an access token and a refresh token (anyone with the code)',
        params: cooperativeParams,
        body: codeBody,
        response: { 200: tokensSchema, ...problemResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const tokens = await signIn.redeemCode({ kind: 'cooperative', cooperativeId: request.params.cooperativeId }, request.body.email, request.body.code);
      if (!tokens) throw new HttpProblem(401, 'SIGN_IN.CODE_REFUSED', REFUSED);
      return tokens;
    },
  );

  app.post(
    '/admin/sign-in',
    {
      config: CODE_REQUESTS,
      schema: {
        tags: ['identity'],
        summary: "Ask for an admin's sign-in code by e-mail (anyone; the answer is the same whether or not the address is an admin's)",
        body: z.strictObject({ email }),
        response: { 202: codeSent, ...problemResponses(400, 429) },
      },
    },
    async (request, reply) => {
      await signIn.requestCode({ kind: 'admin' }, request.body.email);
      return reply.code(202).send({ message: SENT, expiresInSeconds });
    },
  );

  app.post(
    '/admin/sign-in/code',
    {
      config: CODE_TRIES,
      schema: {
        tags: ['identity'],
        summary: "Exchange an admin's e-mailed code for tokens (anyone with the code)",
        body: codeBody,
        response: { 200: tokensSchema, ...problemResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const tokens = await signIn.redeemCode({ kind: 'admin' }, request.body.email, request.body.code);
      if (!tokens) throw new HttpProblem(401, 'SIGN_IN.CODE_REFUSED', REFUSED);
      return tokens;
    },
  );

  app.post(
    '/sessions/refresh',
    {
      config: CODE_TRIES,
      schema: {
        tags: ['identity'],
        summary: 'Trade a refresh token for new tokens (anyone with the refresh token; each is used once)',
        body: z.strictObject({ refreshToken: z.string().min(1).max(200) }),
        response: { 200: tokensSchema, ...problemResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const refreshed = await signIn.refresh(request.body.refreshToken);
      if ('refused' in refreshed) throw unauthorized(refreshed.refused);
      return refreshed;
    },
  );
};

/** The sessions a member has, and revoking one. */
export const sessionRoutes: FastifyPluginAsync<Omit<SignInRoutesOptions, 'signIn'>> = async (plain, { sessions, clock }) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/cooperatives/:cooperativeId/members/:memberId/sessions',
    {
      schema: {
        tags: ['identity'],
        summary: "A member's sessions, open and revoked (the member; an admin)",
        security: BEARER_SECURITY,
        params: memberParams,
        response: { 200: z.object({ sessions: z.array(sessionSchema) }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({ sessions: await sessions.sessionsOf(request.params.memberId) }),
  );

  app.post(
    '/cooperatives/:cooperativeId/members/:memberId/sessions/:sessionId/revocation',
    {
      schema: {
        tags: ['identity'],
        summary: "Revoke one of a member's sessions: its refresh token no longer works (the member; an admin)",
        security: BEARER_SECURITY,
        params: memberParams.extend({ sessionId: z.uuid() }),
        response: { 200: revokedSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { memberId, sessionId } = request.params;
      const by = callerOf(request).subject === memberId ? 'revoked by the member' : 'revoked by an admin';
      if (!(await sessions.revokeSession(memberId, sessionId, by, clock()))) throw notFound(`No session ${sessionId} of this member`);
      return { id: sessionId, revoked: true as const };
    },
  );
};
