// The app's one way into Meent: its public REST API, with the member's own token — in this process through
// fastify's inject (the same routes, hooks, rights and rate limits as over the network), or over HTTP to any Meent.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

export interface ApiRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly token?: string | undefined;
  readonly body?: object | undefined;
  /** The browser's address: rate limits count it, not the app's. */
  readonly clientAddress: string;
}

export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
}

export type ApiTransport = (request: ApiRequest) => Promise<ApiAnswer>;

const headersOf = (request: ApiRequest): Record<string, string> => ({
  ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
  ...(request.body ? { 'content-type': 'application/json' } : {}),
});

const parsedBody = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
};

/** The API of the server the app is part of. */
export function injectTransport(app: FastifyInstance): ApiTransport {
  return async (request) => {
    const response = await app.inject({
      method: request.method,
      url: request.path,
      headers: headersOf(request),
      remoteAddress: request.clientAddress,
      ...(request.body ? { payload: JSON.stringify(request.body) } : {}),
    });
    return { status: response.statusCode, body: parsedBody(response.body) };
  };
}

/**
 * The API of a Meent elsewhere (`MEENT_APP_API_URL`). The browser's address goes along as X-Forwarded-For, which
 * that Meent believes only when it trusts this process as a proxy (`MEENT_TRUST_PROXY`), as compose sets it up.
 */
export function fetchTransport(baseUrl: string): ApiTransport {
  const base = baseUrl.replace(/\/$/, '');
  return async (request) => {
    const response = await fetch(`${base}${request.path}`, {
      method: request.method,
      headers: { ...headersOf(request), 'x-forwarded-for': request.clientAddress },
      ...(request.body ? { body: JSON.stringify(request.body) } : {}),
    });
    return { status: response.status, body: parsedBody(await response.text()) };
  };
}

const problemSchema = z.object({
  status: z.number(),
  code: z.string(),
  detail: z.string(),
  errors: z.array(z.object({ in: z.string(), field: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof problemSchema>;

/** The API refused: its problem details, for the page to show in the member's language. */
export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.code}: ${problem.detail}`);
  }
}

/** The member's session is gone (expired, revoked, or never there): they sign in again. */
export class SignedOut extends Error {}

export const tokensSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  sessionId: z.string(),
  subject: z.string(),
});
export type Tokens = z.infer<typeof tokensSchema>;

export const writtenSchema = z.object({ id: z.string().optional(), position: z.number().int() });
export type Written = z.infer<typeof writtenSchema>;

/** Calls on behalf of one browser: with its tokens, which it renews once when the access token has expired. */
export class Api {
  /** The one renewal of this visit: calls made side by side that all find the token expired wait for it together,
   * since a refresh token used twice revokes the session. */
  private renewal: Promise<void> | undefined;

  constructor(
    private readonly transport: ApiTransport,
    private readonly clientAddress: string,
    private tokens: Tokens | undefined,
    private readonly onRenewed: (tokens: Tokens) => void,
  ) {}

  get signedIn(): Tokens | undefined {
    return this.tokens;
  }

  async get<Schema extends z.ZodType>(path: string, schema: Schema): Promise<z.infer<Schema>> {
    return this.call('GET', path, undefined, schema);
  }

  /** A page the API renders itself (the impact report), as its HTML. */
  async document(path: string): Promise<string> {
    return this.call('GET', path, undefined, z.string());
  }

  async post(path: string, body?: object): Promise<Written> {
    return this.call('POST', path, body, writtenSchema);
  }

  /** A call that needs no session (signing in). */
  async anonymous<Schema extends z.ZodType>(path: string, body: object, schema: Schema): Promise<z.infer<Schema>> {
    const answer = await this.transport({ method: 'POST', path, body, clientAddress: this.clientAddress });
    return this.accept(path, answer, schema);
  }

  private async call<Schema extends z.ZodType>(method: 'GET' | 'POST', path: string, body: object | undefined, schema: Schema): Promise<z.infer<Schema>> {
    if (!this.tokens) throw new SignedOut();
    const token = this.tokens.accessToken;
    const answer = await this.transport({ method, path, body, token, clientAddress: this.clientAddress });
    if (answer.status !== 401) return this.accept(path, answer, schema);
    this.renewal ??= this.renew();
    await this.renewal;
    // Renewed before this call was made, and refused all the same: nothing more to try.
    if (this.tokens.accessToken === token) throw new SignedOut();
    const again = await this.transport({ method, path, body, token: this.tokens.accessToken, clientAddress: this.clientAddress });
    if (again.status === 401) throw new SignedOut();
    return this.accept(path, again, schema);
  }

  private accept<Schema extends z.ZodType>(path: string, answer: ApiAnswer, schema: Schema): z.infer<Schema> {
    if (answer.status >= 400) {
      const problem = problemSchema.safeParse(answer.body);
      throw new ApiProblem(problem.success ? problem.data : { status: answer.status, code: 'UNKNOWN', detail: `HTTP ${answer.status}` });
    }
    const read = schema.safeParse(answer.body);
    // The app and the API disagree on a shape: the app's fault, logged with what did not fit (never the data).
    if (!read.success) throw new Error(`the API's answer to ${path.split('?')[0]} is not what the app reads: ${read.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    return read.data;
  }

  /** The refresh token buys the next pair once; refused, the member signs in again. */
  private async renew(): Promise<void> {
    const refreshToken = this.tokens?.refreshToken;
    if (!refreshToken) throw new SignedOut();
    const answer = await this.transport({ method: 'POST', path: '/sessions/refresh', body: { refreshToken }, clientAddress: this.clientAddress });
    const renewed = tokensSchema.safeParse(answer.body);
    if (answer.status !== 200 || !renewed.success) throw new SignedOut();
    this.tokens = renewed.data;
    this.onRenewed(renewed.data);
  }
}
