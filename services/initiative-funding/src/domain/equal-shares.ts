// The Method of Equal Shares for approval ballots with cost utilities (Peters, Pierczyński & Skowron, "Proportional
// participatory budgeting with additive utilities", NeurIPS 2021; equalshares.net's computation, completion and
// tie-breaking pages). Pure and exact: costs are integer cents and every share is a rational held as an integer
// numerator over one common denominator, so no float ever decides which project is funded.
//
// The budget is split equally among the voters. Round after round, the project whose cost its supporters can cover
// with the lowest payment per euro of cost — the highest effective vote count c/p, p the most any supporter pays — is
// funded; supporters pay min(p, what they have left). Completion (Add1) raises every voter's share one step at a time
// while the outcome still fits the real budget and keeps the last outcome that fits; greedy completion by approvals may
// then fill what is left.

/** A project on the ballot: its id and its cost in cents. */
export interface PbProject {
  readonly id: string;
  readonly costCents: number;
}

/** The votes to count: the budget, the projects, and each ballot's approved project ids. */
export interface PbInstance {
  readonly budgetCents: number;
  readonly projects: readonly PbProject[];
  readonly ballots: readonly (readonly string[])[];
}

export const COMPLETIONS = ['add1', 'add1u', 'none'] as const;

/** The most passes Add1 runs: raising every share by up to €9,999 (at one euro a step) before it keeps what it has. */
export const MAX_PASSES = 10_000;
export type Completion = (typeof COMPLETIONS)[number];

export interface EqualSharesOptions {
  /** add1u: raise the shares (Add1), then fill greedily by approvals; add1: only raise; none: one pass at B/n. */
  readonly completion: Completion;
  /** How much Add1 raises each voter's share at a time: 100 cents, one euro. */
  readonly stepCents: number;
  /** Project ids in the order the round's lot drew them: the last word on a tie, the earlier the winner. */
  readonly lot: readonly string[];
}

/** An exact amount of cents as `numerator/denominator` in lowest terms, and rounded to whole cents for display. */
export interface ExactCents {
  readonly exact: string;
  readonly cents: number;
}

export interface FundedRound {
  readonly round: number;
  readonly projectId: string;
  readonly costCents: number;
  /** The project's cost over the most a supporter paid: how many full voters it effectively had. */
  readonly effectiveVotes: string;
  /** The supporters by what each paid: everything they had left, or the full share p. Ballot indexes. */
  readonly payments: readonly { readonly paid: ExactCents; readonly ballots: readonly number[] }[];
}

export type RejectionReason =
  /** Nobody approved it. */
  | { readonly kind: 'no-approvals' }
  /**
   * Its supporters had too little left: from the start (afterRound 0, beatenBy null), or once `beatenBy` was funded
   * in round `afterRound`; and what was left of the budget at the end was less than its cost.
   */
  | {
      readonly kind: 'unaffordable';
      readonly afterRound: number;
      readonly beatenBy: string | null;
      readonly moneyBehind: ExactCents;
      readonly leftCents: number;
    };

export interface EqualSharesOutcome {
  /** The funded projects in the order they were funded, completion last. */
  readonly selected: readonly string[];
  readonly selectedByCompletion: readonly string[];
  readonly spentCents: number;
  /**
   * Each voter's share in the first pass (B/n), in the pass whose outcome was kept, how many passes were run, and
   * whether raising stopped at `MAX_PASSES` before the outcome outgrew the budget.
   */
  readonly shares: { readonly initial: ExactCents; readonly final: ExactCents; readonly passes: number; readonly capped: boolean };
  readonly rounds: readonly FundedRound[];
  readonly rejected: readonly { readonly projectId: string; readonly reason: RejectionReason }[];
}

// ---- exact amounts -----------------------------------------------------------------------------------------------

const gcd = (a: bigint, b: bigint): bigint => {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
};

export function exactCents(numerator: bigint, denominator: bigint): ExactCents {
  const divisor = gcd(numerator, denominator) || 1n;
  const [top, bottom] = [numerator / divisor, denominator / divisor];
  // Round half up to whole cents, for people; `exact` is what the arithmetic used.
  const rounded = (2n * top + bottom) / (2n * bottom);
  return { exact: bottom === 1n ? `${top}` : `${top}/${bottom}`, cents: Number(rounded) };
}

const ratio = (numerator: bigint, denominator: bigint): string => exactCents(numerator, denominator).exact;

// ---- the instance, indexed -----------------------------------------------------------------------------------------

