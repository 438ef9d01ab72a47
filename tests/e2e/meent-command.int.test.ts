import { statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { temporaryDirectory } from '@meent/eventsourcing/testing';
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

  const listed = await runTypeScript(CLI, ['projections', 'list'], environment);
  t.equal(listed.code, 0, listed.stderr);
  t.match(listed.stdout, /^NAME\s+STATUS\s+GENERATION\s+POSITION\s+LAG/);
  t.match(listed.stdout, /cooperatives\s+running\s+1\s+1\s+0/);

  const replayed = await runTypeScript(CLI, ['projections', 'replay', 'cooperatives'], environment);
  t.equal(replayed.code, 0, replayed.stderr);
  t.match(replayed.stdout, /replay of cooperatives completed at position 1; now serving generation 2/);
  const afterReplay = await fetch(`${baseUrl}/cooperatives/${id}`, { headers });
  t.equal(afterReplay.status, 200, 'reads are served from the rebuilt tables');

  const unknown = await runTypeScript(CLI, ['projections', 'replay', 'nonexistent'], environment);
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /no projection named nonexistent/);

  const exit = finished(server);
  server.kill('SIGTERM');
  const { code, stdout } = await exit;
  t.equal(code, 0, 'SIGTERM shuts down cleanly');
  t.match(stdout, /shutting down/);
});

t.test('meent with bad input says why and exits 2', async (t) => {
  const dataDir = temporaryDirectory(t);
  const noRole = await runTypeScript(CLI, ['token', '--sub', 'x'], { MEENT_DATA_DIR: dataDir });
  t.equal(noRole.code, 2);
  t.match(noRole.stderr, /at least one --role is required/);
  const unknownFlag = await runTypeScript(CLI, ['token', '--bogus'], { MEENT_DATA_DIR: dataDir });
  t.equal(unknownFlag.code, 2);
  const badPort = await runTypeScript(CLI, ['serve'], { MEENT_DATA_DIR: dataDir, MEENT_PORT: 'eighty' });
  t.equal(badPort.code, 2);
  t.match(badPort.stderr, /MEENT_PORT/);
  const noServer = await runTypeScript(CLI, ['projections', 'list'], { MEENT_DATA_DIR: dataDir, MEENT_PORT: '1' });
  t.equal(noServer.code, 1);
  t.match(noServer.stderr, /no Meent server answers/);
});
