// Who may do what, decided once for every route: a route is served only when the rights table has a row for it, the
// caller's roles come from the cooperative's record at this request, and every id the request carries (path, query,
// body) must belong to the cooperative of its path — else 404, as if it did not exist. A new route cannot forget any
// of it: without a row the server does not start.
import type {
  FastifyInstance,
  FastifyRequest,
  RouteOptions,
  onRequestHookHandler,
  preHandlerHookHandler,
  preValidationHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { isAdmin, principalOf, type Principal } from './auth.js';
import { HttpProblem, forbidden } from './problem-details.js';

/** Every kind of caller the rights table has a column for. */
export const CALLER_ROLES = [
  'admin',
  'chair',
  'secretary',
  'treasurer',
  'board-member',
  'member',
  'suspended',
  'applicant',
  'former',
  'unregistered',
  'other-cooperative',
] as const;
export type CallerRole = (typeof CALLER_ROLES)[number];

/** What the table's columns mean, for the README. */
export const CALLER_ROLE_MEANINGS: Record<CallerRole, string> = {
  admin: 'a token with the deployment-wide `admin` role',
  chair: 'an admitted member appointed chair',
  secretary: 'an admitted member appointed secretary',
  treasurer: 'an admitted member appointed treasurer',
  'board-member': 'an admitted member appointed to the board',
  member: 'an admitted member, not suspended (a resignation not yet effective included)',
  suspended: 'a suspended member (officers lose their office rights while suspended)',
  applicant: 'registered, not yet admitted',
  former: 'membership ended (terminated once effective, or the application rejected)',
  unregistered: "a token for this cooperative whose subject is not on its register",
  'other-cooperative': "a token for another cooperative",
};

/** `all`: the whole of what the route serves; `own`: only what is the caller's own (their record, their streams). */
export type Grant = 'all' | 'own';

export interface Right {
  readonly method: 'GET' | 'POST';
  /** The path as the OpenAPI document writes it: `/cooperatives/{cooperativeId}/members`. */
  readonly path: string;
  /** Anyone, with no token: health checks. */
  readonly public?: true;
  readonly grants: Partial<Record<CallerRole, Grant>>;
  /** What the grant leaves to the rules (a voter on the roll, not the submitter), in plain words for the README. */
  readonly note?: string;
  /** New business, which a cooperative being wound up after its dissolution no longer takes on. */
  readonly notInLiquidation?: true;
}

export interface Caller {
  readonly subject: string;
  readonly roles: readonly CallerRole[];
}

export interface AccessOptions {
  readonly rights: readonly Right[];
  /** The caller's roles in a cooperative, from its record at this moment. */
  callerIn(principal: Principal, cooperativeId: string): Promise<Caller>;
  /** The cooperative a stream belongs to, or undefined when it has no events. */
  cooperativeOfStream(stream: string): Promise<string | undefined>;
  /** Refuses, by throwing the domain's error, when the cooperative is dissolved and being wound up. */
  ensureNotInLiquidation(cooperativeId: string): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller as the record has them, set for every route that is not public. */
    caller: Caller | null;
    /** How far the caller's right on this route reaches. */
    reach: Grant;
  }
}

/**
 * An id that names an aggregate — its stream is `{category}-{id}` — resolved within the path's cooperative before the
 * handler runs. Route schemas use it for every such id; the OpenAPI document shows it as `x-meent-reference`.
 */
export function reference(category: string) {
  return z.uuid().meta({ 'x-meent-reference': category });
}

/** The path of everything a cooperative holds: `/cooperatives/{cooperativeId}/…`. */
export const cooperativeParams = z.object({ cooperativeId: z.uuid() });

const REFERENCE_KEY = 'x-meent-reference';

export interface FoundReference {
  /** Where it was: `path.memberId`, `body.applicant.memberId`. */
  readonly field: string;
  readonly category: string;
  readonly id: string;
}

const categoryOf = (schema: z.ZodType) => {
  const category = z.globalRegistry.get(schema)?.[REFERENCE_KEY];
  return typeof category === 'string' ? category : undefined;
};

