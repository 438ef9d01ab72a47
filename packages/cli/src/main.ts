// The `meent` command: serve, token, projections, audit, admins, migrate — and help for each.
import { readFileSync } from 'node:fs';
import type { Role } from '@meent/http';
import { ConfigError, loadConfig, tokenSettings, type MeentConfig } from '@meent/server/settings';
import { z } from 'zod';
import { parseCommandLine, UsageError } from './usage-error.js';

// The server and each command's modules load only when a command needs them: help, the version and a usage error
// answer at once.

const USAGE = `usage: meent <command>   (meent --help, meent <command> --help, meent --version)

  serve [--only SERVICE[,SERVICE…]]       start the API (MEENT_HOST, MEENT_PORT, MEENT_DATA_DIR, …); with --only,
                                          just those of membership, voting, budget, initiative-funding
  token --sub ID [--cooperative ID] --role admin|member [--role …] [--expires-in SECONDS]
                                          print a signed bearer token
  projections list                        list projections of the running server
  projections replay NAME                 rebuild a projection, with a progress bar on a terminal
  audit verify [--cooperative ID]         recheck every hash, link and seal in the store; exit 1 if one is broken
  admins add|remove EMAIL, admins list    the addresses that sign in as admin with an e-mailed code
  export history --cooperative ID [--output FILE] [--separator comma|semicolon]
                                          the cooperative's whole history as CSV, read from the store (the API's
                                          export, no server needed); a progress bar on a terminal
  migrate [--status]                      apply every database's pending migrations (meent serve does at start);
                                          with --status, only say what each database has and lacks (exit 1 when
                                          this version cannot migrate one) and which read models a start rebuilds
`;

/** The roles a token may carry: `@meent/http`'s, named here so that checking a flag loads no server code. */
const ROLES = ['admin', 'member'] as const satisfies readonly Role[];

const tokenOptions = z.object({
  sub: z.string({ error: '--sub is required' }).min(1, '--sub is required'),
  cooperative: z.uuid('--cooperative must be a cooperative id').optional(),
  role: z
    .array(z.enum(ROLES, { error: '--role is admin or member' }), { error: 'at least one --role is required' })
    .min(1, 'at least one --role is required'),
  'expires-in': z.coerce.number({ error: '--expires-in is a number of seconds' }).int().positive().default(24 * 60 * 60),
})
  // The token's own rule (a member's token names its cooperative), said here in terms of the flag to add.
  .refine((options) => options.role.includes('admin') || options.cooperative !== undefined, {
    message: '--cooperative is required for a member token',
  });

async function tokenCommand(config: MeentConfig, args: string[]): Promise<void> {
  const { values } = parseCommandLine({
    args,
    options: {
      sub: { type: 'string' },
      cooperative: { type: 'string' },
      role: { type: 'string', multiple: true },
      'expires-in': { type: 'string' },
    },
    strict: true,
  });
  const parsed = tokenOptions.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join('; '));
  const roles = parsed.data.role;
  const { signToken } = await import('@meent/http');
  const token = signToken(tokenSettings(config), {
    subject: parsed.data.sub,
    ...(parsed.data.cooperative ? { cooperativeId: parsed.data.cooperative } : {}),
    roles,
    expiresInSeconds: parsed.data['expires-in'],
    now: new Date(),
  });
  process.stdout.write(`${token}\n`);
}

async function serveCommand(config: MeentConfig, args: readonly string[]): Promise<void> {
  const [flag, only] = args;
  if (flag !== undefined && (flag !== '--only' || !only)) throw new UsageError('serve takes only --only SERVICE[,SERVICE…]');
  const [{ buildServer }, { serve }] = await Promise.all([import('@meent/server'), import('@meent/http')]);
  const app = await buildServer({ config: only ? loadConfig({ ...process.env, MEENT_SERVICES: only }) : config });
  await serve(app, { host: config.host, port: config.port });
}

const HELP_FLAGS = new Set(['--help', '-h']);

/** The usage lines of one command (the first line and those that begin with it), or all of them. */
function usageOf(command: string | undefined): string {
  const described: string[] = [];
  let inCommand = false;
  for (const line of USAGE.split('\n')) {
    // A command's description may run on to indented lines below it.
    const continued = /^\s{20,}\S/.test(line);
    inCommand = command !== undefined && (line.trimStart().startsWith(`${command} `) || (inCommand && continued));
    if (inCommand) described.push(line);
  }
  if (described.length === 0) return USAGE;
  return `usage: meent ${command} …\n\n${described.join('\n')}\n`;
}

const version = () => (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  // Help and the version need no configuration: they answer before it is read.
  if (command === '--version' || command === '-v') {
    process.stdout.write(`meent ${version()}\n`);
    return;
  }
  if (command === 'help' || (command !== undefined && HELP_FLAGS.has(command))) {
    process.stdout.write(usageOf(rest[0]));
    return;
  }
  if (rest.some((argument) => HELP_FLAGS.has(argument))) {
    process.stdout.write(usageOf(command));
    return;
  }
  const config = loadConfig();
  switch (command) {
    case 'serve':
      return serveCommand(config, rest);
    case 'token':
      return tokenCommand(config, rest);
    case 'projections':
      return (await import('./projections.command.js')).projectionsCommand(config, rest);
    case 'audit':
      return (await import('./audit.command.js')).auditCommand(config, rest);
    case 'admins':
      return (await import('./admins.command.js')).adminsCommand(config, rest);
    case 'export':
      return (await import('./export.command.js')).exportCommand(config, rest);
    case 'migrate':
      return (await import('./migrate.command.js')).migrateCommand(config, rest);
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'no command given');
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof ConfigError) {
    process.stderr.write(`meent: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`meent: ${message}\n`);
  process.exit(1);
});
