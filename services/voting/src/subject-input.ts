// A motion's or a written resolution's subject as a request names it: each id is resolved within the path's
// cooperative before anything is decided.
import { reference } from '@meent/http';
import { z } from 'zod';
import { subjectSchema } from './domain/motion.events.js';

const participatoryBudget = subjectSchema.options.find(
  (option): option is Extract<(typeof subjectSchema.options)[number], { shape: { budgetId: z.ZodType } }> => 'budgetId' in option.shape,
)!;

/**
 * A motion's subject as a request names it: a budget, an initiative, a year's accounts or a member of this
 * cooperative, the rules, or a budget line's money for a participatory budgeting round.
 */
export const subjectInput = z.union([
  z.strictObject({ kind: z.literal('budget'), id: reference('budget') }),
  z.strictObject({ kind: z.literal('initiative'), id: reference('initiative') }),
  z.strictObject({ kind: z.literal('annual-accounts'), id: reference('budget') }),
  z.strictObject({ kind: z.literal('accounts-extension'), id: reference('budget'), months: z.int().min(1).max(4) }),
  z.strictObject({ kind: z.literal('member'), id: reference('member') }),
  ...subjectSchema.options.filter((option) => option.shape.kind instanceof z.ZodLiteral && option.shape.kind.value === 'rules'),
  participatoryBudget.extend({ budgetId: reference('budget') }),
]);
