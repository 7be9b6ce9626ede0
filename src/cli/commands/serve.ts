// `byok serve`: the thin CLI face of src/serve (a local Managed HSM–compatible endpoint for rehearsals),
// and its `principal add` and `audit verify` subcommands. The server code is imported only when this
// command runs, so other commands do not load it.
import { resolve } from 'node:path';
import { ByokError } from '../../errors.js';
import { integer, str, type CommandSpec } from '../args.js';
import { kv, type Command, type Ctx } from '../context.js';
import { EXIT_OK } from '../exit-codes.js';

const spec: CommandSpec = {
  name: 'serve',
  summary: 'run a local Managed HSM–compatible endpoint to rehearse imports (not a production HSM)',
  usage: [
    'byok serve --data DIR [--port 8443] [--host 127.0.0.1]',
    'byok serve principal add --data DIR --name NAME [--role ROLE [--scope /keys|/keys/NAME]]',
    'byok serve audit verify --data DIR',
  ],
  description:
    'Serves the Key Vault keys REST API as a Managed HSM does (create, import of JWKs and .byok blobs,\n' +
    'key operations, soft delete), local RBAC with the built-in roles, an Entra-style token endpoint for\n' +
    'client credentials, and an audit log, over HTTPS with its own CA. The real @azure/keyvault-keys and\n' +
    '@azure/identity clients work unchanged. NOT a production HSM: keys are software keys in DIR.\n' +
    'The first start creates DIR: ca.pem (trust it), admin.json (tenantId, clientId, clientSecret of an\n' +
    'administrator), the key store and the audit log; later starts reuse them. Ctrl-C stops it.\n' +
    'principal add: writes DIR/principals/NAME.json (same fields as admin.json); works while it runs.\n' +
    '  ROLE: Administrator, Crypto Officer, Crypto User, Policy Administrator, Crypto Auditor,\n' +
    '  Crypto Service Encryption User, Crypto Service Release User, Backup, Restore (scope default /).\n' +
    'audit verify: checks the hash chain of DIR/audit/*.jsonl; exit 1 when a line was edited or removed.',
  options: {
    data: { type: 'string', arg: 'DIR', help: 'the data folder (created on first start)' },
    port: { type: 'string', arg: 'PORT', help: 'TCP port (default 8443; 0 picks a free one)' },
    host: { type: 'string', arg: 'ADDR', help: 'address to listen on (default 127.0.0.1, loopback only)' },
    name: { type: 'string', arg: 'NAME', help: 'principal add: the principal\'s file name' },
    role: { type: 'string', arg: 'ROLE', help: 'principal add: a built-in role to assign' },
    scope: { type: 'string', arg: 'SCOPE', help: 'principal add: /, /keys or /keys/NAME (default /)' },
  },
  positionals: ['SUBCOMMAND?', 'ACTION?'],
  examples: [
    'byok serve --data ./hsm',
    'byok serve principal add --data ./hsm --name importer --role "Crypto User" --scope /keys',
    'byok serve audit verify --data ./hsm',
  ],
};

function usage(what: string): ByokError {
  return new ByokError('USAGE', `${what}: see 'byok serve --help'`);
}

function dataDir(values: Readonly<Record<string, string | boolean | undefined>>): string {
  const d = str(values, 'data');
  if (d === undefined || d === '') throw usage('missing --data DIR (the folder byok serve keeps its keys, CA and audit log in)');
  return resolve(d);
}

