// The voting context's own view of membership: the rules each cooperative decides under, and when each member
// could vote. Voter rolls are read from here at convening, never by calling into the membership context.
import { defineProjection, on, type ProjectionTransaction, type SqlExecutor, type TableNames } from '@meent/eventsourcing';
import {
  CooperativeFounded,
  MemberAdmitted,
  MemberRegistered,
  MemberReinstated,
  MemberSuspended,
  MemberTerminated,
  MemberExpelled,
  ExpulsionAnnulled,
  MembershipKindAssigned,
  MemberTurnoverRecorded,
  RulesAmended,
  RulesAmendmentUndone,
  cooperativeRulesSchema,
  type CooperativeRules,
  type VotingBasis,
} from '@meent/membership/events';

type Tables = 'cooperatives' | 'members' | 'eligibility' | 'kinds' | 'turnover';

interface Eligibility {
  readonly member_id: string;
  readonly cooperative_id: string;
  readonly from_at: string;
  to_at: string | null;
}

/**
 * What a batch holds back: the members it registered, with their cooperative, and the periods of eligibility it
 * records, written when it ends. A replay admits, suspends and reinstates a member a few events after registering
 * them, in the same batch: their periods are closed here and written once, and their cooperative is known without a
 * read.
 */
interface HeldEligibility {
  readonly registered: Map<string, string>;
  readonly periods: Map<string, Eligibility[]>;
}

const ELIGIBILITY_COLUMNS = ['member_id', 'cooperative_id', 'from_at', 'to_at'] as const;

function heldEligibility(transaction: ProjectionTransaction, tables: TableNames<Tables>): HeldEligibility {
  return transaction.held(
    'eligibility',
    () => ({ registered: new Map<string, string>(), periods: new Map<string, Eligibility[]>() }),
    async ({ registered, periods }) => {
      const rows = [...periods.values()].flat().map((period) => ELIGIBILITY_COLUMNS.map((column) => period[column]));
      registered.clear();
      periods.clear();
      await transaction.insertRows(tables.eligibility, ELIGIBILITY_COLUMNS, rows);
    },
  );
}

/** A registered member may vote from `at`; one the register does not know is not on it. */
async function startEligibility(transaction: ProjectionTransaction, tables: TableNames<Tables>, memberId: string, at: string) {
  const held = heldEligibility(transaction, tables);
  const cooperativeId = held.registered.get(memberId) ?? (await cooperativeOf(transaction, tables, memberId));
  if (cooperativeId === undefined) return;
  const periods = held.periods.get(memberId) ?? [];
  periods.push({ member_id: memberId, cooperative_id: cooperativeId, from_at: at, to_at: null });
  held.periods.set(memberId, periods);
}

async function cooperativeOf(transaction: ProjectionTransaction, tables: TableNames<Tables>, memberId: string): Promise<string | undefined> {
  return (await transaction.get<{ cooperative_id: string }>(`SELECT cooperative_id FROM ${tables.members} WHERE id = ?`, [memberId]))?.cooperative_id;
}

async function endEligibility(transaction: ProjectionTransaction, tables: TableNames<Tables>, memberId: string, at: string) {
  const held = heldEligibility(transaction, tables);
  // A termination backdated before the period began ends it where it began: the member never could vote in it.
  const end = (fromAt: string) => (fromAt > at ? fromAt : at);
  for (const period of held.periods.get(memberId) ?? []) if (period.to_at === null) period.to_at = end(period.from_at);
  // A member registered in this batch has no period written before it.
  if (held.registered.has(memberId)) return;
  await transaction.run(
    `UPDATE ${tables.eligibility} SET to_at = CASE WHEN from_at > ? THEN from_at ELSE ? END
     WHERE member_id = ? AND to_at IS NULL`,
    [at, at, memberId],
  );
}

/** A new version of the rules (amended, or restored when an amendment was undone) for assemblies convened from now. */
async function rulesInForce(
  rules: { readonly cooperativeId: string; readonly rules: CooperativeRules; readonly version: number },
  transaction: SqlExecutor,
  tables: TableNames<Tables>,
) {
  await transaction.run(`UPDATE ${tables.cooperatives} SET rules = ?, rules_version = ? WHERE id = ?`, [
    JSON.stringify(rules.rules),
    rules.version,
    rules.cooperativeId,
  ]);
}

