import { assertNever, requireExactSum, defineAggregate, type Decider } from '@meent/eventsourcing';
import { financialYearPeriod, type FinancialYearPeriod } from '@meent/membership/events';
import {
  BudgetAdopted,
  BudgetAdoptionRefused,
  BudgetAdoptionWithdrawn,
  BudgetDrafted,
  BudgetLineRemoved,
  BudgetLineSet,
  BudgetSubmitted,
  type BudgetEvent,
  type BudgetLine,
} from './budget.events.js';
import { budgetError } from './errors.js';

interface AdoptedVersion {
  readonly version: number;
  readonly lines: readonly BudgetLine[];
  readonly motionId: string;
  readonly round: number;
}

interface Drafted {
  readonly budgetId: string;
  readonly cooperativeId: string;
  readonly financialYear: number;
  readonly period: FinancialYearPeriod;
  /** The lines being drafted: the budget before its adoption, an amendment after. */
  readonly working: ReadonlyMap<string, BudgetLine>;
  readonly submitted: { readonly version: number; readonly lines: readonly BudgetLine[] } | null;
  /** The version a motion voted down, in case a challenge of that result passes it after all. */
  readonly refused: AdoptedVersion | null;
  /** Every adoption still standing, the one in force last. */
  readonly adopted: readonly AdoptedVersion[];
  readonly nextVersion: number;
}

export type BudgetState =
  | { readonly status: 'NotDrafted' }
  | (Drafted & { readonly status: 'Draft' | 'Submitted' | 'InForce' | 'AmendmentSubmitted' });

export type DraftedBudget = Exclude<BudgetState, { status: 'NotDrafted' }>;

export type BudgetCommand =
  | {
      readonly type: 'DraftBudget';
      readonly budgetId: string;
      readonly cooperativeId: string;
      readonly financialYear: number;
      /** The statutes' first month of a financial year (BW 2:10a), which fixes the days this budget's year spans. */
      readonly financialYearStartMonth: number;
      readonly title: string;
      readonly now: Date;
    }
  | { readonly type: 'SetLine'; readonly line: BudgetLine; readonly now: Date }
  | { readonly type: 'RemoveLine'; readonly code: string; readonly now: Date }
  | { readonly type: 'SubmitBudget'; readonly now: Date }
  /** From the assembly's budget-adoption motion, through a reaction: never refused, so the reaction never stalls. */
  | {
      readonly type: 'RecordAdoptionDecision';
      readonly motionId: string;
      readonly round: number;
      readonly passed: boolean;
      readonly now: Date;
    };

export const budgetStream = (budgetId: string) => budgetAggregate.stream(budgetId);

export const initialState: BudgetState = { status: 'NotDrafted' };

/** The lines in force: those of the last adoption still standing. */
export function linesInForce(state: BudgetState): readonly BudgetLine[] {
  return state.status === 'NotDrafted' ? [] : (state.adopted.at(-1)?.lines ?? []);
}

export function evolve(state: BudgetState, event: BudgetEvent): BudgetState {
  if (event.type === 'BudgetDrafted') {
    return {
      status: 'Draft',
      budgetId: event.data.budgetId,
      cooperativeId: event.data.cooperativeId,
      financialYear: event.data.financialYear,
      period: event.data.period,
      working: new Map(),
      submitted: null,
      adopted: [],
      refused: null,
      nextVersion: 1,
    };
  }
  if (state.status === 'NotDrafted') return state;
  switch (event.type) {
    case 'BudgetLineSet': {
      const { code, name, kind, amountCents } = event.data;
      return { ...state, working: new Map(state.working).set(code, { code, name, kind, amountCents }) };
    }
    case 'BudgetLineRemoved': {
      const working = new Map(state.working);
      working.delete(event.data.code);
      return { ...state, working };
    }
    case 'BudgetSubmitted':
      return {
        ...state,
        status: state.adopted.length > 0 ? 'AmendmentSubmitted' : 'Submitted',
        submitted: { version: event.data.version, lines: event.data.lines },
        nextVersion: event.data.version + 1,
      };
    case 'BudgetAdopted': {
      const { version, lines, motionId, round } = event.data;
      return {
        ...state,
        status: 'InForce',
        submitted: null,
        adopted: [...state.adopted, { version, lines, motionId, round }],
        refused: null,
        working: new Map(lines.map((line) => [line.code, line])),
      };
    }
    case 'BudgetAdoptionRefused': {
      const { version, motionId, round } = event.data;
      const refused = { version, lines: state.submitted?.lines ?? [], motionId, round };
      return { ...state, status: state.adopted.length > 0 ? 'InForce' : 'Draft', submitted: null, refused };
    }
    case 'BudgetAdoptionWithdrawn': {
      const withdrawn = state.adopted.at(-1);
      const adopted = state.adopted.slice(0, -1);
      return {
        ...state,
        status: adopted.length > 0 ? 'InForce' : 'Draft',
        adopted,
        working: new Map((withdrawn?.lines ?? []).map((line) => [line.code, line])),
      };
    }
    default:
      return assertNever(event);
  }
}

