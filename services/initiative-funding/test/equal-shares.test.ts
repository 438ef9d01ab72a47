// The Method of Equal Shares against answers worked out by hand and against the published outcomes of real
// participatory budgets that used it, read from their pabulib files.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { equalShares, greedyByApprovals, type PbInstance } from '../src/domain/equal-shares.js';
import { amountOf, centsOf, instanceOfPb, parsePb, pbDate, PbFormatError, writePb } from '../src/domain/pabulib.js';

const euros = (amount: number) => amount * 100;
const noCompletion = { completion: 'none', stepCents: 100, lot: [] } as const;

t.test('a worked example: the project most voters share is funded first, each supporter paying an equal part', async (t) => {
  // Three voters, €300: each holds €100. A (€200) is wanted by v0 and v1, B (€100) by v2, C (€150) by all three.
  const instance: PbInstance = {
    budgetCents: euros(300),
    projects: [
      { id: 'A', costCents: euros(200) },
      { id: 'B', costCents: euros(100) },
      { id: 'C', costCents: euros(150) },
    ],
    ballots: [['A', 'C'], ['A', 'C'], ['B', 'C']],
  };
  const outcome = equalShares(instance, noCompletion);
  // C costs each of three €50 (effective votes 150/50 = 3); A would cost two €100 (2); B one €100 (1).
  t.same(outcome.selected, ['C']);
  t.same(outcome.rounds, [
    { round: 1, projectId: 'C', costCents: euros(150), effectiveVotes: '3', payments: [{ paid: { exact: '5000', cents: 5000 }, ballots: [0, 1, 2] }] },
  ]);
  // After C, v0 and v1 hold €50 each (€100 < A's €200) and v2 holds €50 (< B's €100).
  t.same(outcome.rejected, [
    { projectId: 'A', reason: { kind: 'unaffordable', afterRound: 1, beatenBy: 'C', moneyBehind: { exact: '10000', cents: 10000 }, leftCents: euros(150) } },
    { projectId: 'B', reason: { kind: 'unaffordable', afterRound: 1, beatenBy: 'C', moneyBehind: { exact: '5000', cents: 5000 }, leftCents: euros(150) } },
  ]);
  t.equal(outcome.spentCents, euros(150));

  // Add1: at a share of €150 C, then A and B would be funded (€450 > €300), so the last share that fits is €149.
  const raised = equalShares(instance, { ...noCompletion, completion: 'add1' });
  t.same(raised.selected, ['C']);
  t.same(raised.shares, { initial: { exact: '10000', cents: 10000 }, final: { exact: '14900', cents: 14900 }, passes: 51, capped: false });

  // Greedy completion then funds B (€100) from the €150 left; A (€200) does not fit.
  const completed = equalShares(instance, { ...noCompletion, completion: 'add1u' });
  t.same(completed.selected, ['C', 'B']);
  t.same(completed.selectedByCompletion, ['B']);
  t.equal(completed.spentCents, euros(250));
});

t.test('shares are exact fractions of a cent, never rounded before the end', async (t) => {
  // €100 among three voters who all want the one €100 project: each pays 10000/3 cents.
  const outcome = equalShares({ budgetCents: euros(100), projects: [{ id: 'X', costCents: euros(100) }], ballots: [['X'], ['X'], ['X']] }, noCompletion);
  t.same(outcome.shares.initial, { exact: '10000/3', cents: 3333 });
  t.same(outcome.rounds[0]?.payments, [{ paid: { exact: '10000/3', cents: 3333 }, ballots: [0, 1, 2] }]);
});

t.test('supporters pay everything they have left when that is what it takes', async (t) => {
  // Four voters with €50 each. E (€160, all four) costs each €40 (effective votes 4) and goes before F (€30, v0–v2,
  // €10 each: 3); after E, v0–v2 hold exactly F's €30.
  const outcome = equalShares(
    {
      budgetCents: euros(200),
      projects: [
        { id: 'E', costCents: euros(160) },
        { id: 'F', costCents: euros(30) },
      ],
      ballots: [['E', 'F'], ['E', 'F'], ['E', 'F'], ['E']],
    },
    noCompletion,
  );
  t.same(outcome.selected, ['E', 'F']);
  t.same(outcome.rounds[1]?.payments, [{ paid: { exact: '1000', cents: 1000 }, ballots: [0, 1, 2] }]);
  t.equal(outcome.rounds[1]?.effectiveVotes, '3');
});

