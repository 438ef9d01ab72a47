// Recounting a published participatory budget: a pabulib file in, the Method of Equal Shares' outcome out, beside greedy
// and the selection the file says was announced. Nothing is recorded: a sandbox, for anyone to check a city's result.
import { z } from 'zod';
import { equalShares, greedyByApprovals } from '../domain/equal-shares.js';
import { instanceOfPb, parsePb } from '../domain/pabulib.js';

const exactCentsSchema = z.object({ exact: z.string(), cents: z.int() });

export const sandboxOutcomeSchema = z
  .object({
    rule: z.enum(['equalshares/add1', 'equalshares/add1u']),
    budgetCents: z.int(),
    voters: z.int(),
    selected: z.array(z.string()),
    selectedByCompletion: z.array(z.string()),
    spentCents: z.int(),
    shares: z.object({ initial: exactCentsSchema, final: exactCentsSchema, passes: z.int(), capped: z.boolean() }),
    rounds: z.array(
      z.object({
        round: z.int(),
        projectId: z.string(),
        costCents: z.int(),
        effectiveVotes: z.string(),
        /** How many voters paid each amount. */
        payments: z.array(z.object({ paid: exactCentsSchema, voters: z.int() })),
      }),
    ),
    rejected: z.array(z.object({ projectId: z.string(), reason: z.looseObject({ kind: z.string() }) })),
    greedy: z.array(z.string()),
    /** The `selected` column of the file, if it has one; and whether the recount agrees with it. */
    published: z.array(z.string()).nullable(),
    matchesPublished: z.boolean().nullable(),
  })
  .meta({ id: 'ParticipatoryBudgetRecount', description: 'A pabulib file recounted with the Method of Equal Shares' });

/** The file's own order of projects is the lot, as a published count would have broken a tie it met. */
export function recountPb(text: string, completion?: 'add1' | 'add1u'): z.infer<typeof sandboxOutcomeSchema> {
  const file = parsePb(text);
  const instance = instanceOfPb(file);
  const lot = instance.projects.map((project) => project.id);
  const chosen = completion ?? (/add1u|utilitarian/.test(file.meta.rule ?? '') ? 'add1u' : 'add1');
  const outcome = equalShares(instance, { completion: chosen, stepCents: 100, lot });
  const published = file.projects.some((project) => project.selected !== undefined)
    ? file.projects.filter((project) => project.selected === '1').map((project) => project.project_id!)
    : null;
  const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id) => b.includes(id));
  return {
    rule: `equalshares/${chosen}`,
    budgetCents: instance.budgetCents,
    voters: instance.ballots.length,
    selected: [...outcome.selected],
    selectedByCompletion: [...outcome.selectedByCompletion],
    spentCents: outcome.spentCents,
    shares: outcome.shares,
    rounds: outcome.rounds.map(({ payments, ...round }) => ({ ...round, payments: payments.map(({ paid, ballots }) => ({ paid, voters: ballots.length })) })),
    rejected: outcome.rejected.map(({ projectId, reason }) => ({ projectId, reason })),
    greedy: greedyByApprovals(instance, lot),
    published,
    matchesPublished: published === null ? null : sameSet(outcome.selected, published),
  };
}