export function decide(command: BudgetCommand, state: BudgetState): BudgetEvent[] {
  if (command.type === 'DraftBudget') {
    if (state.status !== 'NotDrafted') throw budgetError('BUDGET.ALREADY_DRAFTED');
    const { budgetId, cooperativeId, financialYear, title, now } = command;
    const period = financialYearPeriod(financialYear, command.financialYearStartMonth);
    return [BudgetDrafted({ budgetId, cooperativeId, financialYear, period, title, draftedAt: now.toISOString() })];
  }
  if (state.status === 'NotDrafted') throw budgetError('BUDGET.NOT_FOUND');
  const at = command.now.toISOString();
  const { budgetId } = state;
  switch (command.type) {
    case 'SetLine': {
      requireEditable(state);
      const lines = [...state.working.values()].filter((line) => line.code !== command.line.code);
      const total = (kind: BudgetLine['kind']) =>
        [...lines, command.line].filter((line) => line.kind === kind).reduce((sum, line) => sum + line.amountCents, 0);
      requireExactSum('BUDGET.SUM_NOT_EXACT', total('income'), total('expense'), total('income') + total('expense'));
      return [BudgetLineSet({ ...command.line, budgetId, setAt: at })];
    }
    case 'RemoveLine':
      requireEditable(state);
      if (!state.working.has(command.code)) {
        throw budgetError('BUDGET.NO_SUCH_LINE', { message: `The draft has no line ${command.code}` });
      }
      return [BudgetLineRemoved({ budgetId, code: command.code, removedAt: at })];
    case 'SubmitBudget': {
      requireEditable(state);
      const lines = [...state.working.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
      if (lines.length === 0) throw budgetError('BUDGET.EMPTY');
      if (state.status === 'InForce' && sameLines(lines, linesInForce(state))) {
        throw budgetError('BUDGET.NOTHING_TO_AMEND');
      }
      return [BudgetSubmitted({ budgetId, version: state.nextVersion, lines, submittedAt: at })];
    }
    case 'RecordAdoptionDecision':
      return recordDecision(command, state);
    default:
      return assertNever(command);
  }
}

function recordDecision(command: Extract<BudgetCommand, { type: 'RecordAdoptionDecision' }>, state: DraftedBudget): BudgetEvent[] {
  const { motionId, round, passed } = command;
  const at = command.now.toISOString();
  const inForce = state.adopted.at(-1);
  if (inForce?.motionId === motionId) {
    // A later round of the same motion: the challenged adoption stands only if the new vote passes it again.
    if (round <= inForce.round || passed) return [];
    return [BudgetAdoptionWithdrawn({ budgetId: state.budgetId, version: inForce.version, motionId, round, withdrawnAt: at })];
  }
  const refusedEarlier = state.refused?.motionId === motionId && round > state.refused.round ? state.refused : null;
  const decided = state.submitted ?? refusedEarlier;
  if (!decided) return [];
  const { version, lines } = decided;
  if (!passed) {
    return state.submitted ? [BudgetAdoptionRefused({ budgetId: state.budgetId, version, motionId, round, refusedAt: at })] : [];
  }
  return [
    BudgetAdopted({
      budgetId: state.budgetId,
      cooperativeId: state.cooperativeId,
      financialYear: state.financialYear,
      version,
      lines: [...lines],
      motionId,
      round,
      adoptedAt: at,
    }),
  ];
}

function requireEditable(state: DraftedBudget): void {
  if (state.status === 'Submitted' || state.status === 'AmendmentSubmitted') {
    throw budgetError('BUDGET.SUBMITTED');
  }
}

function sameLines(a: readonly BudgetLine[], b: readonly BudgetLine[]): boolean {
  const key = (lines: readonly BudgetLine[]) =>
    JSON.stringify([...lines].sort((x, y) => (x.code < y.code ? -1 : 1)).map((line) => [line.code, line.name, line.kind, line.amountCents]));
  return key(a) === key(b);
}

export const budgetDecider: Decider<BudgetState, BudgetCommand, BudgetEvent> = { initialState, evolve, decide };

export const budgetAggregate = defineAggregate({
  category: 'budget',
  decider: budgetDecider,
  exists: (state): state is DraftedBudget => state.status !== 'NotDrafted',
});