interface Indexed {
  readonly voters: number;
  readonly costs: readonly bigint[];
  readonly costCents: readonly number[];
  readonly approvers: readonly Int32Array[];
  readonly ballots: readonly Int32Array[];
  /** Position in the tie-break after cost and approvals: lower wins. */
  readonly lotRank: readonly number[];
}

function indexed(instance: PbInstance, lot: readonly string[]): Indexed {
  const projectIndex = new Map(instance.projects.map((project, index) => [project.id, index]));
  const approverLists: number[][] = instance.projects.map(() => []);
  const ballots = instance.ballots.map((ballot, voter) => {
    const approved = [...new Set(ballot)].map((id) => {
      const index = projectIndex.get(id);
      if (index === undefined) throw new RangeError(`ballot ${voter} approves ${id}, which is not on the ballot`);
      return index;
    });
    for (const project of approved) approverLists[project]!.push(voter);
    return Int32Array.from(approved);
  });
  const lotOrder = new Map(lot.map((id, rank) => [id, rank]));
  return {
    voters: instance.ballots.length,
    costs: instance.projects.map((project) => BigInt(project.costCents)),
    costCents: instance.projects.map((project) => project.costCents),
    approvers: approverLists.map((list) => Int32Array.from(list)),
    ballots,
    lotRank: instance.projects.map((project) => lotOrder.get(project.id) ?? Number.MAX_SAFE_INTEGER),
  };
}

/** Lower cost, then more approvals, then the lot (equalshares.net's recommended tie-break). */
function winsTie(instance: Indexed, a: number, b: number): boolean {
  const [costA, costB] = [instance.costCents[a]!, instance.costCents[b]!];
  if (costA !== costB) return costA < costB;
  const [votesA, votesB] = [instance.approvers[a]!.length, instance.approvers[b]!.length];
  if (votesA !== votesB) return votesA > votesB;
  return instance.lotRank[a]! < instance.lotRank[b]!;
}

// ---- one pass at a fixed share -----------------------------------------------------------------------------------

/** What a project's supporters would pay: the most any pays, p = need / (payers · D) cents, D the pass's denominator. */
interface Offer {
  readonly project: number;
  /** cost·D minus what the supporters who cannot pay p give: what the payers of p cover together. */
  readonly need: bigint;
  readonly payers: bigint;
}

interface Pass {
  readonly winners: number[];
  readonly rounds: (Omit<FundedRound, 'projectId'> & { readonly project: number })[];
  readonly unaffordable: Map<number, { afterRound: number; beatenBy: number | null; moneyBehind: ExactCents }>;
}

/**
 * Voters with the same history of full payments hold the same amount, so amounts are kept per class of voters as
 * integer numerators over one denominator; a supporter who pays all they have joins class 0, which holds nothing.
 */
class SharePass {
  private denominator: bigint;
  private readonly values: bigint[];
  private readonly classOf: Int32Array;
  /** Per project: how many of its supporters are in each class that holds money. */
  private readonly supportersByClass: Map<number, number>[];

  constructor(
    private readonly instance: Indexed,
    /** Every voter's share is total / voters. */
    total: bigint,
  ) {
    const voters = BigInt(instance.voters);
    const divisor = gcd(total, voters) || 1n;
    this.denominator = voters / divisor;
    this.values = [0n, total / divisor];
    this.classOf = new Int32Array(instance.voters).fill(total > 0n ? 1 : 0);
    this.supportersByClass = instance.approvers.map((approvers) => (approvers.length > 0 && total > 0n ? new Map([[1, approvers.length]]) : new Map()));
  }

