// Tokens from the federation's identity provider, verified the way OpenID Connect says: against the keys the issuer
// publishes (its JWKS, found through its discovery document), for this deployment's audience, unexpired. `jose`
// fetches the keys, keeps them, and fetches again when a token names a key it has not seen — a rotation.
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';

export interface OidcSettings {
  readonly issuer: string;
  /** The client id this deployment has at the provider: its tokens must name it. */
  readonly audience: string;
  /** Where the keys are; found through the issuer's discovery document when unset. */
  readonly jwksUrl: string | undefined;
  /** How long after fetching the keys a token naming an unknown key waits before they are fetched again. */
  readonly jwksCooldownSeconds: number;
}

export type OidcCheck = { readonly ok: true; readonly subject: string } | { readonly ok: false; readonly reason: string };

const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url() });

export class OidcVerifier {
  private keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(
    readonly settings: OidcSettings,
    private readonly clock: () => Date,
  ) {}

  private keySet(): Promise<JWTVerifyGetKey> {
    this.keys ??= this.discover().then((url) => createRemoteJWKSet(url, { cooldownDuration: this.settings.jwksCooldownSeconds * 1000 }));
    // A failed discovery is tried again with the next token, not kept.
    this.keys.catch(() => (this.keys = undefined));
    return this.keys;
  }

  private async discover(): Promise<URL> {
    if (this.settings.jwksUrl) return new URL(this.settings.jwksUrl);
    const response = await fetch(new URL('.well-known/openid-configuration', `${this.settings.issuer.replace(/\/$/, '')}/`), {
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`the issuer's discovery document answered ${response.status}`);
    const document = discoverySchema.parse(await response.json());
    if (document.issuer !== this.settings.issuer) throw new Error('the discovery document names another issuer');
    return new URL(document.jwks_uri);
  }

  async verify(token: string): Promise<OidcCheck> {
    let keys: JWTVerifyGetKey;
    try {
      keys = await this.keySet();
    } catch {
      return { ok: false, reason: "the identity provider's keys could not be fetched" };
    }
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
        requiredClaims: ['sub', 'exp'],
        currentDate: this.clock(),
        clockTolerance: 30,
      });
      return { ok: true, subject: String(payload.sub) };
    } catch (error) {
      return { ok: false, reason: refusal(error) };
    }
  }
}

function refusal(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `the token's ${error.claim} claim is not accepted here`;
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no key of the identity provider signed this token';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm not accepted here';
  return 'the token is not accepted';
}
