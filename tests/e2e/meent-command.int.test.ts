import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { SqliteReadModelStore } from '@meent/eventsourcing';
import { temporaryDirectory } from '@meent/eventsourcing/testing';
import { postgresServeEnvironment, postgresTest } from '../support/postgres.js';
import { finished, runTypeScript, spawnTypeScript, waitForLine } from '../support/processes.js';

const CLI = 'packages/cli/src/main.ts';

t.test('meent serve on an empty data directory, meent token, the curl walkthrough, projections, shutdown', async (t) => {
  const dataDir = join(temporaryDirectory(t), 'data');
  const server = spawnTypeScript(CLI, ['serve'], { MEENT_DATA_DIR: dataDir, MEENT_PORT: '0', MEENT_LOG_LEVEL: 'info' });
  t.teardown(() => {
    if (server.exitCode === null) server.kill('SIGKILL');
  });
  const listening = await waitForLine(server, (line) => line.includes('Server listening at'));
  const url = /listening at (http:\/\/127\.0\.0\.1:(\d+))/.exec(listening);
  const baseUrl = url?.[1] ?? '';
  const port = url?.[2] ?? '';
  t.ok(port, `listening on ${baseUrl}`);
  t.equal(statSync(join(dataDir, 'jwt-secret')).mode & 0o777, 0o600, 'the generated secret is readable by its owner only');

  const environment = { MEENT_DATA_DIR: dataDir, MEENT_PORT: port };
  const issued = await runTypeScript(CLI, ['token', '--sub', 'admin-1', '--role', 'admin'], environment);
  t.equal(issued.code, 0, issued.stderr);
  const token = issued.stdout.trim();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  const founded = await fetch(`${baseUrl}/cooperatives`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'Wijkcoöperatie De Meent' }),
  });
  t.equal(founded.status, 201);
  const { id, position } = (await founded.json()) as { id: string; position: number };
  const read = await fetch(`${baseUrl}/cooperatives/${id}?minPosition=${position}`, { headers });
  t.match(await read.json(), { id, name: 'Wijkcoöperatie De Meent' });

  const csvFile = join(temporaryDirectory(t), 'history.csv');
  const exported = await runTypeScript(CLI, ['export', 'history', '--cooperative', id, '--output', csvFile, '--separator', 'semicolon'], environment);
  t.equal(exported.code, 0, exported.stderr);
  t.equal(exported.stderr, `${id}: 1 events written to ${csvFile}\n`);
  const fromApi = await fetch(`${baseUrl}/cooperatives/${id}/events?format=csv&separator=semicolon`, { headers });
  t.same(readFileSync(csvFile), Buffer.from(await fromApi.arrayBuffer()), 'the archive is the API’s CSV export, byte for byte, its byte-order mark too');
  t.notOk(existsSync(`${csvFile}.partial`), 'nothing half written is left beside it');

  const listed = await runTypeScript(CLI, ['projections', 'list'], environment);
  t.equal(listed.code, 0, listed.stderr);
  t.match(listed.stdout, /^NAME\s+STATUS\s+GENERATION\s+POSITION\s+LAG/);
  t.match(listed.stdout, /cooperatives\s+running\s+1\s+1\s+0/);

  const replayed = await runTypeScript(CLI, ['projections', 'replay', 'cooperatives'], environment);
  t.equal(replayed.code, 0, replayed.stderr);
  t.match(replayed.stdout, /replay of cooperatives completed at position 1; now serving generation 2/);
  const afterReplay = await fetch(`${baseUrl}/cooperatives/${id}`, { headers });
  t.equal(afterReplay.status, 200, 'reads are served from the rebuilt tables');

  const elsewhere = await runTypeScript(CLI, ['projections', 'list'], { MEENT_DATA_DIR: join(temporaryDirectory(t), 'other'), MEENT_PORT: port });
  t.equal(elsewhere.code, 1);
  t.match(elsewhere.stderr, /^meent: the server at http:\/\/127\.0\.0\.1:\d+ does not accept this command's token: run it with the server's MEENT_DATA_DIR/, 'another data directory: says which setting to fix');

  const unknown = await runTypeScript(CLI, ['projections', 'replay', 'nonexistent'], environment);
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /no projection named nonexistent/);

  await t.test('an admin on the deployment’s list signs in with a code, which development mail leaves as an .eml file', async (t) => {
    const added = await runTypeScript(CLI, ['admins', 'add', 'Beheer@Example.org'], environment);
    t.equal(added.code, 0, added.stderr);
    t.match(added.stdout, /^added: beheer@example\.org \(/);
    t.match((await runTypeScript(CLI, ['admins', 'list'], environment)).stdout, /^beheer@example\.org\t/);
    const asked = await fetch(`${baseUrl}/admin/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'beheer@example.org' }),
    });
    t.equal(asked.status, 202);
    const mailDirectory = join(dataDir, 'mail');
    const deadline = Date.now() + 20_000;
    let files: string[] = [];
    while (files.length === 0) {
      if (Date.now() > deadline) throw new Error('no .eml file within 20 s');
      files = existsSync(mailDirectory) ? readdirSync(mailDirectory).filter((file) => file.endsWith('.eml')) : [];
      if (files.length === 0) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const message = readFileSync(join(mailDirectory, files[0] ?? ''), 'utf8');
    t.match(message, /^To: beheer@example\.org$/m);
    const code = /Your sign-in code is (\d{8})\./.exec(message)?.[1] ?? '';
    const exchanged = await fetch(`${baseUrl}/admin/sign-in/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'beheer@example.org', code }),
    });
    t.equal(exchanged.status, 200);
    const { accessToken } = (await exchanged.json()) as { accessToken: string };
    const projections = await fetch(`${baseUrl}/admin/projections`, { headers: { authorization: `Bearer ${accessToken}` } });
    t.equal(projections.status, 200, 'the code buys an admin’s token');
    const removed = await runTypeScript(CLI, ['admins', 'remove', 'beheer@example.org'], environment);
    t.match(removed.stdout, /removed: beheer@example\.org; their sessions are revoked/);
    t.equal((await runTypeScript(CLI, ['admins', 'remove', 'beheer@example.org'], environment)).code, 1, 'removing twice says it is not an admin');
  });

  const exit = finished(server);
  server.kill('SIGTERM');
  const { code, stdout } = await exit;
  t.equal(code, 0, 'SIGTERM shuts down cleanly');
  t.match(stdout, /shutting down/);
});