  run(detailed: boolean): Pass {
    const { instance } = this;
    const remaining = new Set<number>();
    for (let project = 0; project < instance.costs.length; project += 1) {
      if (instance.approvers[project]!.length > 0) remaining.add(project);
    }
    // A lower bound of each project's payment per cent of cost, as need / (payers · D · cost): shares only shrink, so
    // a project whose bound is already worse than the best offer of a round can be passed over in it.
    const bound = new Map<number, Bound>();
    for (const project of remaining) {
      const approvals = instance.approvers[project]!.length;
      bound.set(project, { need: 1n, scale: BigInt(approvals), approximately: 1 / approvals });
    }
    const pass: Pass = { winners: [], rounds: [], unaffordable: new Map() };
    for (;;) {
      let best: Offer | null = null;
      const order = [...remaining].sort((a, b) => bound.get(a)!.approximately - bound.get(b)!.approximately);
      for (const project of order) {
        if (!detailed && best && this.worseThan(bound.get(project)!, best)) continue;
        const offer = this.offerFor(project);
        if (offer === null) {
          remaining.delete(project);
          const lastWinner = pass.winners.at(-1);
          pass.unaffordable.set(project, {
            afterRound: pass.winners.length,
            beatenBy: lastWinner ?? null,
            moneyBehind: exactCents(this.moneyBehind(project), this.denominator),
          });
          continue;
        }
        const scale = offer.payers * this.denominator * instance.costs[project]!;
        bound.set(project, { need: offer.need, scale, approximately: approximateRatio(offer.need, scale) });
        if (best === null || this.better(offer, best)) best = offer;
      }
      if (best === null) return pass;
      remaining.delete(best.project);
      pass.winners.push(best.project);
      // cost / p, with p = need / (payers · D): taken before funding rescales D.
      const effectiveVotes = ratio(instance.costs[best.project]! * best.payers * this.denominator, best.need);
      const payments = this.fund(best, detailed);
      if (detailed) {
        pass.rounds.push({ round: pass.winners.length, project: best.project, costCents: instance.costCents[best.project]!, effectiveVotes, payments });
      }
    }
  }

  /** Whether a project's lower bound is already strictly worse than the round's best offer, which it then cannot beat. */
  private worseThan(bound: Bound, best: Offer): boolean {
    return bound.need * best.payers * this.denominator * this.instance.costs[best.project]! > best.need * bound.scale;
  }

  private moneyBehind(project: number): bigint {
    let money = 0n;
    for (const [valueClass, count] of this.supportersByClass[project]!) money += this.values[valueClass]! * BigInt(count);
    return money;
  }

  /** The payment p its supporters would make, or null when all they have left does not cover the cost. */
  private offerFor(project: number): Offer | null {
    const cost = this.instance.costs[project]! * this.denominator;
    if (this.moneyBehind(project) < cost) return null;
    const classes = [...this.supportersByClass[project]!].sort(([a], [b]) => compare(this.values[a]!, this.values[b]!));
    let payers = 0n;
    for (const [, count] of classes) payers += BigInt(count);
    let need = cost;
    for (const [valueClass, count] of classes) {
      const value = this.values[valueClass]!;
      // Those who hold less than an equal split of what is still needed pay everything they have.
      if (need <= value * payers) break;
      need -= value * BigInt(count);
      payers -= BigInt(count);
    }
    return { project, need, payers };
  }

  /** The lower payment per cent of cost; on equal terms, the tie-break. */
  private better(offer: Offer, best: Offer): boolean {
    const { costs } = this.instance;
    const left = offer.need * best.payers * costs[best.project]!;
    const right = best.need * offer.payers * costs[offer.project]!;
    if (left !== right) return left < right;
    return winsTie(this.instance, offer.project, best.project);
  }

  /** Each supporter pays p or all they have left; amounts are rescaled so p is a whole numerator. */
  private fund(offer: Offer, detailed: boolean): FundedRound['payments'] {
    const divisor = gcd(offer.need, offer.payers);
    const scale = offer.payers / divisor;
    const payment = offer.need / divisor;
    if (scale !== 1n) {
      this.denominator *= scale;
      for (let index = 1; index < this.values.length; index += 1) this.values[index]! *= scale;
    }
    const movedTo = new Map<number, number>();
    const paidBy = new Map<bigint, number[]>();
    for (const voter of this.instance.approvers[offer.project]!) {
      const from = this.classOf[voter]!;
      if (from === 0) continue;
      const value = this.values[from]!;
      let to = movedTo.get(from);
      if (to === undefined) {
        to = value <= payment ? 0 : this.values.push(value - payment) - 1;
        movedTo.set(from, to);
      }
      if (detailed) {
        const paid = value <= payment ? value : payment;
        const ballots = paidBy.get(paid) ?? [];
        ballots.push(voter);
        paidBy.set(paid, ballots);
      }
      this.classOf[voter] = to;
      for (const project of this.instance.ballots[voter]!) {
        const counts = this.supportersByClass[project]!;
        const left = counts.get(from)! - 1;
        if (left === 0) counts.delete(from);
        else counts.set(from, left);
        if (to !== 0) counts.set(to, (counts.get(to) ?? 0) + 1);
      }
    }
    return [...paidBy]
      .sort(([a], [b]) => compare(b, a))
      .map(([paid, ballots]) => ({ paid: exactCents(paid, this.denominator), ballots }));
  }
}