/** The schema inside optional, nullable, default, readonly and pipe wrappers, or the first reference on the way. */
function unwrapped(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (categoryOf(current) !== undefined) return current;
    const def = (current as z.core.$ZodType)._zod.def;
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'readonly':
        current = (def as z.core.$ZodOptionalDef).innerType as z.ZodType;
        break;
      case 'pipe':
        current = (def as z.core.$ZodPipeDef).out as z.ZodType;
        break;
      default:
        return current;
    }
  }
}

/** The references a value holds, by walking it beside the schema that parsed it. */
export function referencesIn(schema: z.ZodType, value: unknown, field: string): FoundReference[] {
  if (value === undefined || value === null) return [];
  const inner = unwrapped(schema);
  const category = categoryOf(inner);
  if (category !== undefined) return typeof value === 'string' ? [{ field, category, id: value }] : [];
  const def = (inner as z.core.$ZodType)._zod.def;
  switch (def.type) {
    case 'object': {
      if (typeof value !== 'object') return [];
      const shape = (def as z.core.$ZodObjectDef).shape;
      return Object.entries(shape).flatMap(([key, property]) =>
        referencesIn(property as z.ZodType, (value as Record<string, unknown>)[key], field ? `${field}.${key}` : key),
      );
    }
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((item, index) => referencesIn((def as z.core.$ZodArrayDef).element as z.ZodType, item, `${field}.${index}`))
        : [];
    case 'union': {
      // The option the value was parsed by is the one whose shape it has.
      const options = (def as z.core.$ZodUnionDef).options as readonly z.ZodType[];
      const matching = options.find((option) => option.safeParse(value).success);
      return matching ? referencesIn(matching, value, field) : [];
    }
    default:
      return [];
  }
}

/** Whether a schema holds a reference anywhere, whatever the value: routes whose input holds none skip the lookup. */
export function holdsReferences(schema: z.ZodType): boolean {
  const inner = unwrapped(schema);
  if (categoryOf(inner) !== undefined) return true;
  const def = (inner as z.core.$ZodType)._zod.def;
  switch (def.type) {
    case 'object':
      return Object.values((def as z.core.$ZodObjectDef).shape).some((property) => holdsReferences(property as z.ZodType));
    case 'array':
      return holdsReferences((def as z.core.$ZodArrayDef).element as z.ZodType);
    case 'union':
      return ((def as z.core.$ZodUnionDef).options as readonly z.ZodType[]).some((option) => holdsReferences(option));
    default:
      return false;
  }
}

export const routeKey = (method: string, url: string) => `${method} ${url.replace(/:(\w+)/g, '{$1}')}`;

function asArray<Hook>(hooks: Hook | Hook[] | undefined): Hook[] {
  if (hooks === undefined) return [];
  return Array.isArray(hooks) ? hooks : [hooks];
}

const UUID = z.uuid();

