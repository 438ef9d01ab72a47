// The annual budget (begroting) on `budget-{budgetId}`: drafted by the treasurer line by line, submitted, and
// adopted — or not — by the general assembly's budget-adoption motion. Amendments take the same path.
import { defineEvent, type EventOf } from '@meent/eventsourcing';
import { z } from 'zod';

export const LINE_KINDS = ['income', 'expense'] as const;
export type LineKind = (typeof LINE_KINDS)[number];

export const lineCodeSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9.\-_]{0,31}$/, 'a line code is 1–32 letters, digits, dots, dashes or underscores');

export const budgetLineSchema = z
  .object({
    code: lineCodeSchema,
    name: z.string().min(1).max(200),
    kind: z.enum(LINE_KINDS),
    amountCents: z.int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  })
  .meta({ id: 'BudgetLine' });
export type BudgetLine = z.infer<typeof budgetLineSchema>;

export const financialYearPeriodSchema = z
  .object({ firstDay: z.iso.date(), lastDay: z.iso.date() })
  .meta({ id: 'FinancialYearPeriod', description: "The financial year's first and last day (BW 2:10a)" });

export const BudgetDrafted = defineEvent('BudgetDrafted', {
  version: 2,
  schema: z.object({
    budgetId: z.uuid(),
    cooperativeId: z.uuid(),
    financialYear: z.int().min(2000).max(2200),
    /** The days the year spans, from the statutes' start month when the budget was drafted. */
    period: financialYearPeriodSchema,
    title: z.string().min(1),
    draftedAt: z.iso.datetime(),
  }),
  // Version 1 was drafted while Meent took every financial year for the calendar year.
  upcasters: {
    1: (data) => ({ ...data, period: { firstDay: `${data.financialYear}-01-01`, lastDay: `${data.financialYear}-12-31` } }),
  },
});

export const BudgetLineSet = defineEvent('BudgetLineSet', {
  schema: budgetLineSchema.extend({ budgetId: z.uuid(), setAt: z.iso.datetime() }),
});

export const BudgetLineRemoved = defineEvent('BudgetLineRemoved', {
  schema: z.object({ budgetId: z.uuid(), code: lineCodeSchema, removedAt: z.iso.datetime() }),
});

export const BudgetSubmitted = defineEvent('BudgetSubmitted', {
  schema: z.object({
    budgetId: z.uuid(),
    /** 1 for the budget, 2 and on for its amendments. */
    version: z.int().positive(),
    lines: z.array(budgetLineSchema),
    submittedAt: z.iso.datetime(),
  }),
});

export const BudgetAdopted = defineEvent('BudgetAdopted', {
  schema: z.object({
    budgetId: z.uuid(),
    cooperativeId: z.uuid(),
    financialYear: z.int(),
    version: z.int().positive(),
    lines: z.array(budgetLineSchema),
    motionId: z.uuid(),
    round: z.int().positive(),
    adoptedAt: z.iso.datetime(),
  }),
});

/** The motion was rejected: the submitted version goes back to being a draft. */
export const BudgetAdoptionRefused = defineEvent('BudgetAdoptionRefused', {
  schema: z.object({
    budgetId: z.uuid(),
    version: z.int().positive(),
    motionId: z.uuid(),
    round: z.int().positive(),
    refusedAt: z.iso.datetime(),
  }),
});

/** A challenged adoption (BW 2:13) voted down again: the version adopted before it is in force once more. */
export const BudgetAdoptionWithdrawn = defineEvent('BudgetAdoptionWithdrawn', {
  schema: z.object({
    budgetId: z.uuid(),
    version: z.int().positive(),
    motionId: z.uuid(),
    round: z.int().positive(),
    withdrawnAt: z.iso.datetime(),
  }),
});

export type BudgetEvent =
  | EventOf<typeof BudgetDrafted>
  | EventOf<typeof BudgetLineSet>
  | EventOf<typeof BudgetLineRemoved>
  | EventOf<typeof BudgetSubmitted>
  | EventOf<typeof BudgetAdopted>
  | EventOf<typeof BudgetAdoptionRefused>
  | EventOf<typeof BudgetAdoptionWithdrawn>;

export const budgetEvents = [
  BudgetDrafted,
  BudgetLineSet,
  BudgetLineRemoved,
  BudgetSubmitted,
  BudgetAdopted,
  BudgetAdoptionRefused,
  BudgetAdoptionWithdrawn,
];