/** Waits for Ctrl-C or SIGTERM. */
function untilSignal(): Promise<string> {
  return new Promise((res) => {
    const on = (sig: string) => (): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      res(sig);
    };
    const onInt = on('SIGINT');
    const onTerm = on('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}

async function runServer(values: Readonly<Record<string, string | boolean | undefined>>, ctx: Ctx): Promise<number> {
  for (const o of ['name', 'role', 'scope']) if (values[o] !== undefined) throw usage(`--${o} belongs to 'byok serve principal add'`);
  const dir = dataDir(values);
  const port = integer(spec, values, 'port', 0, 65535) ?? 8443;
  const host = str(values, 'host') ?? '127.0.0.1';
  const { startServer } = await import('../../serve/index.js');
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ dataDir: dir, port, host, log: (line) => ctx.io.stderr.write(`byok serve: ${line}\n`) });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw usage(`cannot listen on ${host}:${port}: the port is in use (another byok serve?); choose another with --port`);
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') throw usage(`cannot listen on ${host}:${port} (${code}): choose a port above 1023 and an address of this machine`);
    throw e;
  }
  const out = (line: string): void => {
    ctx.io.stdout.write(line + '\n');
  };
  out('byok serve — a local Managed HSM–compatible endpoint for rehearsals. NOT a production HSM: its keys are software keys in the data folder.');
  for (const line of kv([
    ['data', `${dir}${server.data.created ? ' (created)' : ''}`],
    ['CA', `${server.caPath}  (trust it: NODE_EXTRA_CA_CERTS / REQUESTS_CA_BUNDLE)`],
    ['admin', `${server.adminPath}  (tenantId ${server.data.tenantId}, clientId, clientSecret)`],
    ['clients', `@azure/identity: new ClientSecretCredential(tenantId, clientId, clientSecret, { authorityHost: '${server.url}', disableInstanceDiscovery: true }), KeyClient option disableChallengeResourceVerification: true; az: a custom cloud with activeDirectory ${server.url}/adfs (README, "byok serve")`],
  ])) out(line);
  if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost') out(`WARNING: listening on ${host}, not only on loopback: anyone who can reach it and holds a principal's secret can use its keys.`);
  out(`listening on ${server.url}`);
  const signal = await untilSignal();
  await server.close();
  ctx.io.stderr.write(`byok serve: stopped (${signal})\n`);
  return EXIT_OK;
}

export const serveCommand: Command = {
  spec,
  checkCodes: new Set(['AUDIT_LOG_BROKEN']),
  async run(args, ctx) {
    const [sub, action] = args.positionals;
    if (sub === undefined) {
      return { exitCode: await runServer(args.values, ctx) as 0, json: {} };
    }
    const dir = dataDir(args.values);
    const serve = await import('../../serve/index.js');
    if (sub === 'principal' && action === 'add') {
      for (const o of ['port', 'host']) if (args.values[o] !== undefined) throw usage(`--${o} belongs to 'byok serve' itself`);
      const name = str(args.values, 'name');
      if (name === undefined) throw usage('missing --name NAME (the principal\'s file is principals/NAME.json)');
      const role = str(args.values, 'role');
      const scope = str(args.values, 'scope');
      const r = serve.addPrincipal(serve.dataPaths(dir), { name, ...(role !== undefined ? { role } : {}), ...(scope !== undefined ? { scope } : {}) });
      for (const line of kv([
        ['principal', r.file],
        ['clientId', r.principal.clientId],
        ['objectId', r.principal.objectId],
        ['role', r.role ? `${r.role} at ${r.scope}` : '(none: assign one over REST or run principal add again with --role)'],
      ])) ctx.say(line);
      ctx.say('The client secret is in the file (mode 0600); it is not printed.');
      return {
        exitCode: EXIT_OK,
        json: { file: r.file, tenantId: r.principal.tenantId, clientId: r.principal.clientId, objectId: r.principal.objectId, role: r.role ?? null, scope: r.scope ?? null },
      };
    }
    if (sub === 'audit' && action === 'verify') {
      const v = serve.verifyAuditLog(serve.dataPaths(dir).audit);
      if (!v.ok) throw new ByokError('AUDIT_LOG_BROKEN', `the audit log is broken at ${v.problem} (${v.lines} good lines before it)`);
      ctx.say(`audit log intact: ${v.lines} lines in ${v.files} files, hash chain and head.json agree`);
      return { exitCode: EXIT_OK, json: { lines: v.lines, files: v.files } };
    }
    throw usage(`unknown subcommand ${JSON.stringify([sub, action].filter((x) => x !== undefined).join(' ').slice(0, 40))}: use 'principal add' or 'audit verify'`);
  },
};
