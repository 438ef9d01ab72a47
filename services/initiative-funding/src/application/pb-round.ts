// A participatory budgeting round's use cases beyond its stream: proposals submitted as initiatives, the roll fixed
// from the register, secret ballots under a pseudonym whose key is destroyed at closing, residents' voting codes, the
// lot's seed, and the round written as a pabulib file anyone can recount.
import { createHash, randomBytes } from 'node:crypto';
import { blindIndexId, type Accepted, type CommandOrigin, type KeyStore, type ServiceRuntime } from '@meent/eventsourcing';
import { notFound, readAfter, type Caller } from '@meent/http';
import { letterheadOf } from '@meent/membership/standing';
import { membersWithAVote } from '@meent/voting/standing';
import { initiativeAggregate } from '../domain/initiative.decider.js';
import type { Applicant, INITIATIVE_KINDS } from '../domain/initiative.events.js';
import { cooperativeThemes } from './initiative.js';
import { amountOf, pbDate, writePb } from '../domain/pabulib.js';
import { pbBallotKeySubject, pbRoundAggregate, type OpenRound, type PbRoundCommand } from '../domain/pb-round.decider.js';
import { pbError } from '../domain/errors.js';
import { ballotsOf, pbRoundsProjection, roundDetail } from '../projections/pb-rounds.projection.js';

/** A round command as a route states it: the moment is the pipeline's to add. */
export type PbRoundCommandBody = {
  [Type in PbRoundCommand['type']]: Omit<Extract<PbRoundCommand, { type: Type }>, 'now'>;
}[PbRoundCommand['type']];

export async function commandRound(
  runtime: ServiceRuntime,
  origin: CommandOrigin,
  roundId: string,
  command: (round: OpenRound) => PbRoundCommandBody | Promise<PbRoundCommandBody>,
): Promise<Accepted> {
  const { id, position } = await runtime.aggregate(pbRoundAggregate).handle(origin, roundId, async (round, now) => ({ ...(await command(round)), now }) as PbRoundCommand);
  return { id, position };
}

export interface ProposalInput {
  readonly title: string;
  readonly description: string;
  readonly requestedCents: number;
  readonly tranches: readonly { readonly amountCents: number; readonly milestone: string }[];
  readonly themes: readonly string[];
  readonly kind: (typeof INITIATIVE_KINDS)[number];
}

/**
 * A proposal is an initiative on the round's line, submitted while the round takes proposals; the round enters it
 * once it sees it (a reaction), judged by when it was submitted.
 */
export async function submitProposal(runtime: ServiceRuntime, origin: CommandOrigin, caller: Caller, roundId: string, applicant: Applicant, input: ProposalInput): Promise<Accepted> {
  const round = await runtime.aggregate(pbRoundAggregate).load(origin.cooperativeId, roundId);
  if (round.status !== 'Proposals') throw pbError('PB.WRONG_PHASE', { message: `The round is in its ${round.status} phase; proposals are closed` });
  const initiativeId = runtime.newId();
  const themes = await cooperativeThemes(runtime, origin.cooperativeId);
  const { id, position } = await runtime.aggregate(initiativeAggregate).append(origin, initiativeId, (now) => ({
    type: 'SubmitInitiative',
    initiativeId,
    cooperativeId: origin.cooperativeId,
    applicant,
    submittedBy: caller.subject,
    ...input,
    tranches: [...input.tranches],
    cooperativeThemes: themes,
    budgetId: round.budgetId,
    lineCode: round.lineCode,
    roundId,
    now,
  }));
  return { id, position };
}

/** Voting opens on the roll of members with a vote now, its record date; a secret round gets its ballot key first. */
export async function openVoting(runtime: ServiceRuntime, keys: KeyStore, origin: CommandOrigin, roundId: string, closesAt: Date): Promise<Accepted> {
  const roll = await membersWithAVote(runtime, origin.cooperativeId);
  return commandRound(runtime, origin, roundId, async (round) => {
    if (round.settings.ballot === 'secret') await keys.createKey(pbBallotKeySubject(roundId));
    return { type: 'OpenVoting', roll, closesAt, openedBy: origin.actor.id };
  });
}

/** A member's ballot: under their id on an open round, under a pseudonym only the round's key links on a secret one. */
export function castMemberBallot(runtime: ServiceRuntime, keys: KeyStore, origin: CommandOrigin, caller: Caller, roundId: string, approvals: readonly string[]): Promise<Accepted> {
  return commandRound(runtime, origin, roundId, async (round) => {
    let voter = caller.subject;
    if (round.settings.ballot === 'secret') {
      const key = await keys.key(pbBallotKeySubject(roundId));
      if (!key) throw pbError('PB.VOTING_CLOSED');
      voter = blindIndexId(key, caller.subject);
    }
    return { type: 'CastBallot', voter, voterKind: 'member', votingAs: caller.subject, approvals };
  });
}