t.test('ties go to the lower cost, then to the lot', async (t) => {
  const twoVoters = (projects: PbInstance['projects']): PbInstance => ({ budgetCents: euros(100), projects, ballots: [projects.map((p) => p.id), projects.map((p) => p.id)] });
  // P (€100) and Q (€60) both cost their two supporters half their cost per euro: equal effective votes; Q is cheaper.
  const cheaper = equalShares(twoVoters([{ id: 'P', costCents: euros(100) }, { id: 'Q', costCents: euros(60) }]), noCompletion);
  t.same(cheaper.selected, ['Q']);
  // Same cost, same approvals: the lot's order decides, either way round.
  const same = [{ id: 'P', costCents: euros(100) }, { id: 'Q', costCents: euros(100) }];
  t.same(equalShares(twoVoters(same), { ...noCompletion, lot: ['Q', 'P'] }).selected, ['Q']);
  t.same(equalShares(twoVoters(same), { ...noCompletion, lot: ['P', 'Q'] }).selected, ['P']);
});

t.test('a project nobody approved is rejected as such; no voters fund nothing', async (t) => {
  const outcome = equalShares({ budgetCents: euros(100), projects: [{ id: 'N', costCents: euros(10) }], ballots: [[]] }, { ...noCompletion, completion: 'add1' });
  t.same(outcome.selected, []);
  t.same(outcome.rejected, [{ projectId: 'N', reason: { kind: 'no-approvals' } }]);
  t.same(equalShares({ budgetCents: euros(100), projects: [{ id: 'N', costCents: euros(10) }], ballots: [] }, { ...noCompletion, completion: 'add1' }).selected, []);
});

t.test('raising the shares stops at its bound, keeping the last outcome that fitted', async (t) => {
  // €20,000 between two voters: X (€30,000, voter 0) would take 20,000 one-euro raises before voter 0 alone could pay
  // it; the count stops after 10,000 passes with Y funded, and says so.
  const outcome = equalShares(
    {
      budgetCents: euros(20_000),
      projects: [
        { id: 'X', costCents: euros(30_000) },
        { id: 'Y', costCents: euros(1) },
      ],
      ballots: [['X'], ['Y']],
    },
    { ...noCompletion, completion: 'add1' },
  );
  t.same(outcome.selected, ['Y']);
  t.match(outcome.shares, { passes: 10_000, capped: true, final: { cents: euros(19_999) } });
});

t.test('greedy by approvals funds the most approved first, skipping what no longer fits', async (t) => {
  const instance: PbInstance = {
    budgetCents: euros(300),
    projects: [
      { id: 'A', costCents: euros(200) },
      { id: 'B', costCents: euros(150) },
      { id: 'C', costCents: euros(50) },
      { id: 'D', costCents: euros(20) },
    ],
    ballots: [['A', 'B'], ['A', 'B'], ['A', 'C'], ['B', 'D']],
  };
  // A and B have three approvals each: B is cheaper and goes first; A (€200) no longer fits the €150 left and is
  // skipped; of C and D (one approval each) the cheaper D goes first, then C.
  t.same(greedyByApprovals(instance, []), ['B', 'D', 'C']);
});

/**
 * Real participatory budgets that used the Method of Equal Shares with Add1 completion, as published on pabulib
 * (github.com/pabulib/pabulib_files, `pb_files/`): the `selected` column is the outcome the city announced.
 */
const PUBLISHED = [
  { file: 'Netherlands_Assen_2024.pb', source: 'Assen Top Idee 2024 (youth budget, 84 voters, €100,000)', selected: 9 },
  { file: 'Poland_Swiecie_2023.pb', source: 'Świecie municipal PB 2023 (2,553 voters, 1,070,000 PLN)', selected: 17 },
  { file: 'Poland_Wieliczka_2023_Green_Budget.pb', source: 'Wieliczka Green Million 2023 (6,586 voters, 1,000,000 PLN)', selected: 30 },
] as const;