t.test('meent --help, help per command and --version answer without configuration', async (t) => {
  // A data directory that does not exist and a port that is no number: help never reads them.
  const environment = { MEENT_DATA_DIR: '/nonexistent/meent', MEENT_PORT: 'eighty' };
  const help = await runTypeScript(CLI, ['--help'], environment);
  t.equal(help.code, 0);
  t.match(help.stdout, /^usage: meent <command>/);
  t.match(help.stdout, /projections replay NAME/);
  const replayHelp = await runTypeScript(CLI, ['projections', 'replay', '--help'], environment);
  t.equal(replayHelp.code, 0, 'not taken for a projection named --help');
  t.match(replayHelp.stdout, /^usage: meent projections …\n\n {2}projections list[^\n]*\n {2}projections replay NAME/);
  t.notMatch(replayHelp.stdout, /^ +(serve|token|audit|admins) /m, 'only the command asked about');
  const version = await runTypeScript(CLI, ['--version'], environment);
  t.same([version.code, version.stdout], [0, 'meent 0.1.0\n']);
});

t.test('meent with bad input says why and exits 2', async (t) => {
  const dataDir = temporaryDirectory(t);
  const noRole = await runTypeScript(CLI, ['token', '--sub', 'x'], { MEENT_DATA_DIR: dataDir });
  t.equal(noRole.code, 2);
  t.match(noRole.stderr, /at least one --role is required/);
  const memberWithoutCooperative = await runTypeScript(CLI, ['token', '--sub', 'x', '--role', 'member'], { MEENT_DATA_DIR: dataDir });
  t.equal(memberWithoutCooperative.code, 2);
  t.match(memberWithoutCooperative.stderr, /^meent: --cooperative is required for a member token\n/, 'one line naming the flag, no zod issue list');
  const unknownFlag = await runTypeScript(CLI, ['token', '--bogus'], { MEENT_DATA_DIR: dataDir });
  t.equal(unknownFlag.code, 2);
  const badPort = await runTypeScript(CLI, ['serve'], { MEENT_DATA_DIR: dataDir, MEENT_PORT: 'eighty' });
  t.equal(badPort.code, 2);
  t.match(badPort.stderr, /MEENT_PORT/);
  const noServer = await runTypeScript(CLI, ['projections', 'list'], { MEENT_DATA_DIR: dataDir, MEENT_PORT: '1' });
  t.equal(noServer.code, 1);
  t.match(noServer.stderr, /no Meent server answers/);
});

