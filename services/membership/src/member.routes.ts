import { MAX_AMOUNT_CENTS, type KeyStore, type ServiceRuntime, type StoredEvent } from '@meent/eventsourcing';
import {
  BEARER_SECURITY,
  callerOf,
  commandAcceptedSchema,
  commandOriginOf,
  cooperativeParams,
  CsvTable,
  cursorCodec,
  csvOptionsQuery,
  UTF8_BOM,
  forbidden,
  holdsOffice,
  minPositionQuery,
  nextCursorSchema,
  notFound,
  pointInTime,
  pointInTimeQuery,
  problemResponses,
  readAfter,
  reference,
  type Caller,
} from '@meent/http';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { personalDataView } from './application/access.js';
import { MembershipCommands } from './application/member.js';
import { membershipKindSchema, NOTICE_LANGUAGES, type CooperativeRules } from './domain/cooperative-rules.js';
import { cooperativeAggregate, officesOf } from './domain/cooperative.decider.js';
import { memberAggregate, memberStream, type MemberCommand } from './domain/member.decider.js';
import { TERMINATION_KINDS } from './domain/member.events.js';
import { personalDataSchema, type PersonalData } from './domain/personal-data.js';
import {
  REGISTER_STATUSES,
  registerEntry,
  registerPage,
  registerRows,
  statusCounts,
  type MemberRegisterProjection,
  type RegisterCursor,
  type RegisterEntry,
} from './projections/member-register.projection.js';

export const memberParams = cooperativeParams.extend({ memberId: reference('member') });

/** A page's cursor: its last member's place in the register's order (nameless, name, id). */
const registerCursor = cursorCodec(z.tuple([z.union([z.literal(0), z.literal(1)]), z.string().max(1000), z.uuid()]), 'this register');

const registerQuery = pointInTimeQuery.extend({
  status: z.enum(REGISTER_STATUSES).optional(),
  name: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().nonnegative().default(0),
  after: registerCursor.query,
});

const placeInRegister = ([nameless, sortName, id]: [0 | 1, string, string]): RegisterCursor => ({ nameless, sortName, id });

const reasonBody = z.strictObject({ reason: z.string().trim().min(1).max(2000) });
const terminationBody = z.strictObject({
  kind: z.enum(TERMINATION_KINDS),
  reason: z.string().trim().min(1).max(2000).optional(),
  /**
   * A death: membership ends at the start of this day (UTC); without it, at once. A resignation has no date of its own:
   * it ends the membership when the financial year does, after the statutes' notice (BW 2:36 lid 2); nor has an
   * expulsion: it takes effect when its appeal term has run, or when the assembly confirms it (BW 2:35 lid 4).
   */
  effectiveDate: z.iso.date().optional(),
});

/** The termination a request asks for, under the statutes' terms for a resignation and for an expulsion's appeal. */
const terminationOf = (body: z.infer<typeof terminationBody>, rules: CooperativeRules, now: Date): MemberTransition => ({
  type: 'TerminateMembership',
  kind: body.kind,
  reason: body.reason ?? null,
  effectiveAt: body.effectiveDate ? `${body.effectiveDate}T00:00:00.000Z` : null,
  resignation: rules,
  expulsionAppealMonths: rules.expulsionAppealMonths,
  now,
});
const detailsBody = personalDataSchema.partial().refine((changes) => Object.keys(changes).length > 0, {
  message: 'name at least one detail to change',
});