for (const { file, source, selected } of PUBLISHED) {
  t.test(`the published outcome of ${source}`, async (t) => {
    const pb = parsePb(readFileSync(new URL(`./pabulib/${file}`, import.meta.url), 'utf8'));
    const instance = instanceOfPb(pb);
    const published = pb.projects.filter((project) => project.selected === '1').map((project) => project.project_id!);
    const outcome = equalShares(instance, { completion: 'add1', stepCents: 100, lot: instance.projects.map((project) => project.id) });
    t.equal(published.length, selected, 'the file names the announced winners');
    t.same([...outcome.selected].sort(), [...published].sort());
    t.ok(outcome.spentCents <= instance.budgetCents);
  });
}

t.test('a .pb file written and read back holds the same votes', async (t) => {
  const file = {
    meta: { description: 'Buurtbudget; "De Meent"', num_projects: '2', num_votes: '2', budget: '1500.50', vote_type: 'approval' },
    projects: [
      { project_id: 'a', cost: '1000', name: 'Moestuin; met "kas"' },
      { project_id: 'b', cost: '500.50', name: 'Bankjes' },
    ],
    votes: [
      { voter_id: 'v1', vote: 'a,b' },
      { voter_id: 'v2', vote: 'b' },
    ],
  };
  const text = writePb(file, ['project_id', 'cost', 'name'], ['voter_id', 'vote']);
  t.match(text, /^description;"Buurtbudget; ""De Meent"""$/m);
  t.same(parsePb(text), file);
  t.same(instanceOfPb(parsePb(text)), {
    budgetCents: 150050,
    projects: [
      { id: 'a', costCents: 100000 },
      { id: 'b', costCents: 50050 },
    ],
    ballots: [['a', 'b'], ['b']],
  });
});

t.test('a .pb file that cannot be counted is refused with where it goes wrong', async (t) => {
  const base = 'META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;50\nVOTES\nvoter_id;vote\nv;1\n';
  const refusal = (text: string) => {
    try {
      instanceOfPb(parsePb(text));
    } catch (error) {
      if (error instanceof PbFormatError) return error.field;
      throw error;
    }
    return null;
  };
  t.equal(refusal(base), null);
  t.equal(refusal(base.replace('budget;100', 'budget;lots')), 'META.budget');
  t.equal(refusal(base.replace('1;50', '1;-5')), 'PROJECTS[0].cost');
  t.equal(refusal(base.replace('v;1', 'v;2')), 'VOTES[0].vote');
  t.equal(refusal(base.replace('vote_type;approval', 'vote_type;ordinal')), 'META.vote_type');
  t.equal(refusal(base.replace('VOTES\nvoter_id;vote\nv;1\n', '')), 'VOTES');
  t.equal(refusal(`x;y\n${base}`), 'META');
});

t.test('a .pb file as spreadsheets write it: a byte-order mark, CRLF line ends, quoted fields, decimal amounts', async (t) => {
  const text =
    '\uFEFFMETA\r\nkey;value\r\nbudget;"1234,5"\r\ndescription;"Buurt ""Noord""; fase 1"\r\n\r\nPROJECTS\r\nproject_id;cost;name\r\n1;600.25;"Bankjes\r\nen bomen"\r\n2; 400 ;Mural\r\nVOTES\r\nvoter_id;vote\r\nv1;1, 2\r\nv2;2,\r\n';
  const file = parsePb(text);
  t.strictSame(file.meta, { budget: '1234,5', description: 'Buurt "Noord"; fase 1' });
  t.strictSame(file.projects, [
    { project_id: '1', cost: '600.25', name: 'Bankjes\r\nen bomen' },
    { project_id: '2', cost: '400', name: 'Mural' },
  ]);
  t.strictSame(instanceOfPb(file), {
    budgetCents: 123_450,
    projects: [
      { id: '1', costCents: 60_025 },
      { id: '2', costCents: 40_000 },
    ],
    ballots: [['1', '2'], ['2']],
  });
});

