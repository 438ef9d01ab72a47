import type { KeyStore, ServiceRuntime } from '@meent/eventsourcing';
import {
  ANY_OFFICE,
  BEARER_SECURITY,
  callerOf,
  commandAcceptedSchema,
  commandOriginOf,
  cooperativeParams,
  cursorCodec,
  holdsOffice,
  minPositionQuery,
  nextCursorSchema,
  notFound,
  problemResponses,
  readAfter,
  readEverything,
  reference,
} from '@meent/http';
import { CONFLICT_GROUNDS, DECISION_TYPES } from '@meent/membership/events';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { closeMeeting, convene } from './application/assembly.js';
import { MotionCommands } from './application/motion.js';
import { assemblyAggregate, type AssemblyCommand } from './domain/assembly.decider.js';
import { venueSchema } from './domain/assembly.events.js';
import { BALLOTS, recusalSchema } from './domain/motion.events.js';
import {
  activeProxies,
  assembliesOf,
  assembliesProjection,
  assemblyOverview,
  assemblySummary,
  assemblySummarySchema,
  rollEntry,
} from './projections/assemblies.projection.js';
import { subjectInput } from './subject-input.js';
import { motionViewSchema, motionsOfAssembly, motionsProjection, turnoutEntrySchema, turnoutOf } from './projections/motions.projection.js';

const assemblyParams = cooperativeParams.extend({ assemblyId: reference('assembly') });
const voterParams = assemblyParams.extend({ memberId: reference('member') });
const accepted = { 200: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };
const created = { 201: commandAcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 422, 503) };
const readProblems = problemResponses(400, 401, 403, 404, 503);
const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

const conveneBody = z.strictObject({
  title: z.string().trim().min(1).max(200),
  scheduledAt: instant,
  venue: venueSchema,
  /** Defaults to now: the members eligible at this moment make up the voter roll. */
  recordDate: instant.optional(),
  announcesStatuteAmendment: z.boolean().default(false),
  requestId: reference('assembly-request').optional(),
});

const tableBody = z.strictObject({
  title: z.string().trim().min(1).max(200),
  text: z.string().trim().min(1).max(50_000),
  decisionType: z.enum(DECISION_TYPES).default('ordinary'),
  ballot: z.enum(BALLOTS).default('open'),
  subject: subjectInput.optional(),
  /** Each for a conflict of interest the statutes name (BW 2:12); an initiative's applicant is recused without naming. */
  recused: z.array(recusalSchema.extend({ memberId: reference('member'), ground: z.enum(CONFLICT_GROUNDS) })).max(1000).default([]),
  /** A statute amendment that missed its quorum at a first meeting (BW 2:42). */
  repeatsMotionId: reference('motion').optional(),
});

const overviewSchema = assemblySummarySchema
  .extend({
    agenda: z.array(
      z.object({
        number: z.int(),
        title: z.string(),
        /** The report the item puts before the assembly, pinned at a log position; `href` opens it as a printable page. */
        document: z.object({ kind: z.literal('impact-report'), year: z.int(), asOfPosition: z.int(), href: z.string() }).nullable(),
      }),
    ),
    attendance: z.array(z.object({ memberId: z.uuid(), recordedAt: z.string() })),
    presentWeight: z.int(),
    /** The proxies in force; a member who holds no office sees only their own. */
    proxies: z.array(z.object({ grantorId: z.uuid(), holderId: z.uuid(), grantedAt: z.string() })),
    motions: z.array(motionViewSchema.pick({ id: true, title: true, decisionType: true, ballot: true, status: true, round: true })),
    /** Each convocation sent, with the agenda items and motions it carried: the record that notice was given. */
    convocations: z.array(z.object({ sentAt: z.string(), recipients: z.int(), agendaItems: z.int(), motions: z.int() })),
  })
  .meta({ id: 'AssemblyOverview' });

/** What a command on the assembly answers: its id and the position to read after. */
const accept = async (result: Promise<{ id: string; position: number }>) => {
  const { id, position } = await result;
  return { id, position };
};

