// Bearer JWT (HS256) authentication. A token names who calls and for which cooperative; what officers may do is
// decided from the cooperative's own records, never from the token.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { forbidden, unauthorized } from './problem-details.js';

export const ROLES = ['admin', 'member'] as const;
export type Role = (typeof ROLES)[number];

export const claimsSchema = z
  .object({
    sub: z.string().min(1),
    cooperativeId: z.string().min(1).optional(),
    roles: z.array(z.enum(ROLES)).min(1),
    iat: z.number().int(),
    exp: z.number().int(),
  })
  .refine((claims) => claims.roles.includes('admin') || claims.cooperativeId !== undefined, {
    message: 'a member token names its cooperative',
    path: ['cooperativeId'],
  });
export type Claims = z.infer<typeof claimsSchema>;

export interface Principal {
  readonly subject: string;
  readonly cooperativeId: string | undefined;
  readonly roles: readonly Role[];
}

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

function base64url(text: string | Buffer): string {
  return Buffer.from(text).toString('base64url');
}

function signature(secret: string, signingInput: string): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest();
}

export interface TokenRequest {
  readonly subject: string;
  readonly cooperativeId?: string;
  readonly roles: readonly Role[];
  readonly expiresInSeconds: number;
  readonly now: Date;
}

export function signToken(secret: string, request: TokenRequest): string {
  const issuedAt = Math.floor(request.now.getTime() / 1000);
  const claims: Claims = claimsSchema.parse({
    sub: request.subject,
    ...(request.cooperativeId ? { cooperativeId: request.cooperativeId } : {}),
    roles: [...request.roles],
    iat: issuedAt,
    exp: issuedAt + request.expiresInSeconds,
  });
  const signingInput = `${HEADER}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${signature(secret, signingInput).toString('base64url')}`;
}

export type TokenCheck = { ok: true; principal: Principal } | { ok: false; reason: string };

export function verifyToken(secret: string, token: string, now: Date): TokenCheck {
  const parts = token.split('.');
  const [header, payload, signed] = parts;
  if (parts.length !== 3 || !header || !payload || !signed) return { ok: false, reason: 'the token is not a JWT' };
  if (header !== HEADER) return { ok: false, reason: 'only HS256 tokens are accepted' };
  const expected = signature(secret, `${header}.${payload}`);
  const given = Buffer.from(signed, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'the token signature does not verify' };
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'the token payload is not JSON' };
  }
  const claims = claimsSchema.safeParse(decoded);
  if (!claims.success) return { ok: false, reason: `the token claims are invalid: ${z.prettifyError(claims.error)}` };
  if (claims.data.exp <= Math.floor(now.getTime() / 1000)) return { ok: false, reason: 'the token has expired' };
  return {
    ok: true,
    principal: { subject: claims.data.sub, cooperativeId: claims.data.cooperativeId, roles: claims.data.roles },
  };
}

export interface AuthOptions {
  readonly secret: string;
  readonly clock: () => Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** onRequest hook: a valid bearer token or 401. */
    authenticate(request: FastifyRequest): Promise<void>;
  }
}

export const BEARER_SECURITY = [{ bearerAuth: [] }];

function auth(app: FastifyInstance, options: AuthOptions): void {
  app.decorateRequest('principal', null);
  app.decorate('authenticate', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (!header) throw unauthorized('An Authorization: Bearer <token> header is required');
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw unauthorized('The Authorization header must be Bearer <token>');
    const check = verifyToken(options.secret, token, options.clock());
    if (!check.ok) throw unauthorized(check.reason);
    request.principal = check.principal;
  });
}

export const authPlugin = fp(auth, { name: 'meent-auth', fastify: '5.x', dependencies: ['meent-problem-details'] });

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized('This route needs an authenticated caller');
  return request.principal;
}

export function isAdmin(principal: Principal): boolean {
  return principal.roles.includes('admin');
}

export function requireAdmin(request: FastifyRequest): Principal {
  const principal = principalOf(request);
  if (!isAdmin(principal)) throw forbidden('Only an admin may do this');
  return principal;
}

/** Admins reach every cooperative; anyone else only the cooperative their token names. */
export function requireCooperativeAccess(request: FastifyRequest, cooperativeId: string): Principal {
  const principal = principalOf(request);
  if (isAdmin(principal)) return principal;
  if (principal.cooperativeId !== cooperativeId) throw forbidden('This token belongs to another cooperative');
  return principal;
}

/** The metadata a command's events carry about who asked, traced by the request id. */
export function commandContextOf(request: FastifyRequest, cooperativeId: string, now: Date) {
  const principal = principalOf(request);
  return {
    cooperativeId,
    actor: { id: principal.subject, roles: [...principal.roles] },
    correlationId: request.id,
    causationId: null,
    occurredAt: now,
  };
}
