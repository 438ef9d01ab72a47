import type { KeyStore, ServiceRuntime } from '@meent/eventsourcing';
import {
  BEARER_SECURITY,
  callerOf,
  commandAcceptedSchema,
  commandContextOf,
  minPositionQuery,
  notFound,
  problemResponses,
  reference,
} from '@meent/http';
import { DECISION_TYPES, cooperativeParams, holdsOffice, readAfter } from '@meent/membership';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readEverything } from './application/caught-up.js';
import { MotionCommands } from './application/motion-commands.js';
import { assemblyDecider, assemblyStream, type AssemblyCommand } from './domain/assembly.decider.js';
import { venueSchema } from './domain/assembly.events.js';
import { motionDecider, motionStream } from './domain/motion.decider.js';
import { BALLOTS, recusalSchema, subjectSchema } from './domain/motion.events.js';
import {
  activeProxies,
  assembliesOf,
  assembliesProjection,
  assemblyOverview,
  assemblySummary,
  assemblySummarySchema,
  rollEntry,
} from './projections/assemblies.projection.js';
import {
  motionViewSchema,
  motionsOfAssembly,
  motionsProjection,
  motionsStillVoting,
  turnoutEntrySchema,
  turnoutOf,
} from './projections/motions.projection.js';
import { applicantOf, initiativeApplicantsProjection } from './projections/initiative-applicants.projection.js';
import { eligibleAt, rulesOf, votingRegisterProjection } from './projections/voting-register.projection.js';

/** A motion's subject as a request names it: a budget or initiative of this cooperative, or the rules. */
const subjectInput = z.union([
  z.strictObject({ kind: z.literal('budget'), id: reference('budget') }),
  z.strictObject({ kind: z.literal('initiative'), id: reference('initiative') }),
  ...subjectSchema.options.filter((option) => option.shape.kind instanceof z.ZodLiteral),
]);

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
  recused: z.array(recusalSchema.extend({ memberId: reference('member') })).max(1000).default([]),
  /** A statute amendment that missed its quorum at a first meeting (BW 2:42). */
  repeatsMotionId: reference('motion').optional(),
});

const overviewSchema = assemblySummarySchema
  .extend({
    agenda: z.array(z.object({ number: z.int(), title: z.string() })),
    attendance: z.array(z.object({ memberId: z.uuid(), recordedAt: z.string() })),
    presentWeight: z.int(),
    /** The proxies in force; a member who holds no office sees only their own. */
    proxies: z.array(z.object({ grantorId: z.uuid(), holderId: z.uuid(), grantedAt: z.string() })),
    motions: z.array(motionViewSchema.pick({ id: true, title: true, decisionType: true, ballot: true, status: true, round: true })),
  })
  .meta({ id: 'AssemblyOverview' });