const personalDataOut = z.object({
  name: z.string().nullable(),
  email: z.string().nullable(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  /** Null: written to in the cooperative's language. */
  language: z.enum(NOTICE_LANGUAGES).nullable().optional(),
});
const memberSummary = z
  .object({
    id: z.uuid(),
    status: z.enum(REGISTER_STATUSES),
    erased: z.boolean(),
    registeredAt: z.string(),
    personalData: personalDataOut.partial().nullable(),
  })
  .meta({ id: 'RegisterEntry' });
const historyEntry = z.object({
  type: z.string(),
  position: z.number(),
  occurredAt: z.string(),
  actor: z.string(),
  details: z.record(z.string(), z.unknown()),
});
const memberRecord = memberSummary
  .extend({ offices: z.array(z.string()), history: z.array(historyEntry) })
  .meta({ id: 'MemberRecord' });

const registerPageSchema = z.object({
  asOf: z.string(),
  asOfPosition: z.int().optional(),
  total: z.int(),
  limit: z.int(),
  offset: z.int(),
  members: z.array(memberSummary),
  nextCursor: nextCursorSchema,
});

const problems = problemResponses(400, 401, 403, 404);
const readProblems = problemResponses(400, 401, 403, 404, 503);
const commandProblems = problemResponses(400, 401, 403, 404, 409, 422);
const accepted = { 200: commandAcceptedSchema, ...commandProblems };

const ERASED = '(erased)';

function visiblePersonalData(entry: RegisterEntry, view: 'full' | 'name' | 'none') {
  if (view === 'none') return null;
  if (entry.erased) return { name: ERASED, email: null, address: null, phone: null };
  if (view === 'name') return { name: entry.name };
  return { name: entry.name, email: entry.email, address: entry.address, phone: entry.phone };
}

/** What a history line shows: the facts of the event, never the encrypted envelope or the e-mail's blind index. */
function historyOf(events: readonly StoredEvent[]) {
  return events.map((event) => {
    const { personalData: _personalData, emailClaim: _emailClaim, ...details } = event.data as Record<string, unknown>;
    return {
      type: event.type,
      position: event.position,
      occurredAt: event.metadata.occurredAt,
      actor: event.metadata.actor.id,
      details,
    };
  });
}

type MemberTransition = Extract<
  MemberCommand,
  {
    type:
      | 'AdmitMember'
      | 'RejectApplication'
      | 'AssignMembershipKind'
      | 'RecordTurnover'
      | 'SuspendMember'
      | 'ReinstateMember'
      | 'TerminateMembership'
      | 'AppealExpulsion';
  }
>;

/** What a member may do on their own record: resign, and appeal their expulsion. */
const isOwnAct = (transition: MemberTransition) =>
  (transition.type === 'TerminateMembership' && transition.kind === 'resigned') || transition.type === 'AppealExpulsion';

/** The secretary registers anyone under a new id; anyone else applies for themselves, under their token's subject. */
async function registrant(
  runtime: ServiceRuntime,
  membership: MembershipCommands,
  caller: Caller,
): Promise<{ memberId: string; channel: 'secretary' | 'self-application' }> {
  if (holdsOffice(caller, 'secretary')) return { memberId: runtime.newId(), channel: 'secretary' };
  if (!z.uuid().safeParse(caller.subject).success) throw forbidden('Only the secretary registers members');
  if ((await membership.member(caller.subject)).status !== 'Unregistered') throw forbidden('Only the secretary registers other members');
  return { memberId: caller.subject, channel: 'self-application' };
}

/** Registration and admission, suspension, termination: the secretary's (the chair's for suspension); a member's own
 * application, resignation and appeal. */
export function memberCommandRoutes(keys: KeyStore): FastifyPluginAsync<ServiceRuntime> {
  return async (plain, runtime) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const membership = new MembershipCommands(runtime, keys);
    const members = runtime.aggregate(memberAggregate);
    const cooperatives = runtime.aggregate(cooperativeAggregate);

    app.post(
      '/cooperatives/:cooperativeId/members',
      {
        schema: {
          tags: ['membership'],
          summary: 'Register a member (secretary), or apply for membership yourself where the rules allow',
          description:
            'A caller holding no membership yet applies with their own token subject as member id; the secretary registers anyone.',
          security: BEARER_SECURITY,
          params: cooperativeParams,
          body: personalDataSchema,
          response: { 201: commandAcceptedSchema, ...commandProblems },
        },
      },
      async (request, reply) => {
        const { cooperativeId } = request.params;
        const { memberId, channel } = await registrant(runtime, membership, callerOf(request));
        const result = await membership.register(cooperativeId, memberId, request.body, channel, commandOriginOf(request, cooperativeId));
        return reply
          .code(201)
          .header('location', `/cooperatives/${cooperativeId}/members/${memberId}`)
          .send({ id: memberId, position: result.position });
      },
    );

    /** A state change on one member; the body, when there is one, arrives already validated by its schema. */
    const transition = <Body>(
      path: string,
      summary: string,
      body: z.ZodType<Body> | undefined,
      command: (body: Body, now: Date, cooperativeId: string) => MemberTransition | Promise<MemberTransition>,
    ) =>
      app.post(
        `/cooperatives/:cooperativeId/members/:memberId/${path}`,
        {
          schema: {
            tags: ['membership'],
            summary,
            security: BEARER_SECURITY,
            params: memberParams,
            ...(body ? { body } : {}),
            response: accepted,
          },
        },
        async (request) => {
          const { cooperativeId, memberId } = request.params;
          const { id, position } = await members.handle(commandOriginOf(request, cooperativeId), memberId, async (_member, now) => {
            const built = await command(request.body as Body, now, cooperativeId);
            // On their own record a member may only resign or appeal; the rights table lets them no further.
            if (request.reach === 'own' && !isOwnAct(built)) {
              throw forbidden('A member may only resign their own membership, or appeal their expulsion');
            }
            return built;
          });
          return { id, position };
        },
      );

    transition('admission', 'Admit an applicant (secretary)', undefined, (_body, now) => ({
      type: 'AdmitMember',
      now,
    }));
    transition('rejection', 'Reject an application, with the reason (secretary)', reasonBody, ({ reason }, now) => ({
      type: 'RejectApplication',
      reason,
      now,
    }));
    transition('suspension', 'Suspend a member, with the reason (secretary or chair)', reasonBody, ({ reason }, now) => ({
      type: 'SuspendMember',
      reason,
      now,
    }));
    transition('reinstatement', 'Reinstate a suspended member (secretary or chair)', undefined, (_body, now) => ({
      type: 'ReinstateMember',
      now,
    }));
    transition(
      'termination',
      'End a membership: resigned (the member or the secretary; at the end of the financial year after the notice), expelled with reason (suspended until the appeal term has run), deceased',
      terminationBody,
      async (body, now, cooperativeId) => terminationOf(body, (await cooperatives.load(cooperativeId, cooperativeId)).rules, now),
    );
    transition(
      'membership-kind',
      "Record a member's kind of membership, which gives them the votes the statutes set for it (BW 2:38 lid 1) (secretary)",
      z.strictObject({ kind: membershipKindSchema.nullable() }),
      async ({ kind }, now, cooperativeId) => {
        const { rules } = await cooperatives.load(cooperativeId, cooperativeId);
        return { type: 'AssignMembershipKind', kind, kindsInStatutes: Object.keys(rules.votesByMembershipKind), now };
      },
    );
    transition(
      'turnover',
      "Record a member's turnover with the cooperative in a financial year, which the statutes may count votes by (BW 2:38 lid 1) (treasurer)",
      z.strictObject({ financialYear: z.int().min(2000).max(2200), turnoverCents: z.int().nonnegative().max(MAX_AMOUNT_CENTS) }),
      (body, now) => ({ type: 'RecordTurnover', ...body, now }),
    );
    transition(
      'appeal',
      "Appeal an expulsion to the general assembly within the statutes' term (the expelled member, or the secretary for them)",
      undefined,
      (_body, now) => ({ type: 'AppealExpulsion', now }),
    );
  };
}

