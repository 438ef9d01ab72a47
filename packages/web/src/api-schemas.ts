// What the pages read from the API: only the fields they show, checked as they arrive.
import { z } from 'zod';

const choice = z.enum(['for', 'against', 'abstain']);

export const cooperativeSchema = z.object({
  id: z.string(),
  name: z.string(),
  legalName: z.string(),
  chamberOfCommerceNumber: z.string().nullable(),
  foundedAt: z.string(),
  rules: z.object({ noticeDays: z.number(), proxiesAllowed: z.boolean(), maxProxiesPerHolder: z.number(), electronicVoting: z.boolean() }),
});
export type Cooperative = z.infer<typeof cooperativeSchema>;

export const memberSchema = z.object({
  id: z.string(),
  status: z.string(),
  offices: z.array(z.string()),
  personalData: z
    .object({
      name: z.string().nullish(),
      email: z.string().nullish(),
      address: z.string().nullish(),
      phone: z.string().nullish(),
    })
    .nullable(),
  history: z.array(z.object({ type: z.string(), occurredAt: z.string() })),
});
export type Member = z.infer<typeof memberSchema>;

const venueSchema = z.object({ kind: z.string(), address: z.string().optional() });

const assemblySummary = z.object({
  id: z.string(),
  title: z.string(),
  scheduledAt: z.string(),
  venue: venueSchema,
  status: z.string(),
  rollSize: z.number(),
});
export type AssemblySummary = z.infer<typeof assemblySummary>;

export const assembliesSchema = z.object({ assemblies: z.array(assemblySummary) });

const proxySchema = z.object({ grantorId: z.string(), holderId: z.string() });

export const assemblySchema = assemblySummary.extend({
  agenda: z.array(z.object({ number: z.number(), title: z.string(), document: z.object({ href: z.string() }).nullable() })),
  convocations: z.array(z.object({ sentAt: z.string(), recipients: z.number() })),
  attendance: z.array(z.object({ memberId: z.string() })),
  motions: z.array(z.object({ id: z.string(), title: z.string(), ballot: z.string(), status: z.string() })),
});
export type Assembly = z.infer<typeof assemblySchema>;

export const voterSchema = z.object({
  onRoll: z.boolean(),
  proxies: z.array(proxySchema),
  votes: z.array(
    z.object({
      motionId: z.string(),
      vote: z.object({ choice: choice.nullable(), byProxy: z.boolean() }).nullable(),
    }),
  ),
});
export type Voter = z.infer<typeof voterSchema>;

const decisionSchema = z.object({
  tally: z.object({ for: z.number(), against: z.number(), abstain: z.number() }),
  outcome: z.enum(['passed', 'rejected']),
  rule: z.object({
    majority: z.enum(['simple', 'two-thirds']),
    quorum: z.object({ numerator: z.number(), denominator: z.number() }).nullable(),
    basis: z.string(),
  }),
  quorumMet: z.boolean(),
  presentWeight: z.number(),
  eligibleWeight: z.number(),
});
export type Decision = z.infer<typeof decisionSchema>;

export const motionSchema = z.object({
  id: z.string(),
  title: z.string(),
  text: z.string(),
  ballot: z.string(),
  status: z.string(),
  result: decisionSchema.nullable(),
});
export type Motion = z.infer<typeof motionSchema>;

export const budgetsSchema = z.object({
  budgets: z.array(z.object({ id: z.string(), financialYear: z.number(), title: z.string(), status: z.string() })),
});

const lineSchema = z.object({
  code: z.string(),
  name: z.string(),
  kind: z.enum(['income', 'expense']),
  budgetedCents: z.number(),
  receivedCents: z.number(),
  spentCents: z.number(),
  reservedCents: z.number(),
  availableCents: z.number(),
});
export type BudgetLine = z.infer<typeof lineSchema>;

export const budgetSchema = z.object({
  id: z.string(),
  financialYear: z.number(),
  title: z.string(),
  status: z.string(),
  lines: z.array(lineSchema),
  totals: z.object({
    budgetedIncomeCents: z.number(),
    budgetedExpenseCents: z.number(),
    receivedCents: z.number(),
    spentCents: z.number(),
    reservedCents: z.number(),
  }),
  cashCents: z.number(),
  draft: z.array(z.object({ code: z.string(), name: z.string(), kind: z.enum(['income', 'expense']), amountCents: z.number() })),
});
export type Budget = z.infer<typeof budgetSchema>;

export const registerSchema = z.object({
  total: z.number(),
  members: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      personalData: z.object({ name: z.string().nullish(), email: z.string().nullish() }).nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});
export type Register = z.infer<typeof registerSchema>;

export const historySchema = z.object({
  events: z.array(z.object({ position: z.number(), stream: z.string(), type: z.string(), occurredAt: z.string(), actor: z.object({ id: z.string() }) })),
  nextAfter: z.number().nullable(),
});
export type History = z.infer<typeof historySchema>;

export const verificationSchema = z.object({
  events: z.number(),
  streams: z.number(),
  seals: z.number(),
  firstBrokenLink: z.object({ stream: z.string(), revision: z.number() }).nullable(),
});
export type Verification = z.infer<typeof verificationSchema>;

export const journalSchema = z.object({
  entries: z.array(
    z.object({
      entryId: z.string(),
      kind: z.string(),
      lineCode: z.string(),
      amountCents: z.number(),
      onDate: z.string(),
      description: z.string(),
    }),
  ),
});
export type Journal = z.infer<typeof journalSchema>;

const moneySchema = z.object({ requestedCents: z.number(), grantedCents: z.number(), disbursedCents: z.number() });

const initiativeSummary = z.object({
  id: z.string(),
  title: z.string(),
  status: z.string(),
  applicant: z.object({ kind: z.string(), memberId: z.string().optional(), name: z.string().optional() }),
  themes: z.array(z.string()),
  kind: z.string(),
  money: moneySchema,
});
export type InitiativeSummary = z.infer<typeof initiativeSummary>;

export const initiativesSchema = z.object({ initiatives: z.array(initiativeSummary) });

export const initiativeSchema = initiativeSummary.extend({
  tranchesPlanned: z.number(),
  tranchesPaid: z.number(),
  history: z.array(z.object({ type: z.string(), summary: z.string(), at: z.string() })),
});
export type Initiative = z.infer<typeof initiativeSchema>;

export const themesSchema = z.object({ rules: z.object({ themes: z.array(z.object({ code: z.string(), nl: z.string(), en: z.string() })) }) });
export type Theme = z.infer<typeof themesSchema>['rules']['themes'][number];

const roundSchema = z.object({
  id: z.string(),
  title: z.string(),
  phase: z.string(),
  amountCents: z.number(),
  settings: z.object({ minApprovals: z.number(), maxApprovals: z.number() }),
  voting: z.object({ closesAt: z.string() }).nullable(),
  proposals: z.array(z.object({ proposalId: z.string(), title: z.string(), costCents: z.number(), review: z.object({ eligible: z.boolean() }).nullable() })),
  result: z.object({ selected: z.array(z.object({ proposalId: z.string(), costCents: z.number() })), spentCents: z.number() }).nullable(),
});
export type Round = z.infer<typeof roundSchema>;
export const roundsSchema = z.object({ rounds: z.array(roundSchema.pick({ id: true, title: true, phase: true, amountCents: true })) });
export { roundSchema };