const compare = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A lower bound of a project's payment per cent of cost, need / scale: shares only shrink, so a project whose bound is
 * already worse than the best offer of a round cannot win it. `approximately` only orders which to look at first.
 */
interface Bound {
  readonly need: bigint;
  readonly scale: bigint;
  readonly approximately: number;
}

function approximateRatio(numerator: bigint, denominator: bigint): number {
  const quotient = Number(numerator) / Number(denominator);
  if (Number.isFinite(quotient)) return quotient;
  const shift = BigInt(Math.max(numerator.toString(16).length, denominator.toString(16).length) * 4 - 900);
  return Number(numerator >> shift) / Number(denominator >> shift);
}

// ---- completion and the whole rule ------------------------------------------------------------------------------

const spentOn = (instance: Indexed, projects: readonly number[]) => projects.reduce((sum, project) => sum + instance.costCents[project]!, 0);

/** Greedy by approvals: the most approved project that still fits, then the next; ties as in the rule. */
function greedyFill(instance: Indexed, budgetCents: number, already: readonly number[]): number[] {
  const chosen = new Set(already);
  let spent = spentOn(instance, already);
  const added: number[] = [];
  const order = instance.costs
    .map((_, project) => project)
    .sort((a, b) => instance.approvers[b]!.length - instance.approvers[a]!.length || (winsTie(instance, a, b) ? -1 : 1));
  for (const project of order) {
    if (chosen.has(project) || spent + instance.costCents[project]! > budgetCents) continue;
    chosen.add(project);
    added.push(project);
    spent += instance.costCents[project]!;
  }
  return added;
}

/** Greedy by approvals from nothing: what most participatory budgets do, shown beside the rule's outcome. */
export function greedyByApprovals(instance: PbInstance, lot: readonly string[]): string[] {
  const index = indexed(instance, lot);
  return greedyFill(index, instance.budgetCents, []).map((project) => instance.projects[project]!.id);
}

export function equalShares(instance: PbInstance, options: EqualSharesOptions): EqualSharesOutcome {
  const index = indexed(instance, options.lot);
  const budget = BigInt(instance.budgetCents);
  const voters = BigInt(index.voters);
  const idOf = (project: number) => instance.projects[project]!.id;
  const approved = index.costs.flatMap((_, project) => (index.approvers[project]!.length > 0 ? [project] : []));
  // With shares large enough every approved project is funded; if that fits, there is nothing to raise towards.
  const raising = options.completion !== 'none' && spentOn(index, approved) > instance.budgetCents;
  const step = BigInt(options.stepCents) * voters;
  // Add1 from B/n (Peters, Pierczyński & Skowron), raising until the outcome no longer fits — also past an outcome
  // nothing more would fit into, where equalshares.net's "exhaustive" shortcut stops. The published outcomes of
  // Assen 2024, Świecie 2023 and Wieliczka 2023 are those of this rule.
  let total = budget;
  let passes = 1;
  let capped = false;
  while (raising) {
    // A bound on the work one count may take: real rounds stop within a few hundred steps; only an instance built to
    // make a single voter fund a project of nearly the whole budget alone would raise further.
    if (passes === MAX_PASSES) {
      capped = true;
      break;
    }
    const next = new SharePass(index, total + step).run(false).winners;
    passes += 1;
    if (spentOn(index, next) > instance.budgetCents) break;
    total += step;
  }
  const final = new SharePass(index, total).run(true);
  const added = options.completion === 'add1u' ? greedyFill(index, instance.budgetCents, final.winners) : [];
  const selected = [...final.winners, ...added];
  const spentCents = spentOn(index, selected);
  const leftCents = instance.budgetCents - spentCents;
  const rejected = index.costs.flatMap((_, project) => {
    if (selected.includes(project)) return [];
    const unaffordable = final.unaffordable.get(project);
    const reason: RejectionReason = unaffordable
      ? { kind: 'unaffordable', ...unaffordable, beatenBy: unaffordable.beatenBy === null ? null : idOf(unaffordable.beatenBy), leftCents }
      : { kind: 'no-approvals' };
    return [{ projectId: idOf(project), reason }];
  });
  return {
    selected: selected.map(idOf),
    selectedByCompletion: added.map(idOf),
    spentCents,
    shares: { initial: exactCents(budget, voters || 1n), final: exactCents(total, voters || 1n), passes, capped },
    rounds: final.rounds.map(({ project, ...round }) => ({ ...round, projectId: idOf(project) })),
    rejected,
  };
}