function access(app: FastifyInstance, options: AccessOptions): void {
  const rights = new Map(options.rights.map((right) => [routeKey(right.method, right.path), right]));
  app.decorateRequest('caller', null);
  app.decorateRequest('reach', 'all');

  const resolveCaller = async (principal: Principal, cooperativeId: string | undefined): Promise<Caller> => {
    if (cooperativeId !== undefined) return options.callerIn(principal, cooperativeId);
    return { subject: principal.subject, roles: isAdmin(principal) ? ['admin'] : [] };
  };

  const resolve = async (cooperativeId: string, found: readonly FoundReference[]) => {
    for (const { field, category, id } of found) {
      if ((await options.cooperativeOfStream(`${category}-${id}`)) !== cooperativeId) {
        const [location = 'body', ...rest] = field.split('.');
        throw new HttpProblem(404, 'NOT_FOUND', `No ${category} ${id} in this cooperative`, {
          errors: [{ in: location, field: rest.join('.') || location, message: 'not found in this cooperative' }],
        });
      }
    }
  };

  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as { hide?: boolean; params?: z.ZodType; querystring?: z.ZodType; body?: z.ZodType } | undefined;
    if (schema?.hide) return;
    for (const method of [route.method].flat()) {
      // fastify answers HEAD for every GET through a route of its own: it is guarded as the GET is.
      const right = rights.get(routeKey(method === 'HEAD' ? 'GET' : method, route.url));
      if (!right) throw new Error(`${method} ${route.url} has no row in the rights table`);
      if (right.public) continue;
      const cooperativeScoped = route.url.includes(':cooperativeId');

      const authenticate: onRequestHookHandler = async (request) => app.authenticate(request);

      // Before the body is validated, so nobody learns from validation what they may not do.
      const authorise: preValidationHookHandler = async (request) => {
        const params = request.params as Record<string, unknown>;
        const cooperativeId = cooperativeScoped && UUID.safeParse(params.cooperativeId).success
          ? String(params.cooperativeId)
          : undefined;
        if (cooperativeScoped && cooperativeId === undefined) return; // validation answers 400
        if (cooperativeId !== undefined && (await options.cooperativeOfStream(`cooperative-${cooperativeId}`)) !== cooperativeId) {
          throw new HttpProblem(404, 'NOT_FOUND', `No cooperative ${cooperativeId}`);
        }
        const caller = await resolveCaller(principalOf(request), cooperativeId);
        request.caller = caller;
        const grants = caller.roles.map((role) => right.grants[role]);
        if (grants.includes('all')) request.reach = 'all';
        else if (grants.includes('own')) request.reach = 'own';
        else throw forbidden(`This is for: ${whoMayText(right)}`);
        if (request.reach === 'own' && 'memberId' in params && params.memberId !== caller.subject) {
          throw forbidden('Only the member themselves, or an officer named for this, may do this');
        }
        if (right.notInLiquidation && cooperativeId !== undefined) await options.ensureNotInLiquidation(cooperativeId);
        if (cooperativeId !== undefined && schema?.params) {
          await resolve(cooperativeId, referencesIn(schema.params, params, 'path'));
        }
      };

      // After validation: the body and query as parsed.
      const inputReferences = [schema?.querystring, schema?.body].some((part) => part !== undefined && holdsReferences(part));
      const resolveReferences: preHandlerHookHandler = async (request) => {
        const cooperativeId = String((request.params as Record<string, unknown>).cooperativeId);
        await resolve(cooperativeId, [
          ...(schema?.querystring ? referencesIn(schema.querystring, request.query, 'query') : []),
          ...(schema?.body ? referencesIn(schema.body, request.body, 'body') : []),
        ]);
      };

      route.onRequest = [authenticate, ...asArray(route.onRequest)];
      route.preValidation = [authorise, ...asArray(route.preValidation)];
      if (cooperativeScoped && inputReferences) route.preHandler = [resolveReferences, ...asArray(route.preHandler)];
    }
  });
}

/** The roles a row grants, in words. */
function whoMayText(right: Right): string {
  const granted = CALLER_ROLES.filter((role) => right.grants[role] !== undefined).map((role) =>
    right.grants[role] === 'own' ? `${role} (own)` : role,
  );
  return granted.length > 0 ? granted.join(', ') : 'nobody';
}

/** The caller as resolved for this request. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw forbidden('This route needs a caller known to the cooperative');
  return request.caller;
}

export function hasRole(caller: Caller, ...roles: CallerRole[]): boolean {
  return caller.roles.some((role) => roles.includes(role));
}

/** The offices a cooperative appoints members to: each a column of the rights table. */
export type OfficeRole = Extract<CallerRole, 'chair' | 'secretary' | 'treasurer' | 'board-member'>;
export const ANY_OFFICE: readonly OfficeRole[] = ['chair', 'secretary', 'treasurer', 'board-member'];

/** Whether the caller holds one of the offices now (an admin counts as holding every one). */
export function holdsOffice(caller: Caller, ...offices: readonly OfficeRole[]): boolean {
  return hasRole(caller, 'admin', ...offices);
}

export function requireOffice(caller: Caller, ...offices: readonly OfficeRole[]): void {
  if (!holdsOffice(caller, ...offices)) throw forbidden(`Only the ${offices.join(' or ')} (or an admin) may do this`);
}

export const accessPlugin = fp(access, { name: 'meent-access', fastify: '5.x', dependencies: ['meent-auth'] });