export const votingRegisterProjection = defineProjection({
  name: 'voting_register',
  tables: {
    cooperatives: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (id TEXT PRIMARY KEY, rules TEXT NOT NULL, rules_version INTEGER NOT NULL)`,
    ],
    members: (name) => [`CREATE TABLE IF NOT EXISTS ${name} (id TEXT PRIMARY KEY, cooperative_id TEXT NOT NULL)`],
    eligibility: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (
        member_id TEXT NOT NULL,
        cooperative_id TEXT NOT NULL,
        from_at TEXT NOT NULL,
        to_at TEXT
      )`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_member ON ${name} (member_id)`,
    ],
    /** Each member's kind of membership from a moment on, for the votes it gives them at a record date. */
    kinds: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (member_id TEXT NOT NULL, kind TEXT, from_at TEXT NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_member ON ${name} (member_id, from_at)`,
    ],
    /** Each member's turnover per financial year, as recorded and when, for votes counted by turnover. */
    turnover: (name) => [
      `CREATE TABLE IF NOT EXISTS ${name} (member_id TEXT NOT NULL, financial_year INTEGER NOT NULL, turnover_cents BIGINT NOT NULL, recorded_at TEXT NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS ${name}_by_member ON ${name} (member_id, financial_year)`,
    ],
  },
  // Only reads use it: a generation catching up builds it once it reaches the head.
  readIndexes: {
    eligibility: (name) => [`CREATE INDEX IF NOT EXISTS ${name}_by_cooperative ON ${name} (cooperative_id, from_at)`],
  },
  handlers: [
    on(CooperativeFounded, async (event, transaction, tables) => {
      await transaction.run(`INSERT INTO ${tables.cooperatives} (id, rules, rules_version) VALUES (?, ?, 1)`, [
        event.data.cooperativeId,
        JSON.stringify(event.data.rules),
      ]);
    }),
    // An assembly convened from now on decides under the rules in force then; one convened before keeps its own.
    on(RulesAmended, (event, transaction, tables) => rulesInForce(event.data, transaction, tables)),
    on(RulesAmendmentUndone, (event, transaction, tables) => rulesInForce(event.data, transaction, tables)),
    on(MemberRegistered, async (event, transaction, tables: TableNames<Tables>) => {
      const { memberId, cooperativeId } = event.data;
      await transaction.run(`INSERT INTO ${tables.members} (id, cooperative_id) VALUES (?, ?)`, [memberId, cooperativeId]);
      heldEligibility(transaction, tables).registered.set(memberId, cooperativeId);
    }),
    on(MemberAdmitted, (event, transaction, tables) => startEligibility(transaction, tables, event.data.memberId, event.data.admittedAt)),
    on(MemberReinstated, (event, transaction, tables) =>
      startEligibility(transaction, tables, event.data.memberId, event.data.reinstatedAt),
    ),
    on(MemberSuspended, (event, transaction, tables) => endEligibility(transaction, tables, event.data.memberId, event.data.suspendedAt)),
    on(MemberTerminated, (event, transaction, tables) => endEligibility(transaction, tables, event.data.memberId, event.data.effectiveAt)),
    // BW 2:35 lid 4: an expelled member is suspended from the expulsion on, and votes again only if it is annulled.
    on(MembershipKindAssigned, async (event, transaction, tables) => {
      const { memberId, kind, assignedAt } = event.data;
      await transaction.run(`INSERT INTO ${tables.kinds} (member_id, kind, from_at) VALUES (?, ?, ?)`, [memberId, kind, assignedAt]);
    }),
    on(MemberTurnoverRecorded, async (event, transaction, tables) => {
      const { memberId, financialYear, turnoverCents, recordedAt } = event.data;
      await transaction.run(`INSERT INTO ${tables.turnover} (member_id, financial_year, turnover_cents, recorded_at) VALUES (?, ?, ?, ?)`, [
        memberId,
        financialYear,
        turnoverCents,
        recordedAt,
      ]);
    }),
    on(MemberExpelled, (event, transaction, tables) => endEligibility(transaction, tables, event.data.memberId, event.data.expelledAt)),
    on(ExpulsionAnnulled, (event, transaction, tables) => startEligibility(transaction, tables, event.data.memberId, event.data.annulledAt)),
  ],
});

export type VotingRegisterTables = TableNames<Tables>;

/**
 * A member who could vote, with what the statutes may count their votes by at the instant (BW 2:38 lid 1): their kind of
 * membership, and their turnover in the latest financial year recorded by then (the latest recording of it).
 */
export interface EligibleVoter extends VotingBasis {
  readonly memberId: string;
}

/** Every member who could vote at `instant`, with what their votes are counted by then: admitted, not suspended or gone. */
export async function eligibleAt(
  reader: SqlExecutor,
  tables: VotingRegisterTables,
  cooperativeId: string,
  instant: string,
): Promise<EligibleVoter[]> {
  const rows = await reader.all<{ member_id: string; kind: string | null; turnover_cents: number | string | null }>(
    `SELECT DISTINCT e.member_id,
       (SELECT k.kind FROM ${tables.kinds} k WHERE k.member_id = e.member_id AND k.from_at <= ? ORDER BY k.from_at DESC LIMIT 1) AS kind,
       (SELECT t.turnover_cents FROM ${tables.turnover} t WHERE t.member_id = e.member_id AND t.recorded_at <= ?
         ORDER BY t.financial_year DESC, t.recorded_at DESC LIMIT 1) AS turnover_cents
     FROM ${tables.eligibility} e
     WHERE e.cooperative_id = ? AND e.from_at <= ? AND (e.to_at IS NULL OR e.to_at > ?) ORDER BY e.member_id`,
    [instant, instant, cooperativeId, instant, instant],
  );
  return rows.map((row) => ({
    memberId: row.member_id,
    membershipKind: row.kind,
    turnoverCents: row.turnover_cents === null ? null : Number(row.turnover_cents),
  }));
}

export async function rulesOf(
  reader: SqlExecutor,
  tables: VotingRegisterTables,
  cooperativeId: string,
): Promise<{ rules: CooperativeRules; version: number } | undefined> {
  const row = await reader.get<{ rules: string; rules_version: number }>(
    `SELECT rules, rules_version FROM ${tables.cooperatives} WHERE id = ?`,
    [cooperativeId],
  );
  return row && { rules: cooperativeRulesSchema.parse(JSON.parse(row.rules)), version: row.rules_version };
}
