// Benchmark (not a test): the Method of Equal Shares with Add1 completion, in exact arithmetic, on 100 projects and
// 10,000 approval ballots — beside greedy by approvals on the same instance, in the same run. Target: under 2 s.
// The instance is drawn from a fixed seed: projects of €5,000 to €100,000, a budget of 30% of their total, each voter
// approving 3 to 10 projects, some projects far more popular than others (as in city budgets).
import { equalShares, greedyByApprovals, type PbInstance } from '../../services/initiative-funding/src/domain/equal-shares.js';
import { median } from './measure.js';

const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 100);
const BALLOTS = Number(process.env.BENCH_BALLOTS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const format = (value: number) => value.toLocaleString('en', { maximumFractionDigits: 1 });

/** A small deterministic generator (a linear congruential one), so every run counts the same votes. */
let seed = 2027;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

const projects = Array.from({ length: PROJECTS }, (_, index) => ({ id: `p${index}`, costCents: (5_000 + Math.floor(random() * 95_000)) * 100 }));
const popularity = projects.map(() => random() ** 2);
const ballots = Array.from({ length: BALLOTS }, () => {
  const size = 3 + Math.floor(random() * 8);
  const approved = new Set<string>();
  while (approved.size < size) {
    const project = Math.floor(random() * PROJECTS);
    if (random() < 0.2 + popularity[project]!) approved.add(projects[project]!.id);
  }
  return [...approved];
});
const total = projects.reduce((sum, project) => sum + project.costCents, 0);
const instance: PbInstance = { budgetCents: Math.floor((total * 0.3) / 100) * 100, projects, ballots };
const lot = projects.map((project) => project.id);

// One run first, so the figures are of warm code, as in a server that has counted before.
const outcome = equalShares(instance, { completion: 'add1', stepCents: 100, lot });
const mesMs = await median(RUNS, async () => equalShares(instance, { completion: 'add1', stepCents: 100, lot }));
const completedMs = await median(RUNS, async () => equalShares(instance, { completion: 'add1u', stepCents: 100, lot }));
const greedyMs = await median(RUNS, async () => greedyByApprovals(instance, lot));
const greedy = greedyByApprovals(instance, lot);

process.stdout.write(
  [
    `${PROJECTS} projects, ${format(BALLOTS)} ballots, budget €${format(instance.budgetCents / 100)}; median of ${RUNS} runs`,
    `Method of Equal Shares, Add1 (${outcome.shares.passes} passes, share €${format(outcome.shares.initial.cents / 100)} → €${format(outcome.shares.final.cents / 100)}): ${format(mesMs)} ms, ${outcome.selected.length} funded, ${format((100 * outcome.spentCents) / instance.budgetCents)}% spent`,
    `  with greedy completion (add1u): ${format(completedMs)} ms`,
    `greedy by approvals: ${format(greedyMs)} ms, ${greedy.length} funded`,
    `ratio MES/greedy: ${format(mesMs / greedyMs)}×; target for MES with completion: < 2,000 ms — ${completedMs < 2_000 ? 'met' : 'NOT met'}`,
    '',
  ].join('\n'),
);
