/**
 * `hcp central`: runs the central system; `hcp central key` prints its configuration-signing key for a
 * technician to compare with what a kiosk pinned; `hcp central database-url` prints how to reach its running
 * embedded PostgreSQL (for a backup with pg_dump); `hcp central audit verify` checks the audit log's hash chain.
 * The central code is loaded only when one of them runs. Runs in Node.
 */
import { Command, InvalidArgumentError } from 'commander';
import { createRootLogger } from '../common/logger.js';
import { isRole, ROLES } from '../shared/abilities.js';
import { API_KEY_SCOPES } from '../shared/accounts-api.js';
import { CENTRAL_DEFAULT_PORT } from '../shared/central-api.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number 0–65535');
  return n;
}

function perMinute(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of requests, 1 or more');
  return n;
}

/** Fastify's `trustProxy`: `true` (any), or the proxies' addresses (comma-separated, CIDR allowed). */
function trustProxy(value: string): boolean | string[] {
  if (value === 'true') return true;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

interface CentralCliOptions {
  data: string;
  host: string;
  port: number;
  tlsCert?: string;
  tlsKey?: string;
  trustProxy?: boolean | string[];
  enrollPerMinute?: number;
}

export function centralCommand(defaultDataDir: string): Command {
  const central = new Command('central')
    .description('run the central system (PostgreSQL at DATABASE_URL, or embedded in --data)')
    // `hcp central key --data DIR`: the subcommand's --data, not this command's.
    .enablePositionalOptions()
    .option('--data <dir>', 'data folder: admin token, data key, signing key, embedded database', defaultDataDir)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', port, CENTRAL_DEFAULT_PORT)
    .option('--tls-cert <file>', 'serve HTTPS: the certificate (PEM, with its chain)')
    .option('--tls-key <file>', 'serve HTTPS: the certificate’s private key (PEM)')
    .option('--trust-proxy <proxies>', 'behind a reverse proxy: its addresses (comma-separated), or true', trustProxy)
    .option('--enroll-per-minute <n>', 'enrolment requests per minute and client IP (default 10)', perMinute)
    .action(async (options: CentralCliOptions) => {
      if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
        throw new InvalidArgumentError('--tls-cert and --tls-key go together');
      }
      const logger = createRootLogger();
      const { runCentral } = await import('../central/run-central.js');
      const central = await runCentral({
        dataDir: options.data,
        databaseUrl: process.env.DATABASE_URL,
        host: options.host,
        port: options.port,
        logger,
        ...(options.tlsCert && options.tlsKey ? { tls: { certFile: options.tlsCert, keyFile: options.tlsKey } } : {}),
        ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
        ...(options.enrollPerMinute ? { rateLimits: { enrollPerMinute: options.enrollPerMinute } } : {}),
      });
      process.stdout.write(
        `central system listening on ${central.url} (database: ${central.database})\n` +
          (central.adminTokenFile
            ? `admin token: ${central.adminTokenFile}\n`
            : 'admin token: from HCP_ADMIN_TOKEN\n') +
          `configuration signing key: ${central.signingKey.fingerprint()}\n`,
      );
      const stop = () => void central.stop().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  central
    .command('key')
    .description('print the fingerprint and public key that sign configurations (made on first use)')
    .option('--data <dir>', 'the central system’s data folder', defaultDataDir)
    .action(async (options: { data: string }) => {
      const { mkdirSync } = await import('node:fs');
      const { CentralSigningKey } = await import('../central/signing-key.js');
      mkdirSync(options.data, { recursive: true, mode: 0o700 });
      const key = CentralSigningKey.loadOrCreate(options.data);
      process.stdout.write(`fingerprint: ${key.fingerprint()}\npublic key:  ${key.publicKey}\n`);
    });
  central
    .command('database-url')
    .description('print the URL of the embedded PostgreSQL running in --data (for pg_dump; it holds the password)')
    .option('--data <dir>', 'the central system’s data folder', defaultDataDir)
    .action(async (options: { data: string }) => {
      const { runningClusterUrl } = await import('../central/db/embedded-cluster.js');
      process.stdout.write(`${runningClusterUrl(options.data)}\n`);
    });
  central
    .command('audit')
    .description('the audit log')
    .command('verify')
    .description(
      'check the audit log’s hash chain (DATABASE_URL, or the embedded PostgreSQL in --data); exit 1 if broken',
    )
    .option('--data <dir>', 'the central system’s data folder', defaultDataDir)
    .action(async (options: { data: string }) => {
      const { runAuditVerify, describeVerification } = await import('../central/audit/verify-command.js');
      const result = await runAuditVerify({
        dataDir: options.data,
        databaseUrl: process.env.DATABASE_URL,
        logger: createRootLogger(),
      });
      process.stdout.write(describeVerification(result));
      if (!result.ok) process.exitCode = 1;
    });
  central
    .command('user')
    .description('accounts of the centre’s staff')
    .command('add')
    .description('add an account; prints its one-time password once (to be changed at the first login)')
    .requiredOption('--username <name>', 'the login name')
    .requiredOption('--name <display>', 'the name shown')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--department <code...>', 'a handler’s departments')
    .option('--data <dir>', 'the central system’s data folder', defaultDataDir)
    .action(async (options: { username: string; name: string; role: string; department?: string[]; data: string }) => {
      const { runUserAdd } = await import('../central/accounts/commands.js');
      if (!isRole(options.role)) throw new InvalidArgumentError(`--role: one of ${ROLES.join(', ')}`);
      const { account, oneTimePassword } = await runUserAdd(
        { dataDir: options.data, databaseUrl: process.env.DATABASE_URL, logger: createRootLogger() },
        {
          username: options.username,
          displayName: options.name,
          role: options.role,
          departments: options.department ?? [],
        },
      );
      process.stdout.write(
        `account ${account.username} (${account.role}) added; one-time password: ${oneTimePassword}\n`,
      );
    });
  central
    .command('apikey')
    .description('API keys for programs')
    .command('add')
    .description('add an API key; prints the key once (only its hash is kept)')
    .requiredOption('--name <name>', 'what the key is for')
    .requiredOption('--scope <scope>', API_KEY_SCOPES.join(', '))
    .option('--data <dir>', 'the central system’s data folder', defaultDataDir)
    .action(async (options: { name: string; scope: string; data: string }) => {
      const { runApiKeyAdd } = await import('../central/accounts/commands.js');
      const { apiKey, key } = await runApiKeyAdd(
        { dataDir: options.data, databaseUrl: process.env.DATABASE_URL, logger: createRootLogger() },
        { name: options.name, scope: options.scope },
      );
      process.stdout.write(`API key ${apiKey.name} (${apiKey.scope}) added: ${key}\n`);
    });
  return central;
}