t.test('amounts are read exactly, or refused naming the field', async (t) => {
  t.equal(centsOf('12', 'cost'), 1_200);
  t.equal(centsOf('12.5', 'cost'), 1_250);
  t.equal(centsOf('12,05', 'cost'), 1_205);
  t.equal(centsOf('12.500', 'cost'), 1_250, 'trailing zeros after the cents');
  t.equal(centsOf(' 7 ', 'cost'), 700);
  for (const amount of ['12.345', '-5', '0', '1e3', '12.', 'twaalf', '12 euro', `${Number.MAX_SAFE_INTEGER}`]) {
    t.throws(() => centsOf(amount, 'PROJECTS[0].cost'), { name: 'PbFormatError', field: 'PROJECTS[0].cost' }, amount);
  }
  t.equal(amountOf(123_450), '1234.50');
  t.equal(amountOf(123_400), '1234');
  t.equal(amountOf(5), '0.05');
  t.equal(pbDate('2027-03-09T10:00:00.000Z'), '09.03.2027');
});

t.test('a .pb file written and read again is the same file, whatever its fields hold', async (t) => {
  const file = {
    meta: { description: 'Buurt "Noord"; fase 1', budget: '300', vote_type: 'approval' },
    projects: [{ project_id: 'p1', cost: '100', name: 'Bankjes; en bomen' }, { project_id: 'p2', cost: '200', name: 'twee\nregels' }],
    votes: [{ voter_id: 'v1', vote: 'p1,p2' }],
  };
  t.strictSame(parsePb(writePb(file, ['project_id', 'cost', 'name'], ['voter_id', 'vote'])), file);
  t.throws(() => instanceOfPb({ ...file, meta: { ...file.meta, vote_type: 'ordinal' } }), { name: 'PbFormatError', field: 'META.vote_type' });
  t.throws(() => instanceOfPb({ ...file, projects: [{ project_id: '', cost: '100' }] }), { name: 'PbFormatError', field: 'PROJECTS[0].project_id' });
  t.throws(() => instanceOfPb({ ...file, votes: [{ voter_id: 'v1', vote: 'p9' }] }), { name: 'PbFormatError' });
  t.throws(() => parsePb('PROJECTS\nproject_id;cost\n'), { name: 'PbFormatError', field: 'META' });
  t.throws(() => parsePb('META\nkey;value\nbudget;1\nPROJECTS\nproject_id;cost\n'), { name: 'PbFormatError', field: 'VOTES' });
});

t.test('a project that takes exactly what is left is funded; one cent more is not', async (t) => {
  const instance = (budgetCents: number): PbInstance => ({
    budgetCents,
    projects: [
      { id: 'A', costCents: euros(200) },
      { id: 'B', costCents: euros(100) },
    ],
    ballots: [['A', 'B'], ['A'], ['A']],
  });
  t.same(greedyByApprovals(instance(euros(300)), []), ['A', 'B'], 'greedy: B fits the €100 left exactly');
  t.same(greedyByApprovals(instance(euros(300) - 1), []), ['A'], 'greedy: one cent short');
  // With every approved project fitting the budget exactly, there is nothing to raise the shares towards: A takes
  // two thirds of each share, and B's one supporter has a third of €100 left.
  const fitting = equalShares(instance(euros(300)), { ...noCompletion, completion: 'add1' });
  t.same(fitting.selected, ['A']);
  t.same(fitting.shares.final, fitting.shares.initial);
  t.equal(fitting.shares.passes, 1);
  const completed = equalShares(instance(euros(300)), { ...noCompletion, completion: 'add1u' });
  t.same(completed.selectedByCompletion, ['B'], 'completion funds B with exactly the €100 left');
  t.equal(completed.spentCents, euros(300));
  const short = equalShares(instance(euros(300) - 1), { ...noCompletion, completion: 'add1u' });
  t.same(short.selectedByCompletion, [], 'one cent short');
});