/** Convening (secretary or chair), the agenda, and the proxies members grant each other. */
export const assemblyConveningRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();
  const assemblies = runtime.aggregate(assemblyAggregate);

  app.post(
    '/cooperatives/:cooperativeId/assemblies',
    {
      schema: {
        tags: ['voting'],
        summary: 'Convene a general assembly and fix its voter roll (secretary or chair; requesters of a demanded one the board left unconvened for 14 days)',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        body: conveneBody,
        response: created,
      },
    },
    async (request, reply) => {
      const { cooperativeId } = request.params;
      const { requestId, ...convocation } = request.body;
      const caller = callerOf(request);
      const convener = holdsOffice(caller, 'secretary', 'chair') ? { kind: 'board' as const } : { kind: 'requester' as const, memberId: caller.subject };
      const convened = await convene(runtime, commandOriginOf(request, cooperativeId), { ...convocation, requestId: requestId ?? null }, convener);
      return reply.code(201).send(convened);
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/assemblies/:assemblyId/agenda',
    {
      schema: {
        tags: ['voting'],
        summary: 'Add an item to the agenda, with the annual impact report of a year attached if it puts one before the assembly (secretary or chair)',
        security: BEARER_SECURITY,
        params: assemblyParams,
        body: z.strictObject({
          title: z.string().trim().min(1).max(500),
          /** The report as it stands when the item is added, or at `asOfPosition`: every member reads the same figures. */
          document: z
            .strictObject({ kind: z.literal('impact-report'), year: z.int().min(2000).max(2200), asOfPosition: z.int().nonnegative().optional() })
            .optional(),
        }),
        response: accepted,
      },
    },
    async (request) => {
      const { cooperativeId, assemblyId } = request.params;
      return accept(
        assemblies.handle(commandOriginOf(request, cooperativeId), assemblyId, (_assembly, now) => {
          const { title, document } = request.body;
          return { type: 'AddAgendaItem', title, ...(document ? { document: { ...document, asOfPosition: document.asOfPosition ?? null } } : {}), now };
        }),
      );
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/assemblies/:assemblyId/convocation',
    {
      schema: {
        tags: ['voting'],
        summary: 'Send the convocation: the agenda and the motions tabled so far go to everyone on the roll, and notice runs from now (secretary or chair)',
        security: BEARER_SECURITY,
        params: assemblyParams,
        response: accepted,
      },
    },
    async (request) => {
      const { cooperativeId, assemblyId } = request.params;
      await readEverything(runtime, motionsProjection);
      const tabled = await runtime.projections.query(motionsProjection, (reader, tables) => motionsOfAssembly(reader, tables, assemblyId));
      const motions = tabled.map(({ id, title, text, decisionType }) => ({ motionId: id, title, text, decisionType }));
      return accept(assemblies.handle(commandOriginOf(request, cooperativeId), assemblyId, (_assembly, now) => ({ type: 'SendConvocation', motions, now })));
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/assemblies/:assemblyId/proxies',
    {
      schema: {
        tags: ['voting'],
        summary: 'Grant another voter your proxy for this assembly (a voter on the roll)',
        security: BEARER_SECURITY,
        params: assemblyParams,
        body: z.strictObject({ holderId: reference('member') }),
        response: accepted,
      },
    },
    async (request) => {
      const { cooperativeId, assemblyId } = request.params;
      const grantorId = callerOf(request).subject;
      return accept(assemblies.handle(commandOriginOf(request, cooperativeId), assemblyId, (_assembly, now) => ({
        type: 'GrantProxy',
        grantorId,
        holderId: request.body.holderId,
        now,
      })));
    },
  );

  app.post(
    '/cooperatives/:cooperativeId/assemblies/:assemblyId/proxies/revocation',
    {
      schema: {
        tags: ['voting'],
        summary: 'Revoke the proxy you granted for this assembly',
        security: BEARER_SECURITY,
        params: assemblyParams,
        response: accepted,
      },
    },
    async (request) => {
      const { cooperativeId, assemblyId } = request.params;
      const grantorId = callerOf(request).subject;
      return accept(assemblies.handle(commandOriginOf(request, cooperativeId), assemblyId, (_assembly, now) => ({ type: 'RevokeProxy', grantorId, now })));
    },
  );
};

/** The assemblies as every member reads them; a voter's own place on the roll, proxies and votes. */
/** A page's cursor: its last assembly's place in the list (scheduled, id), latest first. */
const assemblyCursor = cursorCodec(z.tuple([z.string().max(40), z.uuid()]), 'this list of assemblies');

export const assemblyReadRoutes: FastifyPluginAsync<ServiceRuntime> = async (plain, runtime) => {
  const app = plain.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/cooperatives/:cooperativeId/assemblies',
    {
      schema: {
        tags: ['voting'],
        summary: 'The assemblies of the cooperative, latest first (any member)',
        security: BEARER_SECURITY,
        params: cooperativeParams,
        querystring: minPositionQuery.extend({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          after: assemblyCursor.query,
        }),
        response: { 200: z.object({ assemblies: z.array(assemblySummarySchema), nextCursor: nextCursorSchema }), ...readProblems },
      },
    },
    async (request) => {
      const { cooperativeId } = request.params;
      const { minPosition, limit, after } = request.query;
      const start = after === undefined ? undefined : assemblyCursor.decode(after);
      await readAfter(runtime, assembliesProjection, minPosition);
      // One row more than the page: whether there is a next page is known without asking for an empty one.
      const found = await runtime.projections.query(assembliesProjection, (reader, tables) =>
        assembliesOf(reader, tables, cooperativeId, { limit: limit + 1, after: start }),
      );
      const assemblies = found.slice(0, limit);
      const last = assemblies.at(-1);
      return { assemblies, nextCursor: last && found.length > limit ? assemblyCursor.encode([last.scheduledAt, last.id]) : null };
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/assemblies/:assemblyId',
    {
      schema: {
        tags: ['voting'],
        summary: 'An assembly: agenda, roll size, attendance, proxies, motions and the convocations sent (any member)',
        security: BEARER_SECURITY,
        params: assemblyParams,
        querystring: minPositionQuery,
        response: { 200: overviewSchema, ...readProblems },
      },
    },
    async (request) => {
      const { cooperativeId, assemblyId } = request.params;
      const caller = callerOf(request);
      await readAfter(runtime, assembliesProjection, request.query.minPosition);
      await readAfter(runtime, motionsProjection, request.query.minPosition);
      const overview = await runtime.projections.query(assembliesProjection, (reader, tables) =>
        assemblyOverview(reader, tables, cooperativeId, assemblyId),
      );
      if (!overview) throw notFound(`No assembly ${assemblyId}`);
      const tabled = await runtime.projections.query(motionsProjection, (reader, tables) =>
        motionsOfAssembly(reader, tables, assemblyId),
      );
      const officer = holdsOffice(caller, ...ANY_OFFICE);
      return {
        ...overview,
        proxies: officer
          ? overview.proxies
          : overview.proxies.filter((proxy) => proxy.grantorId === caller.subject || proxy.holderId === caller.subject),
        motions: tabled.map(({ id, title, decisionType, ballot, status, round }) => ({ id, title, decisionType, ballot, status, round })),
      };
    },
  );

  app.get(
    '/cooperatives/:cooperativeId/assemblies/:assemblyId/voters/:memberId',
    {
      schema: {
        tags: ['voting'],
        summary: "A voter's place on the roll, their proxies and votes (the member, the secretary or the chair)",
        description: 'On a secret motion only whether and through whom the member voted is shown, never how.',
        security: BEARER_SECURITY,
        params: voterParams,
        querystring: minPositionQuery,
        response: {
          200: z.object({
            memberId: z.uuid(),
            onRoll: z.boolean(),
            weight: z.int(),
            proxies: z.array(z.object({ grantorId: z.uuid(), holderId: z.uuid(), grantedAt: z.string() })),
            votes: z.array(
              z.object({ motionId: z.uuid(), title: z.string(), ballot: z.enum(BALLOTS), round: z.int(), vote: turnoutEntrySchema.nullable() }),
            ),
          }),
          ...readProblems,
        },
      },
    },
    async (request) => {
      const { cooperativeId, assemblyId, memberId } = request.params;
      await readAfter(runtime, assembliesProjection, request.query.minPosition);
      await readAfter(runtime, motionsProjection, request.query.minPosition);
      const standing = await runtime.projections.query(assembliesProjection, async (reader, tables) => ({
        summary: await assemblySummary(reader, tables, cooperativeId, assemblyId),
        roll: await rollEntry(reader, tables, assemblyId, memberId),
        proxies: await activeProxies(reader, tables, assemblyId, memberId),
      }));
      if (!standing.summary) throw notFound(`No assembly ${assemblyId}`);
      const votes = await runtime.projections.query(motionsProjection, async (reader, tables) => {
        const tabled = await motionsOfAssembly(reader, tables, assemblyId);
        return Promise.all(
          tabled.map(async (motion) => ({
            motionId: motion.id,
            title: motion.title,
            ballot: motion.ballot,
            round: motion.round,
            vote: (await turnoutOf(reader, tables, motion.id, motion.round, memberId))[0] ?? null,
          })),
        );
      });
      return { memberId, onRoll: standing.roll !== undefined, weight: standing.roll?.weight ?? 0, proxies: standing.proxies, votes };
    },
  );
};

/** The meeting itself, run by the secretary or chair: opening, attendance, motions tabled, closing or cancelling. */
export function meetingRoutes(keys: KeyStore): FastifyPluginAsync<ServiceRuntime> {
  return async (plain, runtime) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const assemblies = runtime.aggregate(assemblyAggregate);
    const motions = new MotionCommands(runtime, keys);

    const meetingStep = <Body extends z.ZodType>(
      path: string,
      summary: string,
      body: Body | null,
      command: (body: z.infer<Body>, now: Date, assemblyId: string) => AssemblyCommand | Promise<AssemblyCommand>,
    ) =>
      app.post(
        `/cooperatives/:cooperativeId/assemblies/:assemblyId/${path}`,
        {
          schema: {
            tags: ['voting'],
            summary,
            security: BEARER_SECURITY,
            params: assemblyParams,
            ...(body ? { body } : {}),
            response: accepted,
          },
        },
        async (request) => {
          const { cooperativeId, assemblyId } = request.params;
          return accept(assemblies.handle(commandOriginOf(request, cooperativeId), assemblyId, (_assembly, now) => command(request.body as z.infer<Body>, now, assemblyId)));
        },
      );

    meetingStep('opening', 'Open the meeting, at or after its scheduled time (secretary or chair)', null, (_, now) => ({
      type: 'OpenMeeting',
      now,
    }));
    meetingStep('attendance', 'Record a voter present in person (secretary or chair)', z.strictObject({ memberId: reference('member') }), (body, now) => ({
      type: 'RecordAttendance',
      memberId: body.memberId,
      now,
    }));
    meetingStep('closing', 'Close the meeting once no motion is being voted on (secretary or chair)', null, (_, now, assemblyId) =>
      closeMeeting(runtime, assemblyId, now),
    );
    meetingStep(
      'cancellation',
      'Cancel an assembly that has not begun (secretary or chair)',
      z.strictObject({ reason: z.string().trim().min(1).max(1000) }),
      (body, now) => ({ type: 'CancelAssembly', reason: body.reason, now }),
    );

    app.post(
      '/cooperatives/:cooperativeId/assemblies/:assemblyId/motions',
      {
        schema: {
          tags: ['voting'],
          summary: 'Table a motion on the assembly (secretary or chair)',
          description:
            "Its majority and quorum come from the rules in force when the assembly was convened. On a motion about an initiative, its applicant is recused.",
          security: BEARER_SECURITY,
          params: assemblyParams,
          body: tableBody,
          response: created,
        },
      },
      async (request, reply) => {
        const { cooperativeId, assemblyId } = request.params;
        const { subject, ...proposal } = request.body;
        return reply.code(201).send(await motions.table(commandOriginOf(request, cooperativeId), assemblyId, { ...proposal, subject: subject ?? null }));
      },
    );
  };
}