/** A voting code: 16 characters a person can type, 80 bits; only its digest is kept. */
const codeDigest = (code: string) => createHash('sha256').update(code.replaceAll(/[\s-]/g, '').toUpperCase()).digest('hex');
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export async function registerResident(runtime: ServiceRuntime, origin: CommandOrigin, caller: Caller, roundId: string) {
  const residentId = runtime.newId();
  const code = [...randomBytes(16)].map((byte) => CODE_ALPHABET[byte % CODE_ALPHABET.length]).join('');
  const votingCode = code.match(/.{4}/g)!.join('-');
  const { position } = await commandRound(runtime, origin, roundId, () => ({ type: 'RegisterResident', residentId, codeDigest: codeDigest(code), registeredBy: caller.subject }));
  return { residentId, votingCode, position };
}

/** A resident votes with the code the secretary handed them; the code is their ballot's only link to them. */
export function castResidentBallot(runtime: ServiceRuntime, origin: CommandOrigin, roundId: string, code: string, approvals: readonly string[]): Promise<Accepted> {
  const digest = codeDigest(code);
  return commandRound(runtime, origin, roundId, (round) => {
    const resident = [...round.residents].find(([, registered]) => registered === digest)?.[0];
    if (!resident) throw pbError('PB.NOT_ON_ROLL', { message: 'This voting code is not one of this round' });
    return { type: 'CastBallot', voter: resident, voterKind: 'resident', votingAs: resident, approvals };
  });
}

/** Voting closes: the lot's seed is drawn, each eligible proposal is given the id its reservation takes should it win. */
export async function closeVoting(runtime: ServiceRuntime, keys: KeyStore, origin: CommandOrigin, roundId: string): Promise<Accepted> {
  const accepted = await commandRound(runtime, origin, roundId, (round) => ({
    type: 'CloseVoting',
    closedBy: origin.actor.id,
    lotSeed: randomBytes(16).toString('hex'),
    reservationIds: Object.fromEntries([...round.proposals.keys()].map((proposalId) => [proposalId, runtime.newId()])),
  }));
  // Once counted, nobody — the server included — can link a secret ballot to its member.
  await keys.destroyKey(pbBallotKeySubject(roundId));
  return accepted;
}

/**
 * The round as a pabulib file: its proposals, costs, the approvals of every ballot under a keyed pseudonym, and what
 * was selected. Only once decided, so no ballot is read while voting runs.
 */
export async function exportRound(runtime: ServiceRuntime, keys: KeyStore, cooperativeId: string, roundId: string, minPosition?: number): Promise<string> {
  await readAfter(runtime, pbRoundsProjection, minPosition);
  const { detail, ballots } = await runtime.projections.query(pbRoundsProjection, async (reader, tables) => ({
    detail: await roundDetail(reader, tables, cooperativeId, roundId),
    ballots: await ballotsOf(reader, tables, roundId),
  }));
  if (!detail) throw notFound(`No participatory budgeting round ${roundId}`);
  const result = detail.result as { rule: string; selected: { proposalId: string }[] } | null;
  if (!result || detail.round.phase !== 'decided') throw pbError('PB.WRONG_PHASE', { message: 'A round is exported once it is decided' });
  const eligible = detail.proposals.filter((proposal) => proposal.review?.eligible);
  const votes = new Map(eligible.map((proposal) => [proposal.proposalId, 0]));
  for (const ballot of ballots) for (const approval of ballot.approvals) votes.set(approval, (votes.get(approval) ?? 0) + 1);
  const selected = new Set(result.selected.map((winner) => winner.proposalId));
  const indexKey = await keys.indexKey();
  const letterhead = await letterheadOf(runtime.commands, cooperativeId);
  const { round } = detail;
  return writePb(
    {
      meta: {
        description: round.title,
        country: 'Netherlands',
        unit: letterhead?.name ?? cooperativeId,
        instance: round.openedAt.slice(0, 4),
        num_projects: `${eligible.length}`,
        num_votes: `${ballots.length}`,
        budget: amountOf(round.amountCents),
        vote_type: 'approval',
        rule: result.rule,
        date_begin: pbDate(round.voting?.recordDate ?? round.openedAt),
        date_end: pbDate(round.voting?.closesAt ?? round.openedAt),
        min_length: `${round.settings.minApprovals}`,
        max_length: `${round.settings.maxApprovals}`,
        currency: 'EUR',
      },
      projects: eligible.map((proposal) => ({
        project_id: proposal.proposalId,
        cost: amountOf(proposal.costCents),
        name: proposal.title,
        category: proposal.themes.join(','),
        votes: `${votes.get(proposal.proposalId) ?? 0}`,
        selected: selected.has(proposal.proposalId) ? '1' : '0',
      })),
      votes: ballots.map((ballot) => ({ voter_id: blindIndexId(indexKey, `pb:${roundId}:${ballot.voter}`), vote: ballot.approvals.join(',') })),
    },
    ['project_id', 'cost', 'votes', 'name', 'category', 'selected'],
    ['voter_id', 'vote'],
  );
}
