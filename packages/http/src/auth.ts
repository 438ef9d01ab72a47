// Bearer JWT authentication. A token names who calls and for which cooperative; what they may do there is decided
// from the cooperative's own records (the access plugin), never from the token.
import { createHmac, webcrypto } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { unauthorized } from './problem-details.js';

export const ROLES = ['admin', 'member'] as const;
export type Role = (typeof ROLES)[number];

export const claimsSchema = z
  .object({
    sub: z.string().min(1),
    cooperativeId: z.string().min(1).optional(),
    roles: z.array(z.enum(ROLES)).min(1),
    iat: z.number().int().optional(),
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

/** How tokens are signed and what a token must say to be accepted. */
export interface TokenSettings {
  /** HS256 key: the deployment's generated or configured secret. */
  readonly secret: string;
  /** When set, tokens carry this `iss` and must carry it to be accepted. */
  readonly issuer?: string | undefined;
  /** When set, tokens carry this `aud` and must name it to be accepted. */
  readonly audience?: string | undefined;
  /** How far the caller's clock may be off for `exp`, `nbf` and `iat`; 30 s unless set. */
  readonly clockSkewSeconds?: number;
}

export interface TokenRequest {
  readonly subject: string;
  readonly cooperativeId?: string;
  readonly roles: readonly Role[];
  readonly expiresInSeconds: number;
  readonly now: Date;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/**
 * A standard compact HS256 JWT. Signed with node's HMAC rather than jose's signer because jose signs only
 * asynchronously (WebCrypto) and `meent token` and the test fixtures mint tokens inline; every token is verified by
 * jose, which checks the signature, `exp`, `nbf`, `iss` and `aud`.
 */
export function signToken(settings: TokenSettings | string, request: TokenRequest): string {
  const { secret, issuer, audience } = typeof settings === 'string' ? { secret: settings } : settings;
  const issuedAt = Math.floor(request.now.getTime() / 1000);
  const claims = claimsSchema.parse({
    sub: request.subject,
    ...(request.cooperativeId ? { cooperativeId: request.cooperativeId } : {}),
    roles: [...request.roles],
    iat: issuedAt,
    exp: issuedAt + request.expiresInSeconds,
  });
  const payload = { ...claims, ...(issuer ? { iss: issuer } : {}), ...(audience ? { aud: audience } : {}) };
  const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

export type TokenCheck = { ok: true; principal: Principal } | { ok: false; reason: string };

// jose verifies with WebCrypto: a CryptoKey imported once per secret spares it an import for every token.
const keys = new Map<string, Promise<webcrypto.CryptoKey>>();
function keyOf(secret: string): Promise<webcrypto.CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = webcrypto.subtle.importKey('raw', Buffer.from(secret, 'utf8'), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    keys.set(secret, key);
  }
  return key;
}

/** Why jose refused a token, in words a caller can act on; never the token itself. */
function refusal(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'the token is not valid yet';
    if (error.claim === 'exp') return 'the token must have an expiry (exp)';
    return `the token's ${error.claim} claim is not accepted here`;
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'only HS256 tokens are accepted';
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) return 'the token is not a valid JWT';
  return 'the token is not accepted';
}

export async function verifyToken(settings: TokenSettings | string, token: string, now: Date): Promise<TokenCheck> {
  const check = await verifyWithValidity(settings, token, now);
  return check.ok ? { ok: true, principal: check.principal } : check;
}

type CheckWithValidity =
  | { ok: true; principal: Principal; validFrom: number; validUntil: number }
  | { ok: false; reason: string };

/** Verifies a token and says from when until when (in seconds, skew included) it holds. */
async function verifyWithValidity(settings: TokenSettings | string, token: string, now: Date): Promise<CheckWithValidity> {
  const { secret, issuer, audience, clockSkewSeconds = 30 } =
    typeof settings === 'string' ? { secret: settings } : settings;
  let payload: { nbf?: number } & Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify<{ nbf?: number }>(token, await keyOf(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
      currentDate: now,
      clockTolerance: clockSkewSeconds,
      ...(issuer ? { issuer } : {}),
      ...(audience ? { audience } : {}),
    }));
  } catch (error) {
    return { ok: false, reason: refusal(error) };
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) return { ok: false, reason: `the token claims are invalid: ${z.prettifyError(claims.error)}` };
  return {
    ok: true,
    principal: { subject: claims.data.sub, cooperativeId: claims.data.cooperativeId, roles: claims.data.roles },
    validFrom: (payload.nbf ?? Number.NEGATIVE_INFINITY) - clockSkewSeconds,
    validUntil: claims.data.exp + clockSkewSeconds,
  };
}

/**
 * Tokens verified before, with the times they hold: a client sends the same token with request after request, and
 * its signature needs checking once. Least recently verified leave first.
 */
class VerifiedTokens {
  private readonly verified = new Map<string, { principal: Principal; validFrom: number; validUntil: number }>();

  constructor(private readonly capacity = 10_000) {}

  async check(settings: TokenSettings, token: string, now: Date): Promise<TokenCheck> {
    const seconds = now.getTime() / 1000;
    const known = this.verified.get(token);
    if (known && seconds >= known.validFrom && seconds < known.validUntil) return { ok: true, principal: known.principal };
    this.verified.delete(token);
    const check = await verifyWithValidity(settings, token, now);
    if (!check.ok) return check;
    this.verified.set(token, check);
    if (this.verified.size > this.capacity) this.verified.delete(this.verified.keys().next().value as string);
    return { ok: true, principal: check.principal };
  }
}

const verifiedTokens = new WeakMap<TokenSettings, VerifiedTokens>();

export interface AuthOptions {
  readonly tokens: TokenSettings;
  readonly clock: () => Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** A valid bearer token or 401; the access plugin calls it for every route that is not public. */
    authenticate(request: FastifyRequest): Promise<void>;
  }
}

export const BEARER_SECURITY = [{ bearerAuth: [] }];

const checked = new WeakMap<FastifyRequest, Promise<TokenCheck>>();

/**
 * The request's bearer token, verified once however many hooks ask (the rate limiter counts callers by it before the
 * access plugin authenticates them).
 */
export function checkBearer(request: FastifyRequest, tokens: TokenSettings, now: Date): Promise<TokenCheck> {
  let check = checked.get(request);
  if (!check) {
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    let cache = verifiedTokens.get(tokens);
    if (!cache) {
      cache = new VerifiedTokens();
      verifiedTokens.set(tokens, cache);
    }
    check =
      scheme?.toLowerCase() === 'bearer' && token
        ? cache.check(tokens, token, now)
        : Promise.resolve({ ok: false as const, reason: 'The Authorization header must be Bearer <token>' });
    checked.set(request, check);
  }
  return check;
}

function auth(app: FastifyInstance, options: AuthOptions): void {
  app.decorateRequest('principal', null);
  app.decorate('authenticate', async (request: FastifyRequest) => {
    if (!request.headers.authorization) throw unauthorized('An Authorization: Bearer <token> header is required');
    const check = await checkBearer(request, options.tokens, options.clock());
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

/** The metadata a command's events carry about who asked, traced by the request id. */
/** Who asks for a command, for which cooperative, and why (the request's id correlates its events): the origin the
 * command pipeline stamps on every event it appends. */
export function commandOriginOf(request: FastifyRequest, cooperativeId: string) {
  const principal = principalOf(request);
  return {
    cooperativeId,
    actor: { id: principal.subject, roles: [...principal.roles] },
    correlationId: request.id,
    causationId: null,
  };
}
