// Two cooperatives with a caller of every kind the rights table has a column for, and one of each resource, so
// access can be tried cell by cell with real ids of the right cooperative and of the other.
import { CALLER_ROLES, type CallerRole } from '@meent/http';
import { v7 as uuidv7 } from 'uuid';
import { admittedMember, command, conveneAssembly, foundCooperative, type FoundedCooperative } from './cooperative-fixture.js';
import type { TestServer } from './test-server.js';

/** A kind of caller: its token, its id in cooperative A (when it has one), and the roles the record gives it. */
export interface CallerKind {
  readonly name: string;
  readonly token: string;
  readonly id?: string;
  /** The rights table's columns that apply to this caller in cooperative A; empty for no or a bad token. */
  readonly roles: readonly CallerRole[];
  readonly authenticated: boolean;
}

/** Ids of one of every aggregate a path can name. */
export interface Resources {
  readonly cooperativeId: string;
  readonly memberId: string;
  readonly budgetId: string;
  readonly assemblyId: string;
  readonly motionId: string;
  readonly initiativeId: string;
  readonly requestId: string;
  readonly resolutionId: string;
}

export interface AccessWorld {
  readonly a: Resources & FoundedCooperative;
  readonly b: Resources;
  readonly callers: readonly CallerKind[];
  /** A caller by the name it is listed under. */
  caller(name: string): CallerKind;
}

/** A cooperative with a treasurer's budget (one expense line, submitted), an assembly with a motion, an assembly
 * request and a member's initiative on that line. */
async function furnish(server: TestServer, cooperative: FoundedCooperative, plainMember: { id: string; token: string }) {
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const treasurer = await admittedMember(server, cooperative, 'Theo Penning', `theo-${cooperative.cooperativeId}@example.nl`);
  await command(server.app, cooperative.admin, `${base}/officers`, { memberId: treasurer.id, office: 'treasurer' });
  const budget = await command(server.app, treasurer.token, `${base}/budgets`, { financialYear: 2027, title: 'Begroting 2027' });
  await command(server.app, treasurer.token, `${base}/budgets/${budget.body.id}/lines`, {
    code: '4100',
    name: 'Buurtinitiatieven',
    kind: 'expense',
    amountCents: 400_000,
  });
  const assembly = await conveneAssembly(server, cooperative);
  const motion = await command(server.app, cooperative.secretary, `${base}/assemblies/${assembly.body.id}/motions`, {
    title: 'Buurtmoestuin',
    text: 'De vergadering besluit tot een buurtmoestuin.',
  });
  const request = await command(server.app, plainMember.token, `${base}/assembly-requests`, { subject: 'De huurverhoging' });
  const resolution = await command(server.app, cooperative.secretary, `${base}/written-resolutions`, { title: 'Bankrekening', text: 'Wij openen een rekening.' });
  const initiative = await command(server.app, plainMember.token, `${base}/initiatives`, {
    title: 'Buurtmoestuin',
    description: 'Een moestuin voor de hele buurt',
    requestedCents: 100_000,
    budgetId: budget.body.id,
    lineCode: '4100',
    tranches: [{ amountCents: 100_000, milestone: 'Aangelegd' }],
    themes: ['meedoen'],
  });
  for (const [what, created] of Object.entries({ budget, assembly, motion, request, initiative, resolution })) {
    if (created.status !== 201) throw new Error(`the fixture could not create its ${what}: ${JSON.stringify(created.body)}`);
  }
  return {
    treasurer,
    resources: {
      cooperativeId: cooperative.cooperativeId,
      memberId: plainMember.id,
      budgetId: budget.body.id,
      assemblyId: assembly.body.id,
      motionId: motion.body.id,
      initiativeId: initiative.body.id,
      requestId: request.body.id,
      resolutionId: resolution.body.id,
    },
  };
}

/** A token whose signature no longer matches: one character in the middle of it changed. */
function forged(token: string): string {
  const at = token.length - 10;
  return `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
}

export async function accessWorld(server: TestServer): Promise<AccessWorld> {
  const a = await foundCooperative(server);
  const base = `/cooperatives/${a.cooperativeId}`;
  const member = (name: string) => admittedMember(server, a, name, `${name.toLowerCase().replaceAll(' ', '.')}@example.nl`);
  const plain = await member('Piet Lid');
  const { treasurer, resources } = await furnish(server, a, plain);
  const chair = await member('Clara Voorzitter');
  const boardMember = await member('Bert Bestuur');
  await command(server.app, a.admin, `${base}/officers`, { memberId: chair.id, office: 'chair' });
  await command(server.app, a.admin, `${base}/officers`, { memberId: boardMember.id, office: 'board-member' });
  const suspended = await member('Saar Geschorst');
  await command(server.app, a.secretary, `${base}/members/${suspended.id}/suspension`, { reason: 'contributie' });
  const former = await member('Fleur Vertrokken');
  await command(server.app, a.secretary, `${base}/members/${former.id}/termination`, { kind: 'deceased' });
  const applied = await command(server.app, a.secretary, `${base}/members`, { name: 'Ada Aspirant', email: 'ada@example.nl' });
  const applicantId = applied.body.id;
  const token = (subject: string, cooperativeId = a.cooperativeId) => server.token(['member'], { subject, cooperativeId });

  const b = await foundCooperative(server);
  const outsider = await admittedMember(server, b, 'Olaf Elders', 'olaf@example.nl');
  const { resources: bResources } = await furnish(server, b, outsider);

  const unregisteredId = uuidv7();
  const callers: CallerKind[] = [
    { name: 'admin', token: a.admin, roles: ['admin'], authenticated: true },
    { name: 'chair', token: chair.token, id: chair.id, roles: ['member', 'chair'], authenticated: true },
    { name: 'secretary', token: a.secretary, id: a.secretaryId, roles: ['member', 'secretary'], authenticated: true },
    { name: 'treasurer', token: treasurer.token, id: treasurer.id, roles: ['member', 'treasurer'], authenticated: true },
    { name: 'board member', token: boardMember.token, id: boardMember.id, roles: ['member', 'board-member'], authenticated: true },
    { name: 'plain member', token: plain.token, id: plain.id, roles: ['member'], authenticated: true },
    { name: 'suspended member', token: suspended.token, id: suspended.id, roles: ['suspended'], authenticated: true },
    { name: 'terminated member', token: former.token, id: former.id, roles: ['former'], authenticated: true },
    { name: 'applicant', token: token(applicantId), id: applicantId, roles: ['applicant'], authenticated: true },
    { name: 'unregistered', token: token(unregisteredId), id: unregisteredId, roles: ['unregistered'], authenticated: true },
    { name: 'member of another cooperative', token: outsider.token, roles: ['other-cooperative'], authenticated: true },
    { name: 'no token', token: '', roles: [], authenticated: false },
    {
      name: 'bad token',
      token: forged(server.token(['admin'], { subject: 'admin-1' })),
      roles: [],
      authenticated: false,
    },
  ];
  const covered = new Set(callers.flatMap((caller) => caller.roles));
  const missing = CALLER_ROLES.filter((role) => !covered.has(role));
  if (missing.length > 0) throw new Error(`no caller of the fixture has the role(s) ${missing.join(', ')}`);
  return {
    a: { ...a, ...resources },
    b: bResources,
    callers,
    caller: (name) => {
      const found = callers.find((caller) => caller.name === name);
      if (!found) throw new Error(`no caller named ${name}`);
      return found;
    },
  };
}
