// The members' web app: pages served under /app, rendered on the server from what the public API answers with the
// member's own token, forms that work without JavaScript, Dutch by default and English on request.
import cookie from '@fastify/cookie';
import formBody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Api, ApiProblem, SignedOut, tokensSchema, type ApiTransport, type Tokens, type Written } from './api.js';
import { assembliesSchema, assemblySchema, cooperativeSchema, memberSchema, motionSchema, voterSchema } from './api-schemas.js';
import { html, type Html } from './html.js';
import { LANGUAGES, TEXTS } from './i18n.js';
import { layout, problemPage, STYLESHEET, type FormProblem } from './layout.js';
import { cooperativeParams, detailsForm, invalidForm, registerDetails, text, type Kit, type Render, type Visit } from './kit.js';
import { localTimeToIso } from './local-time.js';
import { fundingRoutes } from './funding-routes.js';
import { recordsRoutes } from './records-routes.js';
import { assembliesPage, assemblyPage, codePage, homePage, mePage, signInPage, type PageContext } from './pages.js';

export interface WebAppOptions {
  /** How the app reaches the API: this server's (injectTransport) or another Meent's (fetchTransport). */
  readonly api: ApiTransport;
}

const SESSION_COOKIE = 'meent_session';
const LANGUAGE_COOKIE = 'meent_lang';
const COOKIE_PATH = '/app';
const YEAR_SECONDS = 365 * 86_400;

const assemblyParams = cooperativeParams.extend({ assemblyId: z.uuid() });
const motionParams = cooperativeParams.extend({ motionId: z.uuid() });
const pageQuery = z.object({
  lang: z.enum(LANGUAGES).optional(),
  /** The position the member's last change was written at: the page waits until its reads show it. */
  at: z.coerce.number().int().nonnegative().optional(),
  email: z.string().max(320).optional(),
  saved: z.literal('1').optional(),
});
const forms = {
  signIn: z.object({ email: text(320).min(1) }),
  code: z.object({ email: text(320).min(1), code: text(20).min(1) }),
  convene: z.object({ title: text(200).min(1), scheduledAt: text(20).min(1), address: text(500) }),
  proxy: z.object({ holderId: text(100).min(1) }),
  attendance: z.object({ memberId: text(100).min(1) }),
  table: z.object({ title: text(200).min(1), text: text(10_000).min(1), secret: z.literal('yes').optional() }),
  vote: z.object({ assemblyId: z.uuid(), choice: z.enum(['for', 'against', 'abstain']), onBehalfOf: z.uuid().optional() }),
  motionStep: z.object({ assemblyId: z.uuid() }),
};