postgresTest('meent serve refused by PostgreSQL for its password or database names the setting and exits 2', async (t, url) => {
  const refusedBy = async (change: (url: URL) => void) => {
    const wrong = new URL(url);
    change(wrong);
    return runTypeScript(CLI, ['serve'], { ...postgresServeEnvironment(wrong.toString(), 'meent_wrong'), MEENT_DATA_DIR: temporaryDirectory(t) });
  };
  const password = await refusedBy((wrong) => (wrong.password = 'not-the-password'));
  t.equal(password.code, 2);
  t.match(password.stderr, /^meent: invalid configuration:\n {2}MEENT_POSTGRES_URL: password authentication failed for user/);
  t.notMatch(password.stdout, /Server listening/, 'it never listened');
  const database = await refusedBy((wrong) => (wrong.pathname = '/no_such_database'));
  t.equal(database.code, 2);
  t.match(database.stderr, /MEENT_POSTGRES_URL: database "no_such_database" does not exist/);
});

t.test('meent migrate --status reads, meent migrate applies, and tables a newer version made stop a start', async (t) => {
  const dataDir = join(temporaryDirectory(t), 'data');
  const environment = { MEENT_DATA_DIR: dataDir };
  const before = await runTypeScript(CLI, ['migrate', '--status'], environment);
  t.equal(before.code, 0, before.stderr);
  t.match(before.stdout, /^events and personal-data keys — not created yet: made at the first start\n {2}events +version 0 of 1, pending:\n +1 the event log/);
  t.match(before.stdout, /read model member_register +generation 1, not built yet/);
  t.notOk(existsSync(dataDir), 'the status created nothing');

  const applied = await runTypeScript(CLI, ['migrate'], environment);
  t.equal(applied.code, 0, applied.stderr);
  t.match(applied.stdout, /^applied events 1: the event log, indexed by stream and by type\n/);
  t.match(applied.stdout, /applied projections 2: each generation's shape/);
  const after = await runTypeScript(CLI, ['migrate', '--status'], environment);
  t.equal(after.code, 0, after.stderr);
  t.match(after.stdout, /^events and personal-data keys — .*events\.db\n {2}events +version 1, up to date\n/);
  t.match(after.stdout, /\n {2}projections +version 2, up to date\n/);
  t.notMatch(after.stdout, /pending/);

  // What a later version's migration of the outbox would have left.
  const readModels = new SqliteReadModelStore({ path: join(dataDir, 'read-models.db') });
  await readModels.transaction((transaction) =>
    transaction.run(
      "INSERT INTO meent_schema_migrations (component, version, description, checksum, applied_at) VALUES ('outbox', 2, 'a later change', '0', '2027-01-01T00:00:00.000Z')",
    ),
  );
  await readModels.close();
  const newer = await runTypeScript(CLI, ['migrate', '--status'], environment);
  t.equal(newer.code, 1, 'the status exits 1');
  t.match(newer.stdout, /\n {2}outbox +cannot be migrated: the outbox tables are at version 2, made by a newer Meent; this one knows versions up to 1/);
  const refused = await runTypeScript(CLI, ['serve'], { ...environment, MEENT_PORT: '0' });
  t.equal(refused.code, 1);
  t.match(refused.stderr, /^meent: the outbox tables are at version 2, made by a newer Meent/);
  t.notMatch(refused.stdout, /Server listening/, 'it never listened');
});

postgresTest('meent migrate --status and meent migrate on PostgreSQL', async (t, url) => {
  const schema = `meent_migrate_${process.pid}`;
  const environment = { ...postgresServeEnvironment(url, schema), MEENT_DATA_DIR: temporaryDirectory(t) };
  t.teardown(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    for (const dropped of [schema, `${schema}_read_models`]) await client.query(`DROP SCHEMA IF EXISTS "${dropped}" CASCADE`);
    await client.end();
  });
  const before = await runTypeScript(CLI, ['migrate', '--status'], environment);
  t.equal(before.code, 0, before.stderr);
  t.match(before.stdout, new RegExp(`^events and personal-data keys — PostgreSQL schema ${schema}\\n {2}events +version 0 of 3, pending:`));
  const applied = await runTypeScript(CLI, ['migrate'], environment);
  t.equal(applied.code, 0, applied.stderr);
  t.match(applied.stdout, /applied events 3: appends without a store-wide lock, positioned in transaction order/);
  const after = await runTypeScript(CLI, ['migrate', '--status'], environment);
  t.equal(after.code, 0, after.stderr);
  t.match(after.stdout, new RegExp(`read models, sessions and outboxes — PostgreSQL schema ${schema}_read_models\\n {2}projections +version 2, up to date`));
  t.notMatch(after.stdout, /pending/);
  t.same([before.stderr, applied.stderr, after.stderr], ['', '', ''], 'no warning: one connection is asked one query at a time');
});