/** Convening, the agenda, proxies, the meeting itself: the secretary or chair runs it, members grant proxies. */
export function assemblyRoutes(keys: KeyStore): FastifyPluginAsync<ServiceRuntime> {
  return async (plain, runtime) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const motions = new MotionCommands(runtime, keys);

    const assemblyCommand = async (
      request: Parameters<typeof commandContextOf>[0],
      cooperativeId: string,
      assemblyId: string,
      command: (now: Date) => AssemblyCommand | Promise<AssemblyCommand>,
    ) => {
      await motions.assembly(cooperativeId, assemblyId);
      const now = runtime.clock();
      const result = await runtime.commands.handle(
        assemblyStream(assemblyId),
        assemblyDecider,
        await command(now),
        commandContextOf(request, cooperativeId, now),
      );
      return { id: assemblyId, position: result.position };
    };

    app.post(
      '/cooperatives/:cooperativeId/assemblies',
      {
        schema: {
          tags: ['voting'],
          summary: 'Convene a general assembly and fix its voter roll (secretary or chair)',
          security: BEARER_SECURITY,
          params: cooperativeParams,
          body: conveneBody,
          response: created,
        },
      },
      async (request, reply) => {
        const { cooperativeId } = request.params;
        // The roll must reflect every membership event on record, not whatever the projection has reached.
        await readEverything(runtime, votingRegisterProjection);
        const now = runtime.clock();
        const recordDate = request.body.recordDate ?? now.toISOString();
        const { rules, eligibleVoters } = await runtime.projections.query(votingRegisterProjection, async (reader, tables) => ({
          rules: await rulesOf(reader, tables, cooperativeId),
          eligibleVoters: await eligibleAt(reader, tables, cooperativeId, recordDate),
        }));
        if (!rules) throw notFound(`No cooperative ${cooperativeId}`);
        const assemblyId = runtime.newId();
        const result = await runtime.commands.handle(
          assemblyStream(assemblyId),
          assemblyDecider,
          {
            type: 'ConveneAssembly',
            assemblyId,
            cooperativeId,
            title: request.body.title,
            scheduledAt: request.body.scheduledAt,
            venue: request.body.venue,
            recordDate,
            announcesStatuteAmendment: request.body.announcesStatuteAmendment,
            requestId: request.body.requestId ?? null,
            rules: rules.rules,
            rulesVersion: rules.version,
            eligibleVoters,
            now,
          },
          commandContextOf(request, cooperativeId, now),
        );
        return reply.code(201).send({ id: assemblyId, position: result.position });
      },
    );

    app.get(
      '/cooperatives/:cooperativeId/assemblies',
      {
        schema: {
          tags: ['voting'],
          summary: 'The assemblies of the cooperative, latest first (any member)',
          security: BEARER_SECURITY,
          params: cooperativeParams,
          querystring: minPositionQuery,
          response: { 200: z.object({ assemblies: z.array(assemblySummarySchema) }), ...readProblems },
        },
      },
      async (request) => {
        const { cooperativeId } = request.params;
        await readAfter(runtime, assembliesProjection, request.query.minPosition);
        const assemblies = await runtime.projections.query(assembliesProjection, (reader, tables) =>
          assembliesOf(reader, tables, cooperativeId),
        );
        return { assemblies };
      },
    );

    app.get(
      '/cooperatives/:cooperativeId/assemblies/:assemblyId',
      {
        schema: {
          tags: ['voting'],
          summary: 'An assembly: agenda, roll size, attendance, proxies and motions (any member)',
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
        const officer = holdsOffice(caller, 'chair', 'secretary', 'treasurer', 'board-member');
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

    app.post(
      '/cooperatives/:cooperativeId/assemblies/:assemblyId/agenda',
      {
        schema: {
          tags: ['voting'],
          summary: 'Add an item to the agenda (secretary or chair)',
          security: BEARER_SECURITY,
          params: assemblyParams,
          body: z.strictObject({ title: z.string().trim().min(1).max(500) }),
          response: accepted,
        },
      },
      async (request) => {
        const { cooperativeId, assemblyId } = request.params;
        return assemblyCommand(request, cooperativeId, assemblyId, (now) => ({ type: 'AddAgendaItem', title: request.body.title, now }));
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
        return assemblyCommand(request, cooperativeId, assemblyId, (now) => ({
          type: 'GrantProxy',
          grantorId,
          holderId: request.body.holderId,
          now,
        }));
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
        return assemblyCommand(request, cooperativeId, assemblyId, (now) => ({ type: 'RevokeProxy', grantorId, now }));
      },
    );

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
          return assemblyCommand(request, cooperativeId, assemblyId, (now) => command(request.body as z.infer<Body>, now, assemblyId));
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
    meetingStep('closing', 'Close the meeting once no motion is being voted on (secretary or chair)', null, async (_, now, assemblyId) => {
      await readEverything(runtime, motionsProjection);
      const stillVoting = await runtime.projections.query(motionsProjection, (reader, tables) =>
        motionsStillVoting(reader, tables, assemblyId),
      );
      return { type: 'CloseMeeting', motionsStillVoting: stillVoting, now };
    });
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
        const assembly = await motions.assembly(cooperativeId, assemblyId);
        const { repeatsMotionId } = request.body;
        let repeats = null;
        if (repeatsMotionId) {
          const first = await motions.motion(cooperativeId, repeatsMotionId);
          if (!first.decision) throw notFound(`Motion ${repeatsMotionId} has not been decided`);
          repeats = {
            motionId: repeatsMotionId,
            decisionType: first.decisionType,
            quorumMet: first.decision.quorumMet,
            decidedAt: first.decision.decidedAt,
          };
        }
        const recused = [...request.body.recused];
        const { subject } = request.body;
        if (subject?.kind === 'initiative') {
          await readEverything(runtime, initiativeApplicantsProjection);
          const applicant = await runtime.projections.query(initiativeApplicantsProjection, (reader, tables) =>
            applicantOf(reader, tables, subject.id),
          );
          if (applicant && !recused.some((recusal) => recusal.memberId === applicant)) {
            recused.push({ memberId: applicant, reason: 'applicant of the initiative' });
          }
        }
        const motionId = runtime.newId();
        const now = runtime.clock();
        const result = await runtime.commands.handle(
          motionStream(motionId),
          motionDecider,
          {
            type: 'TableMotion',
            motionId,
            assembly,
            title: request.body.title,
            text: request.body.text,
            decisionType: request.body.decisionType,
            ballot: request.body.ballot,
            subject: subject ?? null,
            recused,
            repeats,
            now,
          },
          commandContextOf(request, cooperativeId, now),
        );
        return reply.code(201).send({ id: motionId, position: result.position });
      },
    );
  };
}