export async function webApp(app: FastifyInstance, options: WebAppOptions): Promise<void> {
  await app.register(cookie);
  await app.register(formBody, { bodyLimit: 64 * 1024 });

  // Forms post only from the app's own pages: the session cookie is SameSite=Strict, and a post whose Origin is
  // another site's is refused outright.
  app.addHook('preHandler', async (request, reply) => {
    const origin = request.headers.origin;
    if (request.method === 'POST' && origin && !sameOrigin(origin, request)) {
      return reply.code(403).type('text/plain; charset=utf-8').send('Forbidden: a form of another site');
    }
  });

  // Browsers send a form's Origin only where the referrer policy lets them: helmet's no-referrer would make it "null".
  app.addHook('onSend', async (_request, reply) => {
    reply.header('referrer-policy', 'same-origin');
  });

  app.get('/assets/app.css', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );

  const visit = (request: FastifyRequest, reply: FastifyReply): Visit => {
    const query = pageQuery.safeParse(request.query);
    const asked = query.success ? query.data.lang : undefined;
    const kept = z.enum(LANGUAGES).safeParse(request.cookies[LANGUAGE_COOKIE]);
    const language = asked ?? (kept.success ? kept.data : 'nl');
    if (asked) reply.setCookie(LANGUAGE_COOKIE, asked, { path: COOKIE_PATH, maxAge: YEAR_SECONDS, sameSite: 'lax', httpOnly: true, secure: request.protocol === 'https' });
    const api = new Api(options.api, request.ip, sessionOf(request), (tokens) => keepSession(request, reply, tokens));
    return { request, reply, language, api, at: query.success ? query.data.at : undefined };
  };

  const send = (visit: Visit, cooperativeId: string | undefined, cooperativeName: string | undefined, title: string, content: Html, status = 200, officer = false) =>
    visit.reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        layout(
          {
            t: TEXTS[visit.language],
            language: visit.language,
            path: visit.request.url.replace(/[?&]lang=[a-z]+/, ''),
            cooperativeId,
            cooperativeName,
            signedIn: visit.api.signedIn !== undefined,
            officer,
          },
          title,
          content,
        ).text,
      );

  const since = (visit: Visit) => (visit.at === undefined ? '' : `?minPosition=${visit.at}`);

  /** The member's context for a page of their cooperative: who they are, and the cooperative's name. */
  const memberContext = async (visit: Visit, cooperativeId: string, shown?: FormProblem) => {
    const tokens = visit.api.signedIn;
    if (!tokens) throw new SignedOut();
    const base = `/cooperatives/${cooperativeId}`;
    const [me, cooperative] = await Promise.all([
      visit.api.get(`${base}/members/${tokens.subject}${since(visit)}`, memberSchema),
      visit.api.get(`${base}${since(visit)}`, cooperativeSchema),
    ]);
    const context: PageContext = { t: TEXTS[visit.language], language: visit.language, base: `/app/${cooperativeId}`, me, cooperative, shown };
    return { context, cooperativeName: cooperative.name, base };
  };

  /** Work for a signed-in member: signed out, to the sign-in; refused by the API, its problem as a page. */
  const guarded: Kit['guarded'] = async (visit, cooperativeId, work) => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof SignedOut) return signedOut(visit, cooperativeId);
      if (error instanceof ApiProblem) {
        const t = TEXTS[visit.language];
        return send(visit, cooperativeId, undefined, t.errors.title, problemPage(error.problem, t), error.problem.status);
      }
      throw error;
    }
  };

  /** Renders a page of the cooperative, or says why not: signed out (to the sign-in), or the API's refusal. */
  const page = async (visit: Visit, cooperativeId: string, render: Render, shown?: FormProblem) =>
    guarded(visit, cooperativeId, async () => {
      const { context, cooperativeName, base } = await memberContext(visit, cooperativeId, shown);
      const { title, content } = await render(context, { base, since: since(visit) });
      return send(visit, cooperativeId, cooperativeName, title, content, shown?.problem.status ?? 200, context.me.offices.length > 0);
    });

  const signedOut = (visit: Visit, cooperativeId: string) => {
    visit.reply.clearCookie(SESSION_COOKIE, { path: COOKIE_PATH });
    return visit.reply.redirect(`/app/${cooperativeId}/sign-in`, 303);
  };

  /** Runs a form's command; refused, the page is shown again with the API's words at the form. */
  const act = async <Schema extends z.ZodType>(
    visit: Visit,
    cooperativeId: string,
    form: string,
    schema: Schema,
    command: (body: z.infer<Schema>) => Promise<{ written: Written; then: string }>,
    again: (shown: FormProblem) => Promise<unknown>,
  ) => {
    const posted = (visit.request.body ?? {}) as Record<string, unknown>;
    const body = schema.safeParse(posted);
    if (!body.success) return again({ form, problem: invalidForm(body.error), values: posted });
    try {
      const { written, then } = await command(body.data);
      return visit.reply.redirect(`${then}${then.includes('?') ? '&' : '?'}at=${written.position}`, 303);
    } catch (error) {
      if (error instanceof SignedOut) return signedOut(visit, cooperativeId);
      if (error instanceof ApiProblem) return again({ form, problem: error.problem, values: posted });
      throw error;
    }
  };

  const formRoute: Kit['formRoute'] = (route) => {
    app.post(route.url, { schema: { hide: true, params: route.params } }, async (request, reply) => {
      const params = route.params.parse(request.params);
      const current = visit(request, reply);
      return act(
        current,
        params.cooperativeId,
        route.form,
        route.schema,
        (body) => route.command(current, params, body),
        (shown) => route.again(current, params, shown),
      );
    });
  };

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const current = visit(request, reply);
    const t = TEXTS[current.language];
    return send(current, undefined, undefined, t.landing.title, html`<p>${t.landing.text}</p>`);
  });

  // Signing in: an e-mailed code for a session whose tokens stay in an HttpOnly cookie.
  const signInForm = (current: Visit, cooperativeId: string, shown?: FormProblem, email?: string) => {
    const t = TEXTS[current.language];
    return send(current, cooperativeId, undefined, t.signIn.title, signInPage(t, `/app/${cooperativeId}/sign-in`, shown, email), shown?.problem.status ?? 200);
  };
  const codeForm = (current: Visit, cooperativeId: string, email: string, shown?: FormProblem) => {
    const t = TEXTS[current.language];
    const base = `/app/${cooperativeId}/sign-in`;
    return send(current, cooperativeId, undefined, t.signIn.codeTitle, codePage(t, `${base}/code`, email, base, shown), shown?.problem.status ?? 200);
  };

  app.get('/:cooperativeId/sign-in', { schema: { hide: true, params: cooperativeParams } }, async (request, reply) => {
    const { cooperativeId } = cooperativeParams.parse(request.params);
    return signInForm(visit(request, reply), cooperativeId);
  });
  app.post('/:cooperativeId/sign-in', { schema: { hide: true, params: cooperativeParams } }, async (request, reply) => {
    const { cooperativeId } = cooperativeParams.parse(request.params);
    const current = visit(request, reply);
    const body = forms.signIn.safeParse(request.body ?? {});
    if (!body.success) return signInForm(current, cooperativeId, { form: 'sign-in', problem: invalidForm(body.error) });
    try {
      await current.api.anonymous(`/cooperatives/${cooperativeId}/sign-in`, { email: body.data.email }, z.unknown());
    } catch (error) {
      if (error instanceof ApiProblem) return signInForm(current, cooperativeId, { form: 'sign-in', problem: error.problem }, body.data.email);
      throw error;
    }
    return reply.redirect(`/app/${cooperativeId}/sign-in/code?email=${encodeURIComponent(body.data.email)}`, 303);
  });
  app.get('/:cooperativeId/sign-in/code', { schema: { hide: true, params: cooperativeParams } }, async (request, reply) => {
    const { cooperativeId } = cooperativeParams.parse(request.params);
    const current = visit(request, reply);
    const email = pageQuery.safeParse(request.query).data?.email;
    if (!email) return reply.redirect(`/app/${cooperativeId}/sign-in`, 303);
    return codeForm(current, cooperativeId, email);
  });
  app.post('/:cooperativeId/sign-in/code', { schema: { hide: true, params: cooperativeParams } }, async (request, reply) => {
    const { cooperativeId } = cooperativeParams.parse(request.params);
    const current = visit(request, reply);
    const body = forms.code.safeParse(request.body ?? {});
    const email = typeof (request.body as { email?: unknown } | undefined)?.email === 'string' ? String((request.body as { email: string }).email) : '';
    if (!body.success) return codeForm(current, cooperativeId, email, { form: 'code', problem: invalidForm(body.error) });
    try {
      const tokens = await current.api.anonymous(`/cooperatives/${cooperativeId}/sign-in/code`, body.data, tokensSchema);
      keepSession(request, reply, tokens);
    } catch (error) {
      if (error instanceof ApiProblem) return codeForm(current, cooperativeId, body.data.email, { form: 'code', problem: error.problem });
      throw error;
    }
    return reply.redirect(`/app/${cooperativeId}`, 303);
  });
  app.post('/:cooperativeId/sign-out', { schema: { hide: true, params: cooperativeParams } }, async (request, reply) => {
    const { cooperativeId } = cooperativeParams.parse(request.params);
    const current = visit(request, reply);
    const tokens = current.api.signedIn;
    if (tokens) {
      // Ended at the API too: the refresh token the cookie held is worth nothing after this.
      await current.api.post(`/cooperatives/${cooperativeId}/sessions/${tokens.sessionId}/revocation`).catch(() => undefined);
    }
    reply.clearCookie(SESSION_COOKIE, { path: COOKIE_PATH });
    return reply.redirect(`/app/${cooperativeId}/sign-in`, 303);
  });

  app.get('/:cooperativeId', { schema: { hide: true, params: cooperativeParams } }, async (request, reply) => {
    const { cooperativeId } = cooperativeParams.parse(request.params);
    const current = visit(request, reply);
    return page(current, cooperativeId, async (context, { base, since }) => {
      const { assemblies } = await current.api.get(`${base}/assemblies${since}${since ? '&' : '?'}limit=5`, assembliesSchema);
      return { title: context.t.home.title, content: homePage(context, assemblies) };
    });
  });

  const mePageOf = (current: Visit, cooperativeId: string, shown?: FormProblem) =>
    page(current, cooperativeId, async (context) => ({ title: context.t.me.title, content: mePage(context, pageQuery.safeParse(current.request.query).data?.saved === '1') }), shown);
  app.get('/:cooperativeId/me', { schema: { hide: true, params: cooperativeParams } }, async (request, reply) => {
    const { cooperativeId } = cooperativeParams.parse(request.params);
    return mePageOf(visit(request, reply), cooperativeId);
  });
  formRoute({
    url: '/:cooperativeId/me',
    params: cooperativeParams,
    form: 'details',
    schema: detailsForm,
    command: async (current, { cooperativeId }, details) => ({
      written: await current.api.post(`/cooperatives/${cooperativeId}/members/${current.api.signedIn?.subject}/details`, registerDetails(details)),
      then: `/app/${cooperativeId}/me?saved=1`,
    }),
    again: (current, { cooperativeId }, shown) => mePageOf(current, cooperativeId, shown),
  });

  const assembliesPageOf = (current: Visit, cooperativeId: string, shown?: FormProblem) =>
    page(
      current,
      cooperativeId,
      async (context, { base, since }) => {
        const { assemblies } = await current.api.get(`${base}/assemblies${since}`, assembliesSchema);
        return { title: context.t.assemblies.title, content: assembliesPage(context, assemblies) };
      },
      shown,
    );
  app.get('/:cooperativeId/assemblies', { schema: { hide: true, params: cooperativeParams } }, async (request, reply) => {
    const { cooperativeId } = cooperativeParams.parse(request.params);
    return assembliesPageOf(visit(request, reply), cooperativeId);
  });
  formRoute({
    url: '/:cooperativeId/assemblies',
    params: cooperativeParams,
    form: 'convene',
    schema: forms.convene,
    command: async (current, { cooperativeId }, form) => {
      const written = await current.api.post(`/cooperatives/${cooperativeId}/assemblies`, {
        title: form.title,
        scheduledAt: localTimeToIso(form.scheduledAt) ?? form.scheduledAt,
        venue: form.address ? { kind: 'place', address: form.address } : { kind: 'online' },
      });
      return { written, then: `/app/${cooperativeId}/assemblies/${written.id}` };
    },
    again: (current, { cooperativeId }, shown) => assembliesPageOf(current, cooperativeId, shown),
  });

  const assemblyPageOf = (current: Visit, cooperativeId: string, assemblyId: string, shown?: FormProblem) =>
    page(
      current,
      cooperativeId,
      async (context, { base, since }) => {
        const [assembly, voter] = await Promise.all([
          current.api.get(`${base}/assemblies/${assemblyId}${since}`, assemblySchema),
          current.api.get(`${base}/assemblies/${assemblyId}/voters/${context.me.id}${since}`, voterSchema),
        ]);
        const motions = await Promise.all(assembly.motions.map((motion) => current.api.get(`${base}/motions/${motion.id}${since}`, motionSchema)));
        return { title: assembly.title, content: assemblyPage(context, { assembly, voter, motions }) };
      },
      shown,
    );
  app.get('/:cooperativeId/assemblies/:assemblyId', { schema: { hide: true, params: assemblyParams } }, async (request, reply) => {
    const { cooperativeId, assemblyId } = assemblyParams.parse(request.params);
    return assemblyPageOf(visit(request, reply), cooperativeId, assemblyId);
  });

  /** A form on the assembly's page: its command, then the page again. */
  const assemblyAction = <Schema extends z.ZodType>(path: string, form: string, schema: Schema, command: (body: z.infer<Schema>) => { path: string; body?: object }) =>
    formRoute({
      url: `/:cooperativeId/assemblies/:assemblyId/${path}`,
      params: assemblyParams,
      form,
      schema,
      command: async (current, { cooperativeId, assemblyId }, body) => {
        const call = command(body);
        const written = await current.api.post(`/cooperatives/${cooperativeId}/assemblies/${assemblyId}${call.path}`, call.body);
        return { written, then: `/app/${cooperativeId}/assemblies/${assemblyId}` };
      },
      again: (current, { cooperativeId, assemblyId }, shown) => assemblyPageOf(current, cooperativeId, assemblyId, shown),
    });
  const nothing = z.object({});
  assemblyAction('proxy', 'proxy', forms.proxy, (body) => ({ path: '/proxies', body: { holderId: body.holderId } }));
  assemblyAction('proxy/revocation', 'revoke', nothing, () => ({ path: '/proxies/revocation' }));
  assemblyAction('opening', 'opening', nothing, () => ({ path: '/opening' }));
  assemblyAction('closing', 'closing', nothing, () => ({ path: '/closing' }));
  assemblyAction('attendance', 'attendance', forms.attendance, (body) => ({ path: '/attendance', body: { memberId: body.memberId } }));
  assemblyAction('motions', 'table', forms.table, (body) => ({
    path: '/motions',
    body: { title: body.title, text: body.text, ballot: body.secret ? 'secret' : 'open' },
  }));

  /** A form on a motion, shown on its assembly's page: the form's name says which motion's it was. */
  const motionAction = <Schema extends z.ZodType>(
    path: string,
    formOf: (motionId: string, body: Record<string, unknown>) => string,
    schema: Schema,
    bodyOf: (body: z.infer<Schema>) => object | undefined,
  ) =>
    app.post(`/:cooperativeId/motions/:motionId/${path}`, { schema: { hide: true, params: motionParams } }, async (request, reply) => {
      const { cooperativeId, motionId } = motionParams.parse(request.params);
      const current = visit(request, reply);
      const posted = (request.body ?? {}) as Record<string, unknown>;
      const assemblyId = z.uuid().safeParse(posted.assemblyId);
      if (!assemblyId.success) return reply.code(400).type('text/plain; charset=utf-8').send('Bad Request: the form names no assembly');
      return act(
        current,
        cooperativeId,
        formOf(motionId, posted),
        schema,
        async (body) => ({
          written: await current.api.post(`/cooperatives/${cooperativeId}/motions/${motionId}/${path}`, bodyOf(body)),
          then: `/app/${cooperativeId}/assemblies/${assemblyId.data}`,
        }),
        (shown) => assemblyPageOf(current, cooperativeId, assemblyId.data, shown),
      );
    });
  motionAction(
    'votes',
    (motionId, posted) => (typeof posted.onBehalfOf === 'string' ? `proxy-vote-${motionId}-${posted.onBehalfOf}` : `vote-${motionId}`),
    forms.vote,
    (body) => ({ choice: body.choice, ...(body.onBehalfOf ? { onBehalfOf: body.onBehalfOf } : {}) }),
  );
  motionAction('opening', (motionId) => `open-${motionId}`, forms.motionStep, () => undefined);
  motionAction('closing', (motionId) => `close-${motionId}`, forms.motionStep, () => undefined);

  const kit: Kit = { visit, page, guarded, formRoute };
  recordsRoutes(app, kit);
  fundingRoutes(app, kit);
}

function sessionOf(request: FastifyRequest): Tokens | undefined {
  const value = request.cookies[SESSION_COOKIE];
  if (!value) return undefined;
  try {
    const tokens = tokensSchema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return tokens.success ? tokens.data : undefined;
  } catch {
    return undefined;
  }
}

function keepSession(request: FastifyRequest, reply: FastifyReply, tokens: Tokens): void {
  const value = Buffer.from(JSON.stringify(tokens)).toString('base64url');
  reply.setCookie(SESSION_COOKIE, value, { path: COOKIE_PATH, httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', maxAge: 30 * 86_400 });
}

/** Whether a form's Origin is this app's own address (a default port written or not). */
function sameOrigin(origin: string, request: FastifyRequest): boolean {
  try {
    const from = new URL(origin);
    const here = new URL(`${request.protocol}://${request.host}`);
    return from.protocol === here.protocol && from.host === here.host;
  } catch {
    return false;
  }
}