/** The register as the officers read it, now or as of any date and position; counts for every member. */
export function registerRoutes(register: MemberRegisterProjection): FastifyPluginAsync<ServiceRuntime> {
  return async (plain, runtime) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/cooperatives/:cooperativeId/members',
      {
        schema: {
          tags: ['membership'],
          summary: 'The register, now or as of a date, optionally as recorded up to a position (officers)',
          security: BEARER_SECURITY,
          params: cooperativeParams,
          querystring: registerQuery,
          response: { 200: registerPageSchema, ...readProblems },
        },
      },
      async (request) => {
        const { cooperativeId } = request.params;
        const caller = callerOf(request);
        const { minPosition, asOf = runtime.clock().toISOString(), asOfPosition, status, name, limit, offset, after } = request.query;
        const cursor = after === undefined ? undefined : placeInRegister(registerCursor.decode(after));
        await readAfter(runtime, register, minPosition, asOfPosition);
        const page = await runtime.projections.query(register, (reader, tables) =>
          registerPage(reader, tables, {
            cooperativeId,
            ...pointInTime({ asOfPosition }),
            asOf,
            limit,
            offset,
            ...(status ? { status } : {}),
            ...(name ? { name } : {}),
            ...(cursor ? { after: cursor } : {}),
          }),
        );
        const view = holdsOffice(caller, 'secretary') ? 'full' : 'name';
        return {
          asOf,
          ...pointInTime({ asOfPosition }),
          total: page.total,
          limit,
          offset,
          members: page.members.map((entry) => ({
            id: entry.id,
            status: entry.status,
            erased: entry.erased,
            registeredAt: entry.registeredAt,
            personalData: visiblePersonalData(entry, view),
          })),
          nextCursor: page.next ? registerCursor.encode([page.next.nameless, page.next.sortName, page.next.id]) : null,
        };
      },
    );

    app.get(
      '/cooperatives/:cooperativeId/members/counts',
      {
        schema: {
          tags: ['membership'],
          summary: 'How many members per status, now or as of a date (any member)',
          security: BEARER_SECURITY,
          params: cooperativeParams,
          querystring: pointInTimeQuery,
          response: {
            200: z.object({ asOf: z.string(), asOfPosition: z.int().optional(), counts: z.object(Object.fromEntries(REGISTER_STATUSES.map((status) => [status, z.int()])) as Record<(typeof REGISTER_STATUSES)[number], z.ZodInt>) }),
            ...readProblems,
          },
        },
      },
      async (request) => {
        const { cooperativeId } = request.params;
        const { minPosition, asOf = runtime.clock().toISOString(), asOfPosition } = request.query;
        await readAfter(runtime, register, minPosition, asOfPosition);
        const counts = await runtime.projections.query(register, (reader, tables) =>
          statusCounts(reader, tables, { cooperativeId, ...pointInTime({ asOfPosition }), asOf }),
        );
        return { asOf, ...pointInTime({ asOfPosition }), counts };
      },
    );

    app.get(
      '/cooperatives/:cooperativeId/members/export.csv',
      {
        schema: {
          tags: ['membership'],
          summary: 'The register as CSV, now or as of a date (secretary)',
          security: BEARER_SECURITY,
          params: cooperativeParams,
          querystring: pointInTimeQuery.extend(csvOptionsQuery.shape),
          produces: ['text/csv'],
          response: { 200: z.string().meta({ description: 'CSV, one member a row' }), ...readProblems },
        },
      },
      async (request, reply) => {
        const { cooperativeId } = request.params;
        const { minPosition, asOf = runtime.clock().toISOString(), asOfPosition, separator, amounts } = request.query;
        await readAfter(runtime, register, minPosition, asOfPosition);
        const table = new CsvTable(['member_id', 'status', 'name', 'email', 'address', 'phone', 'registered_at'], { separator, amounts });
        const lines = [UTF8_BOM, table.header()];
        await runtime.projections.query(register, async (reader, tables) => {
          const moment = { cooperativeId, ...pointInTime({ asOfPosition }), asOf };
          for await (const entry of registerRows(reader, tables, moment)) {
            const shown = visiblePersonalData(entry, 'full');
            lines.push(
              table.line([entry.id, entry.status, shown?.name ?? null, shown?.email ?? null, shown?.address ?? null, shown?.phone ?? null, entry.registeredAt]),
            );
          }
        });
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="register-${asOf.slice(0, 10)}.csv"`)
          .send(lines.join(''));
      },
    );

  };
}

/** One member's record with their history: for the officers and themselves. */
export function memberRecordRoutes(register: MemberRegisterProjection): FastifyPluginAsync<ServiceRuntime> {
  return async (plain, runtime) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const cooperatives = runtime.aggregate(cooperativeAggregate);

    app.get(
      '/cooperatives/:cooperativeId/members/:memberId',
      {
        schema: {
          tags: ['membership'],
          summary: 'A member with their full history; personal data only for themselves, the secretary or an admin',
          security: BEARER_SECURITY,
          params: memberParams,
          querystring: minPositionQuery,
          response: { 200: memberRecord, ...readProblems },
        },
      },
      async (request) => {
        const { cooperativeId, memberId } = request.params;
        const caller = callerOf(request);
        await readAfter(runtime, register, request.query.minPosition);
        const entry = await runtime.projections.query(register, (reader, tables) =>
          registerEntry(reader, tables, cooperativeId, memberId, runtime.clock().toISOString()),
        );
        if (!entry) throw notFound(`No member ${memberId} in this cooperative`);
        const events: StoredEvent[] = [];
        for await (const event of runtime.commands.read(memberStream(memberId))) events.push(event);
        const cooperative = await cooperatives.load(cooperativeId, cooperativeId);
        return {
          id: entry.id,
          status: entry.status,
          erased: entry.erased,
          registeredAt: entry.registeredAt,
          personalData: visiblePersonalData(entry, personalDataView(caller, memberId)),
          offices: officesOf(cooperative, memberId),
          history: historyOf(events),
        };
      },
    );
  };
}

/** A member's personal data: changed by themselves or the secretary, shown in full to them (GDPR art. 15), erased
 * once they have left (art. 17). */
export function personalDataRoutes(keys: KeyStore): FastifyPluginAsync<ServiceRuntime> {
  return async (plain, runtime) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const membership = new MembershipCommands(runtime, keys);
    const cooperatives = runtime.aggregate(cooperativeAggregate);

    app.post(
      '/cooperatives/:cooperativeId/members/:memberId/details',
      {
        schema: {
          tags: ['membership'],
          summary: 'Change a member’s name, e-mail, address or phone (the member, or the secretary)',
          security: BEARER_SECURITY,
          params: memberParams,
          body: detailsBody,
          response: accepted,
        },
      },
      async (request) => {
        const { cooperativeId, memberId } = request.params;
        const changes = Object.fromEntries(
          Object.entries(request.body).filter(([, value]) => value !== undefined),
        ) as Partial<PersonalData>;
        const result = await membership.changeDetails(cooperativeId, memberId, changes, commandOriginOf(request, cooperativeId));
        return { id: memberId, position: result.position };
      },
    );

    app.post(
      '/cooperatives/:cooperativeId/members/:memberId/erasure',
      {
        schema: {
          tags: ['membership'],
          summary: 'Erase a former member’s personal data (GDPR art. 17; secretary)',
          description:
            'Destroys the member’s key: the events stay, the person disappears from every read model, export and answer.',
          security: BEARER_SECURITY,
          params: memberParams,
          response: accepted,
        },
      },
      async (request) => {
        const { cooperativeId, memberId } = request.params;
        const result = await membership.erase(memberId, commandOriginOf(request, cooperativeId));
        return { id: memberId, position: result.position };
      },
    );

    app.get(
      '/cooperatives/:cooperativeId/members/:memberId/personal-data',
      {
        schema: {
          tags: ['membership'],
          summary: 'Everything held about a member (GDPR art. 15; the member, or the secretary)',
          security: BEARER_SECURITY,
          params: memberParams,
          response: {
            200: z.object({
              memberId: z.uuid(),
              cooperativeId: z.uuid(),
              personalData: personalDataOut.nullable(),
              erasedAt: z.string().nullable(),
              offices: z.array(z.string()),
              events: z.array(historyEntry),
              processing: z.string(),
            }),
            ...problems,
          },
        },
      },
      async (request) => {
        const { cooperativeId, memberId } = request.params;
        const events: StoredEvent[] = [];
        for await (const event of runtime.commands.read(memberStream(memberId))) events.push(event);
        const cooperative = await cooperatives.load(cooperativeId, cooperativeId);
        return {
          memberId,
          cooperativeId,
          personalData: (await membership.personalData(memberId)) ?? null,
          erasedAt: (await keys.destroyedAt(memberId)) ?? null,
          offices: officesOf(cooperative, memberId),
          events: historyOf(events),
          processing:
            'Held to keep the member register the statutes require. Name, e-mail, address and phone are stored only ' +
            'encrypted under a key of this member; erasure destroys the key. The events (dates, statuses, offices) stay ' +
            'for the cooperative’s records and cannot be linked to the person once the key is gone.',
        };
      },
    );
  };
}
