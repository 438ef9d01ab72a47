// The annual cycle's use cases: the treasurer closes the year's books and draws up its accounts from them, the
// secretary records the audit committee the assembly appointed, and a committee member puts its report on record.
import type { Accepted, CommandOrigin, ServiceRuntime } from '@meent/eventsourcing';
import { officesIn, standingIn } from '@meent/membership/standing';
import { annualAccountsAggregate, statementsOf } from '../domain/annual-accounts.decider.js';
import { budgetAggregate } from '../domain/budget.decider.js';
import { budgetError } from '../domain/errors.js';
import { ledgerAggregate, ledgerDecider, ledgerStream } from '../domain/ledger.decider.js';
import { inForce, today } from './ledger.js';

export class AnnualAccountsCommands {
  private readonly accounts;
  private readonly budgets;

  constructor(private readonly runtime: ServiceRuntime) {
    this.accounts = runtime.aggregate(annualAccountsAggregate);
    this.budgets = runtime.aggregate(budgetAggregate);
  }

  /**
   * Closes the year's books, unless they are closed already, and draws the accounts up from them: what the accounts
   * say is then what the ledger says, for good. 404 when the cooperative has no such budget.
   */
  async drawUp(origin: CommandOrigin, budgetId: string, by: string): Promise<Accepted> {
    const budget = inForce(await this.budgets.load(origin.cooperativeId, budgetId));
    if (!budget.adopted) throw budgetError('LEDGER.BUDGET_NOT_ADOPTED');
    let { state: ledger } = await this.runtime.commands.load(ledgerStream(budgetId), ledgerDecider);
    if (ledger.closedOn === null) {
      ({ state: ledger } = await this.runtime
        .aggregate(ledgerAggregate)
        .append(origin, budgetId, (now) => ({ type: 'CloseBooks', by, budget, today: today(now), now })));
    }
    const statements = statementsOf(ledger, budget);
    const { position } = await this.accounts.append(origin, budgetId, (now) => ({
      type: 'DrawUpAccounts',
      budgetId,
      statements,
      booksClosedOn: ledger.closedOn,
      today: today(now),
      by,
      now,
    }));
    return { id: budgetId, position };
  }

  /** BW 2:48 lid 2: the committee the assembly appointed, each member checked against the register as it is now. */
  async appointAuditCommittee(origin: CommandOrigin, budgetId: string, memberIds: readonly string[], by: string): Promise<Accepted> {
    await this.budgets.load(origin.cooperativeId, budgetId);
    const { cooperativeId } = origin;
    const now = this.runtime.clock();
    const candidates = await Promise.all(
      memberIds.map(async (memberId) => ({
        memberId,
        standing: await standingIn(this.runtime.commands, memberId, cooperativeId, now),
        offices: await officesIn(this.runtime.commands, memberId, cooperativeId),
      })),
    );
    const { position } = await this.accounts.append(origin, budgetId, (at) => ({ type: 'AppointAuditCommittee', budgetId, candidates, by, now: at }));
    return { id: budgetId, position };
  }

  async reportAudit(origin: CommandOrigin, budgetId: string, report: { readonly findings: string; readonly advisesAdoption: boolean }, by: string) {
    await this.budgets.load(origin.cooperativeId, budgetId);
    const { position } = await this.accounts.append(origin, budgetId, (now) => ({ type: 'RecordAuditReport', budgetId, by, ...report, now }));
    return { id: budgetId, position };
  }
}
