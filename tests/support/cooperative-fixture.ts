import type { HttpApp } from '@meent/http';
import { bearer, days, type TestServer } from './test-server.js';

export interface FoundedCooperative {
  readonly cooperativeId: string;
  readonly admin: string;
  /** A token of the admitted member who holds the office of secretary. */
  readonly secretary: string;
  readonly secretaryId: string;
  /** The position of the last event written, for `?minPosition=`. */
  position: number;
}

export async function command(app: HttpApp, token: string, url: string, payload?: object) {
  const response = await app.inject({ method: 'POST', url, headers: bearer(token), ...(payload ? { payload } : {}) });
  return { status: response.statusCode, body: response.json() as { id: string; position: number; code?: string; rule?: string } };
}

/** An admin founds a cooperative, registers and admits its first member and appoints them secretary. */
export async function foundCooperative(server: TestServer, rules: object = {}): Promise<FoundedCooperative> {
  const admin = server.token(['admin'], { subject: 'admin-1' });
  const founded = await command(server.app, admin, '/cooperatives', { name: 'Wijkcoöperatie De Meent', rules });
  const cooperativeId = founded.body.id;
  const registered = await command(server.app, admin, `/cooperatives/${cooperativeId}/members`, {
    name: 'Sanne Secretaris',
    email: 'sanne@example.nl',
  });
  const secretaryId = registered.body.id;
  await command(server.app, admin, `/cooperatives/${cooperativeId}/members/${secretaryId}/admission`);
  const appointed = await command(server.app, admin, `/cooperatives/${cooperativeId}/officers`, {
    memberId: secretaryId,
    office: 'secretary',
  });
  return {
    cooperativeId,
    admin,
    secretary: server.token(['member'], { subject: secretaryId, cooperativeId }),
    secretaryId,
    position: appointed.body.position,
  };
}

/** The secretary registers and admits a member; returns their id and token. */
export async function admittedMember(server: TestServer, cooperative: FoundedCooperative, name: string, email: string) {
  const base = `/cooperatives/${cooperative.cooperativeId}/members`;
  const registered = await command(server.app, cooperative.secretary, base, { name, email });
  const admitted = await command(server.app, cooperative.secretary, `${base}/${registered.body.id}/admission`);
  cooperative.position = admitted.body.position;
  return {
    id: registered.body.id,
    token: server.token(['member'], { subject: registered.body.id, cooperativeId: cooperative.cooperativeId }),
  };
}

/** The admin appoints a treasurer and a chair from among newly admitted members; returns both. */
export async function withTreasurerAndChair(server: TestServer, cooperative: FoundedCooperative) {
  const base = `/cooperatives/${cooperative.cooperativeId}`;
  const treasurer = await admittedMember(server, cooperative, 'Theo Penning', 'theo@example.nl');
  const chair = await admittedMember(server, cooperative, 'Clara Voorzitter', 'clara@example.nl');
  await command(server.app, cooperative.admin, `${base}/officers`, { memberId: treasurer.id, office: 'treasurer' });
  const appointed = await command(server.app, cooperative.admin, `${base}/officers`, { memberId: chair.id, office: 'chair' });
  cooperative.position = appointed.body.position;
  return { treasurer, chair };
}

export async function read<Body = Record<string, unknown>>(app: HttpApp, token: string, url: string) {
  const response = await app.inject({ method: 'GET', url, headers: bearer(token) });
  return { status: response.statusCode, body: response.json() as Body };
}

/**
 * The ids of a list read a page at a time, each page after the last one's `nextCursor` (`url` takes `&after=`). At
 * most ten pages: a cursor that does not move on ends the walk instead of running forever.
 */
export async function idsPageByPage(app: HttpApp, token: string, url: string, list: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 10 && (pages === 0 || cursor); pages += 1) {
    const page: { status: number; body: Record<string, unknown> } = await read(app, token, `${url}${cursor ? `&after=${cursor}` : ''}`);
    if (page.status !== 200) throw new Error(`${url}: ${page.status} ${JSON.stringify(page.body)}`);
    ids.push(...(page.body[list] as { id: string }[]).map((row) => row.id));
    cursor = page.body.nextCursor as string | null;
  }
  return ids;
}

/** The secretary convenes an online assembly 20 days from the server's now; returns the answer to the command. */
export function conveneAssembly(server: TestServer, cooperative: FoundedCooperative, extra: object = {}) {
  return command(server.app, cooperative.secretary, `/cooperatives/${cooperative.cooperativeId}/assemblies`, {
    title: 'Ledenvergadering',
    scheduledAt: new Date(server.clock.now().getTime() + days(20)).toISOString(),
    venue: { kind: 'online' },
    ...extra,
  });
}
