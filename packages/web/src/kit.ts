// What every route of the app is built with: a visit (one browser's request, its language and its API), a page
// rendered for the signed-in member, and a form's command with the page shown again when the API refuses it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Api, Problem, Written } from './api.js';
import type { Html } from './html.js';
import { centsFrom, type Language } from './i18n.js';
import type { FormProblem } from './layout.js';
import type { PageContext } from './pages.js';

export interface Visit {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly language: Language;
  readonly api: Api;
  /** The position the member's last change was written at: the page's reads wait until they show it. */
  readonly at: number | undefined;
}

/** What a page's renderer is given beside the member's context: the API's path of the cooperative, and `?minPosition=`. */
export interface PageApi {
  readonly base: string;
  readonly since: string;
}

export type Render = (context: PageContext, api: PageApi) => Promise<{ title: string; content: Html }>;

export interface Kit {
  visit(request: FastifyRequest, reply: FastifyReply): Visit;
  page(visit: Visit, cooperativeId: string, render: Render, shown?: FormProblem): Promise<unknown>;
  /** Work for a signed-in member, answered by the sign-in or the API's problem when it cannot be done. */
  guarded(visit: Visit, cooperativeId: string, work: () => Promise<unknown>): Promise<unknown>;
  /**
   * A form's route: its fields checked, its command sent to the API, then the page `then` names; refused, the page the
   * form is on (`again`), shown with the refusal at the form.
   */
  formRoute<Params extends z.ZodType<{ cooperativeId: string }>, Schema extends z.ZodType>(route: {
    readonly url: string;
    readonly params: Params;
    readonly form: string;
    readonly schema: Schema;
    readonly command: (visit: Visit, params: z.infer<Params>, body: z.infer<Schema>) => Promise<{ written: Written; then: string }>;
    readonly again: (visit: Visit, params: z.infer<Params>, shown: FormProblem) => Promise<unknown>;
  }): void;
}

export const cooperativeParams = z.object({ cooperativeId: z.uuid() });

/** A form's text field: trimmed, at most `max` characters. */
export const text = (max: number) => z.string().trim().max(max);

/** A form the app refused before asking the API, said as the API says it: the fields named. */
export function invalidForm(error: z.ZodError): Problem {
  return {
    status: 400,
    code: 'VALIDATION',
    detail: 'The form is not filled in right',
    errors: error.issues.map((issue) => ({ in: 'body', field: issue.path.join('.'), message: issue.message })),
  };
}

/** An amount in euros as typed that is no amount: refused here, named as the API's field it would have become. */
export function amountProblem(visit: Visit, typed: string, apiField: string): Problem | undefined {
  if (centsFrom(typed, visit.language) !== undefined) return undefined;
  return {
    status: 400,
    code: 'VALIDATION',
    detail: `"${typed}" is no amount in euros`,
    errors: [{ in: 'body', field: apiField, message: 'an amount in euros, with at most two decimals' }],
  };
}

/** A person's details as a form has them (empty: none) and as the register takes them (null: none). */
export const detailsForm = z.object({ name: text(200).min(1), email: text(320).min(1), address: text(500), phone: text(50) });
export const registerDetails = (form: z.infer<typeof detailsForm>) => ({
  name: form.name,
  email: form.email,
  address: form.address || null,
  phone: form.phone || null,
});
